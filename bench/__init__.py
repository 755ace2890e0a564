"""Benchmarks of reply-rewriter: ``python -m bench`` runs them all.

Shared pieces live here: latency statistics, the machine record (with a
calibration loop, so figures from noisy runs can be compared), and helpers
that start the real server, the scripted provider or the echo baseline in
their own processes and wait until they serve.

Every benchmark measures its own baseline in the same run and reports a
ratio, because this machine (2 shared cores) is too noisy for absolute times
to mean much from one run to the next.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TEST_MODEL = "openai/gpt-4o-mini"


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/mean in milliseconds."""
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 3),
        "p90_ms": round(percentile(seconds, 90) * 1000, 3),
        "p99_ms": round(percentile(seconds, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 3) if seconds else 0.0,
    }


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


# --------------------------------------------------------------------------- the machine


def calibration_ms(repeats: int = 5) -> float:
    """Median time of a fixed pure-Python workload: a yardstick for this
    machine's speed at the moment of the run (lower is faster)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0
        for i in range(200_000):
            total += i % 7
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "calibration_ms": calibration_ms(),
    }
    try:
        info["loadavg_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (psutil when installed, else /proc)."""
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss)
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no RSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


# --------------------------------------------------------------------------- processes


@dataclass
class Child:
    """A process started by a benchmark; ``stop()`` ends it (SIGINT, then SIGKILL)."""

    proc: subprocess.Popen[str]
    port: int
    started_at: float
    ready_at: float
    log_path: Path | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines() if self.log_path else []

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def start_provider(latency: float = 0.0, timeout: float = 60.0) -> Child:
    """The scripted OpenAI-compatible server (echo policy) in its own process."""
    return _start_printing_port([PYTHON, "-m", "tests.fakes.provider", "--port", "0", "--latency", str(latency)],
                                timeout)


def start_echo(responses_file: Path, timeout: float = 60.0) -> Child:
    """The bare grpc.aio echo baseline (bench/echo.py) in its own process."""
    return _start_printing_port([PYTHON, "-m", "bench.echo", "--responses", str(responses_file)], timeout)


def _start_printing_port(cmd: list[str], timeout: float) -> Child:
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    line = _readline_with_timeout(proc, proc.stdout, timeout)
    if not line.strip().isdigit():
        proc.kill()
        raise RuntimeError(f"{' '.join(cmd)} did not print its port (got {line!r})")
    # Drain stdout so the child never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    return Child(proc, int(line), started, time.monotonic())


def _readline_with_timeout(proc: subprocess.Popen[str], stream: Any, timeout: float) -> str:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not result:
        proc.kill()
        raise TimeoutError(f"process {proc.args!r} gave no output within {timeout:.0f}s")
    return result[0]


def server_command(model: str | None, api_base: str = "", extra_flags: Sequence[str] = (),
                   module: str = "service") -> list[str]:
    """``python -m <module> serve ...``; ``module`` is "service", or a bench seam such as
    "bench.precomputed" that wraps it."""
    cmd = [PYTHON, "-m", module, "serve", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "-1"]
    if model:
        cmd += ["--model", model, "--api-key", "sk-test"]
        if api_base:
            cmd += ["--api-base", api_base]
    return [*cmd, *extra_flags]


def start_server(model: str | None = TEST_MODEL, api_base: str = "", extra_flags: Sequence[str] = (),
                 env: dict[str, str] | None = None, timeout: float = 180.0,
                 wrap: Sequence[str] = (), module: str = "service") -> Child:
    """``python -m service serve`` in its own process; returns once it logged "serving".

    ``wrap`` prefixes the command (e.g. a profiler). The server's JSON log
    lines go to a file, not a pipe: a pipe read by this (busy) process would
    push back on the server's logging and slow it down.
    """
    cmd = [*wrap, *server_command(model, api_base, extra_flags, module)]
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-server-", suffix=".log", delete=False)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(env), stdout=subprocess.DEVNULL, stderr=log, text=True)
    log.close()
    path = Path(log.name)
    port = None
    while time.monotonic() - started < timeout and port is None:
        for line in path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("msg") == "serving":
                port = int(entry["grpc_port"])
                break
        else:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
    if port is None:
        proc.kill()
        raise RuntimeError(f"server did not log 'serving' within {timeout:.0f}s; log tail:\n"
                           + "\n".join(path.read_text(errors="replace").splitlines()[-20:]))
    return Child(proc, port, started, time.monotonic(), log_path=path)


# --------------------------------------------------------------------------- results


def write_results(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write ``out.json`` and ``out.md``; benchmarks in an existing JSON that
    this run did not measure are kept (a subset run updates its entries only)."""
    json_path, md_path = out.with_suffix(".json"), out.with_suffix(".md")
    out.parent.mkdir(parents=True, exist_ok=True)
    merged = results
    if json_path.exists():
        try:
            old = json.loads(json_path.read_text())
        except json.JSONDecodeError:
            old = {}
        benchmarks = dict(old.get("benchmarks", {}))
        benchmarks.update(results["benchmarks"])
        merged = {**results, "benchmarks": benchmarks}
    json_path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(render_markdown(merged))
    return json_path, md_path


def render_markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['measured_at']} on {m['cores']} cores ({m['cpu']}), Python {m['python']}; "
        f"calibration loop {m['calibration_ms']} ms; load average {m.get('loadavg_1m', '?')} at start.",
        "The machine is shared and noisy: compare the ratios, not the absolute times.",
        "",
    ]
    for name, bench in results["benchmarks"].items():
        lines += [f"## {name}: {bench.get('title', '')}", ""]
        if bench.get("setup"):
            lines += [bench["setup"], ""]
        rows = bench.get("table", [])
        if rows:
            lines += ["| figure | value |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in rows]
            lines.append("")
        for verdict in bench.get("targets", []):
            lines.append(f"- {'PASS' if verdict['ok'] else 'MISS'}: {verdict['target']} (measured {verdict['measured']})")
        if bench.get("targets"):
            lines.append("")
        if bench.get("measured_at"):
            lines += [f"_measured {bench['measured_at']}_", ""]
    return "\n".join(lines)


def print_table(name: str, bench: dict[str, Any]) -> None:
    print(f"\n== {name}: {bench.get('title', '')}")
    if bench.get("setup"):
        print(f"   {bench['setup']}")
    rows = bench.get("table", [])
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        print(f"   {key.ljust(width)}  {value}")
    for verdict in bench.get("targets", []):
        print(f"   {'PASS' if verdict['ok'] else 'MISS'}: {verdict['target']} (measured {verdict['measured']})")


def target(text: str, ok: bool, measured: Any) -> dict[str, Any]:
    return {"target": text, "ok": bool(ok), "measured": measured}


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class Options:
    """What every benchmark's ``run(opts)`` takes. ``scale`` shrinks request
    counts (the smoke test uses a tiny one); ``profile_dir`` turns on py-spy
    on the server process of the gRPC benchmarks."""

    scale: float = 1.0
    profile_dir: Path | None = None
    duration: float = 60.0  # load
    streams: int = 200  # load

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, int(round(full * self.scale)))
