"""Render a kustomization without kustomize: the subset this repository uses.

Why: CI must run on a fresh Debian machine that reaches only PyPI, Debian and
npm. kustomize and a kubectl new enough to embed it come from GitHub or
Google's package repositories; Debian's kubernetes-client is 1.20 (kustomize
v2.0.3, without the `labels` and `patches` fields). So .ci/lint-deploy.sh
renders with this script, and where a real `kustomize` or `kubectl kustomize`
exists it renders with that as well and fails if the two disagree.

Supported kustomization fields: resources (files and directories), namespace,
labels (pairs, includeTemplates; not includeSelectors), images (newName,
newTag) and patches given by `path` (strategic merge patches, target taken
from the patch's kind and name). Anything else is an error, never silently
ignored.

    python .ci/render_kustomize.py deploy/k8s/overlays/production > out.yaml
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PriorityClass", "StorageClass", "PersistentVolume"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
# Strategic-merge keys of the lists the manifests here patch; any other list
# is replaced whole, as Kubernetes does for lists without a merge key.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
    "volumeMounts": "mountPath", "topologySpreadConstraints": "topologyKey",
    "imagePullSecrets": "name",
}


class RenderError(Exception):
    pass


def _load_docs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d is not None]


def _merge(base: object, patch: object, key: str | None = None) -> object:
    """Strategic merge of ``patch`` into ``base`` (null deletes a field)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        if "$patch" in patch:
            raise RenderError("$patch directives are not supported")
        out = dict(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = _merge(base.get(k), v, k) if k in base else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(patch, list) and key in MERGE_KEYS:
        mk = MERGE_KEYS[key]
        originals = {item[mk]: item for item in base}
        merged = [_merge(originals[p[mk]], p) if p[mk] in originals else copy.deepcopy(p)
                  for p in patch]
        seen = {p[mk] for p in patch}
        return merged + [item for item in base if item[mk] not in seen]
    return copy.deepcopy(patch)


def _pod_specs(resource: dict) -> list[dict]:
    if resource.get("kind") not in WORKLOADS:
        return []
    return [resource["spec"]["template"]["spec"]]


def _apply_labels(resources: list[dict], entries: list[dict]) -> None:
    for entry in entries:
        unknown = set(entry) - {"pairs", "includeSelectors", "includeTemplates"}
        if unknown or entry.get("includeSelectors"):
            raise RenderError(f"labels: unsupported {sorted(unknown) or 'includeSelectors: true'}")
        for r in resources:
            r.setdefault("metadata", {}).setdefault("labels", {}).update(entry["pairs"])
            if entry.get("includeTemplates") and r.get("kind") in WORKLOADS:
                tmpl = r["spec"]["template"].setdefault("metadata", {})
                tmpl.setdefault("labels", {}).update(entry["pairs"])


def _apply_images(resources: list[dict], images: list[dict]) -> None:
    for image in images:
        unknown = set(image) - {"name", "newName", "newTag"}
        if unknown:
            raise RenderError(f"images: unsupported {sorted(unknown)}")
        for spec in (s for r in resources for s in _pod_specs(r)):
            for c in spec.get("containers", []) + spec.get("initContainers", []):
                name, _, tag = c["image"].partition(":")
                if name == image["name"]:
                    new_tag = image.get("newTag", tag)
                    c["image"] = image.get("newName", name) + (f":{new_tag}" if new_tag else "")


def _apply_patch(resources: list[dict], patch: dict, where: Path) -> None:
    kind, name = patch.get("kind"), patch.get("metadata", {}).get("name")
    group = patch.get("apiVersion", "").rpartition("/")[0]
    targets = [i for i, r in enumerate(resources)
               if r.get("kind") == kind and r["metadata"]["name"] == name
               and r.get("apiVersion", "").rpartition("/")[0] == group]
    if len(targets) != 1:
        raise RenderError(f"{where}: patch matches {len(targets)} resources ({kind}/{name})")
    resources[targets[0]] = _merge(resources[targets[0]], patch)


def render(directory: Path) -> list[dict]:
    kfile = directory / "kustomization.yaml"
    if not kfile.is_file():
        raise RenderError(f"{directory}: no kustomization.yaml")
    k = yaml.safe_load(kfile.read_text(encoding="utf-8")) or {}
    unknown = set(k) - SUPPORTED
    if unknown:
        raise RenderError(f"{kfile}: unsupported fields {sorted(unknown)}")
    resources: list[dict] = []
    for entry in k.get("resources", []):
        path = (directory / entry).resolve()
        resources += render(path) if path.is_dir() else _load_docs(path)
    # kustomize's order: patches, namespace, labels, images.
    for p in k.get("patches", []):
        if set(p) != {"path"}:
            raise RenderError(f"{kfile}: only `patches: - path: ...` is supported, got {p}")
        for doc in _load_docs(directory / p["path"]):
            _apply_patch(resources, doc, directory / p["path"])
    if "namespace" in k:
        for r in resources:
            if r.get("kind") not in CLUSTER_SCOPED:
                r["metadata"]["namespace"] = k["namespace"]
    _apply_labels(resources, k.get("labels", []))
    _apply_images(resources, k.get("images", []))
    return resources


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} KUSTOMIZATION_DIR", file=sys.stderr)
        return 2
    try:
        docs = render(Path(argv[1]))
    except (RenderError, OSError, KeyError, yaml.YAMLError) as exc:
        print(f"render_kustomize: {exc}", file=sys.stderr)
        return 1
    yaml.safe_dump_all(docs, sys.stdout, sort_keys=True, default_flow_style=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
