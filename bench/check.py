"""Benchmark 1: ``Check`` over gRPC against a bare grpc.aio echo service.

Three servers: ours, the echo baseline (bench/echo.py: the same request and
response bytes, no work) and ours again with the rule engine's answers
precomputed (bench/precomputed.py: what Check would cost with a free engine,
byte-identical answers), plus the load generator (this process). All are
called the same way, through a bytes-in/bytes-out method with pre-serialized
requests, so the client does identical work for each. Rounds alternate to
spread the machine's noise over all three; the servers' CPU per call is
read from /proc (psutil), steadier than requests per second.

On 2 cores the client and the server share the CPU: the figures are those of
one client process and one server process, each about one core.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

import grpc

from bench import Options, ratio, start_echo, start_server, target
from bench.corpus import build_corpus, check_request, summary
from bench.driver import Run, drive

CHECK_METHOD = "/replyrewriter.v1.ReplyRewriter/Check"
CONCURRENCY = 16


async def _round(port: int, pid: int, method: str, payloads: list[bytes], concurrency: int, total: int) -> Run:
    """One measured run, with the CPU the server (``pid``) spent on it."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary(method)  # no serializers: bytes in, bytes out

        async def one(i: int) -> Any:
            return await call(payloads[i % len(payloads)], timeout=10)

        await drive(one, concurrency, total=min(total, 200))  # warm-up
        return await drive(one, concurrency, total=total, cpu_of=pid)


async def run(opts: Options) -> dict[str, Any]:
    from bench.echo import METHOD as ECHO_METHOD, write_responses

    corpus = build_corpus()
    requests = [check_request(item).SerializeToString() for item in corpus]
    total = opts.n(3000, minimum=50)
    rounds = 2 if opts.scale >= 0.5 else 1
    server = start_server(api_base="http://127.0.0.1:9/v1")  # Check never calls the model
    no_engine = echo = None
    profiler = None
    try:
        # The same server with the rule engine's answers precomputed (bench/precomputed.py):
        # what Check would cost if the engine were free.
        no_engine = start_server(api_base="http://127.0.0.1:9/v1", module="bench.precomputed")
        # The real responses, so the echo answers with the same bytes.
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            call = channel.unary_unary(CHECK_METHOD)
            responses = [await call(req, timeout=30) for req in requests]
        # The seam must not change a byte of what Check answers.
        async with grpc.aio.insecure_channel(f"127.0.0.1:{no_engine.port}") as channel:
            call = channel.unary_unary(CHECK_METHOD)
            if [await call(req, timeout=30) for req in requests] != responses:
                raise RuntimeError("the precomputed-engine server answered differently from the real one")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "responses.json"
            write_responses(path, list(zip(requests, responses)))
            echo = start_echo(path)
        ours_runs, echo_runs, free_runs = [], [], []
        for _ in range(rounds):
            free_runs.append(await _round(no_engine.port, no_engine.pid, CHECK_METHOD, requests, CONCURRENCY, total))
            echo_runs.append(await _round(echo.port, echo.pid, ECHO_METHOD, requests, CONCURRENCY, total))
            if opts.profile_dir is not None and profiler is None:
                from bench.profiling import Profiler

                profiler = Profiler(server.pid, opts.profile_dir / "check.raw")
            ours_runs.append(await _round(server.port, server.pid, CHECK_METHOD, requests, CONCURRENCY, total))
        profile = None
        if profiler is not None:
            from bench.profiling import top

            profile = top(profiler.stop())
    finally:
        server.stop()
        for child in (no_engine, echo):
            if child is not None:
                child.stop()

    from bench.budget import check_stages

    stages = await check_stages(corpus, loops=opts.n(10, minimum=1))
    ours, base, free = Run.merge(ours_runs), Run.merge(echo_runs), Run.merge(free_runs)
    throughput_ratio = ratio(ours.throughput, base.throughput)
    # Each round's ratio against the echo round just before it: the spread is the noise.
    round_ratios = [ratio(o.throughput, e.throughput) for o, e in zip(ours_runs, echo_runs)]
    free_ratio = ratio(free.throughput, base.throughput)
    # Server CPU per call is steadier than rps on a shared machine: it does
    # not depend on how the client and the servers share the cores.
    ours_us, echo_us, free_us = ours.cpu_us_per_call, base.cpu_us_per_call, free.cpu_us_per_call
    req_sizes = [len(r) for r in requests]
    resp_sizes = [len(r) for r in responses]
    result: dict[str, Any] = {
        "title": "Check over gRPC vs a bare grpc.aio echo of the same bytes",
        "setup": (f"4 processes on {os.cpu_count()} cores: server, echo baseline, server with the engine "
                  "precomputed, one asyncio client; "
                  f"{CONCURRENCY} concurrent calls, {rounds} alternating round(s) of {total} calls each "
                  "(echo, ours with the engine precomputed, ours); "
                  f"corpus of {len(corpus)} drafts with conversations in en/it/es/zh."),
        "corpus": summary(corpus),
        "request_bytes": {"min": min(req_sizes), "max": max(req_sizes),
                          "mean": round(sum(req_sizes) / len(req_sizes))},
        "response_bytes": {"min": min(resp_sizes), "max": max(resp_sizes),
                           "mean": round(sum(resp_sizes) / len(resp_sizes))},
        "ours": ours.summary(),
        "echo": base.summary(),
        "throughput_ratio": throughput_ratio,
        "throughput_ratio_per_round": round_ratios,
        "server_cpu_us_per_call": {"ours": round(ours_us, 1), "echo": round(echo_us, 1)},
        "in_process_us_per_call": stages,
        "engine_precomputed": {**free.summary(), "throughput_ratio": free_ratio,
                               "server_cpu_us_per_call": round(free_us, 1)},
        "table": [
            ("ours rps", round(ours.throughput, 1)),
            ("echo rps", round(base.throughput, 1)),
            ("throughput ours/echo", throughput_ratio),
            ("ours/echo per round", " ".join(map(str, round_ratios))),
            ("ours p50 / p99 ms", f"{ours.summary()['p50_ms']} / {ours.summary()['p99_ms']}"),
            ("echo p50 / p99 ms", f"{base.summary()['p50_ms']} / {base.summary()['p99_ms']}"),
            ("p50 ratio ours/echo", ratio(ours.summary()["p50_ms"], base.summary()["p50_ms"])),
            ("server CPU us per call: ours / echo", f"{ours_us:.0f} / {echo_us:.0f}"),
            ("server CPU per call ratio echo/ours", ratio(echo_us, ours_us)),
            # At 0.5 x the echo's throughput the server may spend about one
            # echo's worth of CPU per call on top of the echo's own.
            ("CPU us per call the target leaves for our work (= echo's)", f"{echo_us:.0f}"),
            ("our work per call: server - echo", f"{ours_us - echo_us:.0f}"),
            ("in process: Check handler / rule engine us per call", f"{stages['handler_us']} / {stages['engine_us']}"),
            ("engine precomputed: rps, ratio to echo", f"{round(free.throughput, 1)}, {free_ratio}"),
            ("engine precomputed: server CPU us per call", f"{free_us:.0f}"),
            ("the engine's share of ours' server CPU", ratio(ours_us - free_us, ours_us)),
            ("errors ours / echo", f"{dict(ours.errors)} / {dict(base.errors)}"),
        ],
        "targets": [target("Check throughput >= 0.5 x echo", throughput_ratio >= 0.5, throughput_ratio)],
    }
    if profile is not None:
        result["profile"] = profile
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(asyncio.run(run(Options())), indent=2))
