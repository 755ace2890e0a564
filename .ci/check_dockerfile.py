"""Static checks of deploy/Dockerfile (there is no Docker engine in CI).

Parses it with the `dockerfile` package (BuildKit's own parser, so a syntax
error fails here as it would in `docker build`) and checks what the image
promises: multi-stage, the runtime stage runs as a non-root numeric user, has
a HEALTHCHECK, PYTHONUNBUFFERED=1, installs no compiler, WITH_LOCAL_MODEL
defaults to false, and every file it COPYs from the build context exists and
is not excluded by .dockerignore.

    python .ci/check_dockerfile.py deploy/Dockerfile
"""

from __future__ import annotations

import fnmatch
import glob
import re
import sys
from pathlib import Path

import dockerfile

ROOT = Path(__file__).resolve().parent.parent
COMPILERS = re.compile(r"\b(gcc|g\+\+|cmake|clang|build-essential|make)\b")


def _ignored(path: str, patterns: list[str]) -> bool:
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(p, pat.rstrip("/").removeprefix("**/")) or
               fnmatch.fnmatch(p, pat.rstrip("/"))
               for pat in patterns for p in prefixes)


def check(path: Path) -> list[str]:
    errors: list[str] = []
    commands = dockerfile.parse_file(str(path))
    stages: list[list] = []
    for c in commands:
        if c.cmd == "FROM":
            stages.append([])
        elif stages:
            stages[-1].append(c)
    if len(stages) < 2:
        errors.append("expected a multi-stage build")
        return errors
    global_args = [c for c in commands if c.cmd == "ARG"]
    if not any(v.startswith("WITH_LOCAL_MODEL=false") for c in global_args for v in c.value):
        errors.append("ARG WITH_LOCAL_MODEL must default to false")
    final = stages[-1]
    users = [c.value[0] for c in final if c.cmd == "USER"]
    if not users or users[-1].split(":")[0] in ("0", "root") or not users[-1].split(":")[0].isdigit():
        errors.append(f"runtime stage must end with a numeric non-root USER, got {users}")
    if not any(c.cmd == "HEALTHCHECK" and "CMD" in c.value for c in final):
        errors.append("runtime stage needs a HEALTHCHECK CMD")
    env = {}
    for c in final:
        if c.cmd == "ENV":
            env.update(dict(zip(c.value[::2], c.value[1::2])))
    if env.get("PYTHONUNBUFFERED") != "1":
        errors.append("runtime stage must set PYTHONUNBUFFERED=1")
    for c in final:
        if c.cmd == "RUN" and "install" in c.value[0] and COMPILERS.search(c.value[0]):
            errors.append(f"runtime stage installs a compiler: {c.value[0][:80]}")
    # The build context is the repository root (docker build -f deploy/Dockerfile .).
    ignore_file = ROOT / ".dockerignore"
    patterns = [line.strip() for line in ignore_file.read_text().splitlines()
                if line.strip() and not line.startswith("#")] if ignore_file.exists() else []
    for c in commands:
        if c.cmd != "COPY" or any(f.startswith("--from") for f in c.flags):
            continue
        for src in c.value[:-1]:
            matches = glob.glob(str(ROOT / src))
            if not matches and not any(ch in src for ch in "*?["):
                errors.append(f"COPY source {src} does not exist")
            for m in matches:
                rel = str(Path(m).relative_to(ROOT))
                if _ignored(rel, patterns):
                    errors.append(f"COPY source {rel} is excluded by .dockerignore")
    return errors


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else ROOT / "deploy" / "Dockerfile")
    try:
        errors = check(path)
    except dockerfile.GoParseError as exc:
        errors = [f"parse error: {exc}"]
    for e in errors:
        print(f"ERROR {path}: {e}", file=sys.stderr)
    if not errors:
        print(f"OK {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
