"""Check the Grafana dashboard and the alerts against service/metrics.py.

service/metrics.py is the source of truth for metric names. This reads the
names it defines, derives what prometheus_client exposes (counters get
`_total` once, histograms `_bucket`/`_sum`/`_count`, Info `_info`), and fails
if deploy/grafana/dashboard.json or deploy/prometheus/alerts.yaml uses a
`replyrewriter_*` name that is not exposed: a renamed metric must not leave a
silent, empty panel or an alert that can never fire.

It also checks the dashboard's structure (unique panel ids, a grid position,
a query per panel) and writes every panel query, with Grafana's variables
replaced, as a recording rule to --rules-out so `promtool check rules`
validates the PromQL.

    python .ci/check_dashboard.py --rules-out /tmp/dashboard-rules.yaml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
METRICS = ROOT / "service" / "metrics.py"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboard.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yaml"
DEFINITION = re.compile(r'\b(Counter|Gauge|Histogram|Summary|Info)\(\s*f"\{PREFIX\}_(\w+)"')
USE = re.compile(r"\breplyrewriter_\w+")
GRAFANA_VARS = {"$__rate_interval": "5m", "$__range": "1h", "$__interval": "1m", "$job": "reply-rewriter"}


def exposed_names() -> set[str]:
    names: set[str] = set()
    for kind, base in DEFINITION.findall(METRICS.read_text(encoding="utf-8")):
        name = f"replyrewriter_{base}"
        if kind == "Counter":
            stem = name.removesuffix("_total")
            names |= {f"{stem}_total", f"{stem}_created"}
        elif kind in ("Histogram", "Summary"):
            names |= {name, f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}
        elif kind == "Info":
            names.add(f"{name}_info")
        else:
            names.add(name)
    return names


def panels(dashboard: dict) -> list[dict]:
    out = []
    for p in dashboard.get("panels", []):
        out.append(p)
        out += p.get("panels", [])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dashboard and alert metric-name checks")
    parser.add_argument("--rules-out", help="write the dashboard's queries here as recording rules")
    args = parser.parse_args(argv)
    errors: list[str] = []
    known = exposed_names()
    if not known:
        errors.append(f"{METRICS}: found no metric definitions")

    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    ids: set[int] = set()
    rules = []
    for p in panels(dashboard):
        title = p.get("title", "?")
        if p.get("id") in ids:
            errors.append(f"dashboard: duplicate panel id {p.get('id')} ({title})")
        ids.add(p.get("id"))
        if not {"x", "y", "w", "h"} <= set(p.get("gridPos", {})):
            errors.append(f"dashboard: panel {title!r} has no full gridPos")
        if p.get("type") == "row":
            continue
        targets = p.get("targets") or []
        if not targets or not all(t.get("expr") for t in targets):
            errors.append(f"dashboard: panel {title!r} has no query")
        for t in targets:
            expr = t.get("expr", "")
            for var, value in GRAFANA_VARS.items():
                expr = expr.replace(var, value)
            if "$" in expr:
                errors.append(f"dashboard: panel {title!r} uses an unknown variable: {expr}")
            rules.append({"record": f"dashboard:panel_{p['id']}_{t.get('refId', 'A')}", "expr": expr})

    for source, text in (("dashboard", DASHBOARD.read_text(encoding="utf-8")),
                         ("alerts", ALERTS.read_text(encoding="utf-8"))):
        for name in sorted(set(USE.findall(text)) - known):
            errors.append(f"{source}: {name} is not exposed by service/metrics.py")

    if args.rules_out:
        Path(args.rules_out).write_text(
            yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, sort_keys=False),
            encoding="utf-8")
    for e in errors:
        print(f"ERROR {e}", file=sys.stderr)
    if not errors:
        print(f"OK {len(rules)} dashboard queries and the alerts use only metrics that service/metrics.py exposes")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
