"""CPU profiles of the server process while a benchmark drives it (py-spy).

``Profiler(pid, out)`` attaches py-spy to a running server, records collapsed
stacks (``--format raw``) until ``stop()``, and ``top()`` sums them into the
functions that cost the most, inclusive and self, so the report can say where
the server's CPU went without opening a flame graph.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


_REPO = str(Path(__file__).resolve().parent.parent) + "/"


def py_spy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class Profiler:
    def __init__(self, pid: int, out: Path, rate: int = 100) -> None:
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy is not installed (pip install py-spy)")
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self._proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate), "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> Path:
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        return self.out


def _label(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group("file")
    for marker in ("site-packages/", _REPO, "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def top(raw: Path, n: int = 15) -> dict[str, object]:
    """The ``n`` costliest functions by inclusive and by self samples (percent of all)."""
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    total = 0
    if not raw.exists():
        return {"samples": 0, "inclusive": [], "self": []}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_label(f) for f in stack.split(";") if f.strip()]
        for frame in set(frames):
            inclusive[frame] += samples
        if frames:
            self_time[frames[-1]] += samples

    def pct(counter: Counter[str]) -> list[list[object]]:
        return [[name, round(100.0 * c / total, 1)] for name, c in counter.most_common(n)] if total else []

    return {"samples": total, "inclusive": pct(inclusive), "self": pct(self_time)}
