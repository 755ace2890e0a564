"""Structural checks of rendered Kubernetes manifests that schemas can't do.

kubernetes-validate has no schema for the Prometheus Operator's CRDs
(ServiceMonitor, PrometheusRule), and no schema checks that the objects agree
with each other. This does, for one rendered kustomization:

- ServiceMonitor: selects at least one Service, and that Service has a port
  named as each endpoint's `port`.
- PrometheusRule: groups with names and rules, each rule an alert or a record
  with an expr (promtool checks the PromQL itself: see --rules-out).
- Services and the HPA point at things that exist: selectors match the
  Deployment's pod labels, targetPorts name container ports, scaleTargetRef
  names the Deployment, envFrom ConfigMaps are present.
- The drain fits: terminationGracePeriodSeconds > REPLYREWRITER_SHUTDOWN_GRACE
  + preStop sleep; gRPC probes target the container's grpc port; the
  container runs as non-root with a read-only root filesystem and no
  capabilities.

    python .ci/check_manifests.py rendered.yaml [--rules-out rules.yaml]
"""

from __future__ import annotations

import argparse
import sys

import yaml


def _load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d]


def _by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind]


def _matches(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def check(docs: list[dict]) -> tuple[list[str], list[dict]]:
    errors: list[str] = []
    rule_groups: list[dict] = []
    services = _by_kind(docs, "Service")
    deployments = _by_kind(docs, "Deployment")
    configmaps = {d["metadata"]["name"]: d for d in _by_kind(docs, "ConfigMap")}

    for sm in _by_kind(docs, "ServiceMonitor"):
        name = sm["metadata"]["name"]
        if sm.get("apiVersion") != "monitoring.coreos.com/v1":
            errors.append(f"ServiceMonitor/{name}: apiVersion {sm.get('apiVersion')}")
        spec = sm.get("spec", {})
        selector = spec.get("selector", {}).get("matchLabels")
        endpoints = spec.get("endpoints")
        if not selector or not endpoints:
            errors.append(f"ServiceMonitor/{name}: needs spec.selector.matchLabels and spec.endpoints")
            continue
        selected = [s for s in services if _matches(selector, s["metadata"].get("labels", {}))]
        if not selected:
            errors.append(f"ServiceMonitor/{name}: selects no Service")
        for ep in endpoints:
            if not any(p.get("name") == ep.get("port") for s in selected for p in s["spec"]["ports"]):
                errors.append(f"ServiceMonitor/{name}: no selected Service has a port named {ep.get('port')!r}")
        job_label = spec.get("jobLabel")
        if job_label and not all(job_label in s["metadata"].get("labels", {}) for s in selected):
            errors.append(f"ServiceMonitor/{name}: jobLabel {job_label} missing on a selected Service")

    for pr in _by_kind(docs, "PrometheusRule"):
        name = pr["metadata"]["name"]
        groups = pr.get("spec", {}).get("groups")
        if pr.get("apiVersion") != "monitoring.coreos.com/v1" or not isinstance(groups, list) or not groups:
            errors.append(f"PrometheusRule/{name}: needs apiVersion monitoring.coreos.com/v1 and spec.groups")
            continue
        for g in groups:
            if not g.get("name") or not isinstance(g.get("rules"), list) or not g["rules"]:
                errors.append(f"PrometheusRule/{name}: group {g.get('name')!r} needs a name and rules")
                continue
            for r in g["rules"]:
                if not r.get("expr") or ("alert" in r) == ("record" in r):
                    errors.append(f"PrometheusRule/{name}: rule {r} needs an expr and one of alert/record")
                if "alert" in r and not {"summary", "runbook"} <= set(r.get("annotations", {})):
                    errors.append(f"PrometheusRule/{name}: alert {r['alert']} needs summary and runbook annotations")
        rule_groups += groups

    for dep in deployments:
        dname = dep["metadata"]["name"]
        pod = dep["spec"]["template"]
        pod_labels = pod["metadata"]["labels"]
        if not _matches(dep["spec"]["selector"]["matchLabels"], pod_labels):
            errors.append(f"Deployment/{dname}: selector does not match its pod labels")
        spec = pod["spec"]
        if not spec.get("securityContext", {}).get("runAsNonRoot"):
            errors.append(f"Deployment/{dname}: pod must set runAsNonRoot")
        for c in spec["containers"]:
            where = f"Deployment/{dname} container {c['name']}"
            sc = c.get("securityContext", {})
            if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation") is not False \
                    or "ALL" not in sc.get("capabilities", {}).get("drop", []):
                errors.append(f"{where}: needs readOnlyRootFilesystem, no privilege escalation, drop ALL")
            ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                grpc_probe = c.get(probe, {}).get("grpc")
                if not grpc_probe or grpc_probe.get("port") != ports.get("grpc"):
                    errors.append(f"{where}: {probe} must be a grpc probe on the grpc port")
            if not any(m["mountPath"] == "/tmp" for m in c.get("volumeMounts", [])):
                errors.append(f"{where}: /tmp must be a writable volume (read-only root)")
            env = {}
            for ref in c.get("envFrom", []):
                cm = ref.get("configMapRef", {}).get("name")
                if cm is not None:
                    if cm not in configmaps:
                        errors.append(f"{where}: envFrom ConfigMap {cm} is not in the render")
                    else:
                        env.update(configmaps[cm].get("data", {}))
            grace = float(env.get("REPLYREWRITER_SHUTDOWN_GRACE", 20))
            pre_stop = c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
            sleep = float(pre_stop[-1]) if pre_stop[:1] in (["/bin/sleep"], ["sleep"]) else 0.0
            tgp = spec.get("terminationGracePeriodSeconds", 30)
            if tgp <= grace + sleep:
                errors.append(f"Deployment/{dname}: terminationGracePeriodSeconds {tgp} <= "
                              f"shutdown grace {grace} + preStop {sleep}")
        for svc in services:
            if _matches(svc["spec"].get("selector", {}), pod_labels):
                for p in svc["spec"]["ports"]:
                    tp = p.get("targetPort", p["port"])
                    known = [q for c in spec["containers"] for q in c.get("ports", [])]
                    if not any(tp in (q.get("name"), q["containerPort"]) for q in known):
                        errors.append(f"Service/{svc['metadata']['name']}: targetPort {tp} not a container port")

    pod_label_sets = [d["spec"]["template"]["metadata"]["labels"] for d in deployments]
    for svc in services:
        if not any(_matches(svc["spec"].get("selector", {}), labels) for labels in pod_label_sets):
            errors.append(f"Service/{svc['metadata']['name']}: selector matches no Deployment's pods")
    for hpa in _by_kind(docs, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        if not any(d["metadata"]["name"] == ref["name"] for d in deployments if ref["kind"] == "Deployment"):
            errors.append(f"HorizontalPodAutoscaler/{hpa['metadata']['name']}: target {ref['kind']}/{ref['name']} missing")
    for pdb in _by_kind(docs, "PodDisruptionBudget"):
        if not any(_matches(pdb["spec"]["selector"]["matchLabels"], labels) for labels in pod_label_sets):
            errors.append(f"PodDisruptionBudget/{pdb['metadata']['name']}: selects no pods")
    return errors, rule_groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="structural checks of rendered manifests")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--rules-out", help="write the PrometheusRule groups here, for promtool")
    args = parser.parse_args(argv)
    if args.rules_out and len(args.files) != 1:
        parser.error("--rules-out takes one rendered file")
    errors, groups = [], []
    for f in args.files:
        e, g = check(_load(f))
        errors += [f"{f}: {m}" for m in e]
        groups += g
    if args.rules_out:
        with open(args.rules_out, "w", encoding="utf-8") as fh:
            yaml.safe_dump({"groups": groups}, fh, sort_keys=False)
    for e in errors:
        print(f"ERROR {e}", file=sys.stderr)
    if not errors:
        print(f"OK {' '.join(args.files)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
