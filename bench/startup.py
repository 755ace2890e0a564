"""Benchmark 7: start-up, from process start to health SERVING.

Spawns ``python -m service serve`` on a free port picked beforehand and polls
``grpc.health.v1.Health/Check`` every 20 ms from the moment of the spawn until
it answers SERVING; also notes when the "serving" log line appeared. Done for
a hosted-model configuration and for the embedded model. Baselines in the same
run: a bare interpreter (``python -c pass``) and ``python -c "import litellm"``,
the known big cost.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench import PYTHON, REPO_ROOT, TEST_MODEL, Options, child_env, ratio, server_command

POLL = 0.02


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=REPO_ROOT, env=child_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_to_serving(model: str | None, timeout: float = 180.0) -> dict[str, float]:
    port = free_port()
    cmd = server_command(model, "http://127.0.0.1:9/v1" if model else "")
    cmd[cmd.index("--port") + 1] = str(port)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while time.perf_counter() - start < timeout:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode} before SERVING")
                try:
                    status = stub.Check(health_pb2.HealthCheckRequest(), timeout=0.5).status
                    if status == health_pb2.HealthCheckResponse.SERVING:
                        return {"serving_s": time.perf_counter() - start}
                except grpc.RpcError:
                    pass
                time.sleep(POLL)
        raise TimeoutError(f"no SERVING within {timeout:.0f}s")
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def run(opts: Options) -> dict[str, Any]:
    repeats = opts.n(3, minimum=1)
    bare = [_time_command([PYTHON, "-c", "pass"]) for _ in range(repeats)]
    lite = [_time_command([PYTHON, "-c", "import os; os.environ['LITELLM_LOCAL_MODEL_COST_MAP']='True'; import litellm"])
            for _ in range(repeats)]
    hosted = [time_to_serving(TEST_MODEL)["serving_s"] for _ in range(repeats)]
    embedded = [time_to_serving(None)["serving_s"] for _ in range(repeats)]
    med = {k: round(statistics.median(v), 3) for k, v in
           {"bare": bare, "import_litellm": lite, "hosted": hosted, "embedded": embedded}.items()}
    return {
        "title": "Start-up: process start to health SERVING",
        "setup": f"{os.cpu_count()} cores; median of {repeats} spawn(s) each; health polled every {int(POLL * 1000)} ms.",
        "median_s": med,
        "runs_s": {"bare": bare, "import_litellm": lite, "hosted": hosted, "embedded": embedded},
        "table": [
            ("hosted model: to SERVING s", med["hosted"]),
            ("embedded model: to SERVING s", med["embedded"]),
            ("baseline: python -c pass s", med["bare"]),
            ("baseline: python -c 'import litellm' s", med["import_litellm"]),
            ("hosted / import litellm", ratio(med["hosted"], med["import_litellm"])),
            ("embedded - hosted s (model load)", round(med["embedded"] - med["hosted"], 3)),
        ],
        "targets": [],
    }
