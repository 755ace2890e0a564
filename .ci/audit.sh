#!/usr/bin/env bash
# Audit requirements.lock for known vulnerabilities with pip-audit.
#
# Why a wrapper around `pip-audit -r requirements.lock`: pip-audit alone calls
# an audit clean when no database was reachable (CI here reaches only package
# registries) or when a registry mirror answers "not found" for every package;
# this script says so in a WARNING line instead, and requires a reason for
# every ignored advisory.
#
#   .ci/audit.sh [VENV]          VENV defaults to ./.venv
#
# Exit 0: no finding outside .ci/audit-ignore.txt, OR no vulnerability database
#         could be reached (CI here only reaches package registries), in which
#         case a line starting with "WARNING:" says so: an audit that could not
#         run is reported, never passed off as clean.
# Exit 1: a vulnerability that is neither fixed nor listed, with its reason, in
#         .ci/audit-ignore.txt ("ID  reason", one per line; # comments). An
#         entry matches the advisory's id or any of its aliases (CVE, GHSA...).
# Exit 2: pip-audit itself failed for another reason.
#
# Databases tried in order: PyPI's JSON API (pip-audit's default; a registry
# mirror that serves only the simple index answers 404 for every package, which
# pip-audit reports as "not found on PyPI" and would otherwise call a clean
# audit), then OSV (api.osv.dev). Set AUDIT_SERVICES="osv" to change the order.
# AUDIT_JSON=file skips pip-audit and evaluates a saved `pip-audit -f json`
# report (used to check this script's own logic).
set -uo pipefail
cd "$(dirname "$0")/.."

VENV="${1:-.venv}"
PY="$VENV/bin/python"
IGNORE_FILE=".ci/audit-ignore.txt"
SERVICES="${AUDIT_SERVICES:-pypi osv}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$PY" ]; then
  echo "audit: no Python at $PY (create the venv first)" >&2
  exit 2
fi

evaluate() {  # $1 = pip-audit JSON report, $2 = service name
  "$PY" - "$1" "$2" "$IGNORE_FILE" <<'PYEOF'
import json
import sys
from pathlib import Path

report_path, service, ignore_path = sys.argv[1:4]
report = json.loads(Path(report_path).read_text(encoding="utf-8"))
deps = report.get("dependencies", [])

ignored: dict[str, str] = {}
if Path(ignore_path).exists():
    for n, line in enumerate(Path(ignore_path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            print(f"audit: {ignore_path}:{n}: {vuln_id} has no reason; every ignored finding needs one")
            sys.exit(2)
        ignored[vuln_id] = reason.strip()

audited = [d for d in deps if "skip_reason" not in d]
skipped = [d for d in deps if "skip_reason" in d]
# 3 = the database answered for nothing: nothing was audited.
if deps and not audited:
    sys.exit(3)

findings, accepted, used = [], [], set()
for dep in audited:
    for vuln in dep.get("vulns", []):
        ids = [vuln["id"], *vuln.get("aliases", [])]
        hit = next((i for i in ids if i in ignored), None)
        line = (f"{dep['name']} {dep['version']}: {vuln['id']}"
                + (f" ({', '.join(vuln.get('aliases', []))})" if vuln.get("aliases") else "")
                + (f"; fixed in {', '.join(vuln['fix_versions'])}" if vuln.get("fix_versions") else "; no fix yet"))
        if hit:
            used.add(hit)
            accepted.append(f"{line}\n    ignored: {ignored[hit]}")
        else:
            findings.append(line)

print(f"audit ({service}): {len(audited)} packages audited, {len(skipped)} skipped, "
      f"{len(findings)} finding(s), {len(accepted)} ignored with a reason")
for dep in skipped:
    print(f"WARNING: not audited: {dep['name']} {dep['version']}: {dep['skip_reason']}")
for line in accepted:
    print(f"ignored: {line}")
for vuln_id in sorted(set(ignored) - used):
    print(f"note: {ignore_path} lists {vuln_id}, which no installed package has any more; remove it")
for line in findings:
    print(f"VULNERABLE: {line}")
if findings:
    print(f"audit: upgrade, or list the id with a reason in {ignore_path}")
    sys.exit(1)
PYEOF
}

if [ -n "${AUDIT_JSON:-}" ]; then
  evaluate "$AUDIT_JSON" "saved report"
  rc=$?
  [ "$rc" -eq 3 ] && { echo "WARNING: the saved report audited nothing"; exit 0; }
  exit "$rc"
fi

if ! "$PY" -m pip_audit --version >/dev/null 2>&1; then
  echo "audit: installing pip-audit into $VENV"
  "$PY" -m pip install -q pip-audit || { echo "audit: cannot install pip-audit" >&2; exit 2; }
fi

for service in $SERVICES; do
  out="$WORK/$service.json" err="$WORK/$service.err"
  # requirements.lock, pinned and without resolution: exactly the set CI
  # installs and the image ships (deploy/Dockerfile installs -c requirements.lock).
  timeout 600 "$PY" -m pip_audit -r requirements.lock --disable-pip --no-deps -s "$service" -f json --aliases on --desc off \
    --progress-spinner off --timeout 15 -o "$out" 2>"$err"
  audit_rc=$?
  if [ ! -s "$out" ]; then
    if [ "$audit_rc" -eq 124 ] || grep -qiE "connection|resolve|timed? ?out|unreachable|Max retries|HTTP(S)?ConnectionPool|SSLError|ProxyError|Name or service|Temporary failure|status code|HTTPError" "$err"; then
      echo "audit: the $service vulnerability service could not be reached: $(grep -v '^\s*$' "$err" | tail -1 | cut -c1-200)"
      continue
    fi
    echo "audit: pip-audit failed (exit $audit_rc) with the $service service:" >&2
    cat "$err" >&2
    exit 2
  fi
  evaluate "$out" "$service"
  rc=$?
  case "$rc" in
    3) echo "audit: the $service vulnerability service answered for none of the packages (a registry mirror without the JSON API?)"
       continue ;;
    *) exit "$rc" ;;
  esac
done

echo "WARNING: dependency vulnerability audit NOT performed: no vulnerability database ($SERVICES) was reachable from here. Run .ci/audit.sh where pypi.org's JSON API or api.osv.dev is reachable."
exit 0
