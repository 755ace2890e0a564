"""Benchmark 2: ``Rewrite`` overhead over a plain loop of ``litellm.acompletion``.

The scripted OpenAI-compatible server runs in its own process with zero
latency and the echo policy (it answers the draft unchanged, which the guard
accepts, so every request takes the model path). Two ways to get an answer
from it, at the same concurrency, in alternating rounds:

- ours: this process calls ``Rewrite`` on our server (another process), which
  checks, builds the prompt, redacts, calls litellm, parses, guards, checks
  again and answers;
- plain: this process calls ``litellm.acompletion`` itself, with the same
  arguments as service/llm.py and the same prompt messages.

The difference is what the service adds per request. On 2 cores: ours uses
3 processes (client, server, provider), plain 2 (client-with-litellm, provider).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import grpc

from bench import TEST_MODEL, Options, ratio, start_provider, start_server, target
from bench.corpus import build_corpus, rewrite_request
from bench.driver import Run, drive

REWRITE_METHOD = "/replyrewriter.v1.ReplyRewriter/Rewrite"
CONCURRENCY = 8


def plain_args(api_base: str, messages: list[dict[str, str]], draft: str) -> dict[str, Any]:
    """What service/llm.py's ``_call_args`` passes (default settings)."""
    from service.rewrite import answer_token_budget

    return {"model": TEST_MODEL, "messages": messages, "temperature": 0.2,
            "max_tokens": min(600, answer_token_budget(draft)), "timeout": 15.0,
            "num_retries": 0, "max_retries": 0, "api_base": api_base, "api_key": "sk-test"}


async def run(opts: Options) -> dict[str, Any]:
    import litellm

    from bench.prompt_size import build_messages, prompt_parts
    from service.pb import pb2

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    corpus = build_corpus()
    rulebook, builder = prompt_parts()
    messages = [build_messages(rulebook, builder, item) for item in corpus]
    requests = [rewrite_request(item).SerializeToString() for item in corpus]
    total = opts.n(1000, minimum=20)
    rounds = 2 if opts.scale >= 0.5 else 1
    provider = start_provider(latency=0.0)
    api_base = f"http://127.0.0.1:{provider.port}/v1"
    server = no_checks = None
    backends: dict[str, int] = {}
    profiler = None
    try:
        server = start_server(api_base=api_base)
        # The same server with the rule checks' and the guard's answers precomputed
        # (bench/precomputed.py): what Rewrite would cost if they were free.
        no_checks = start_server(api_base=api_base, module="bench.precomputed")
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel, \
                grpc.aio.insecure_channel(f"127.0.0.1:{no_checks.port}") as free_channel:
            call = channel.unary_unary(REWRITE_METHOD)
            free_call = free_channel.unary_unary(REWRITE_METHOD)

            async def free(i: int) -> None:
                await free_call(requests[i % len(requests)], timeout=15)

            async def ours(i: int) -> None:
                raw = await call(requests[i % len(requests)], timeout=15)
                backend = pb2.RewriteResponse.FromString(raw).backend
                key = backend.model if not backend.fallback_used else f"fallback:{backend.reason}"
                backends[key] = backends.get(key, 0) + 1

            async def plain(i: int) -> None:
                k = i % len(messages)
                await litellm.acompletion(**plain_args(api_base, messages[k], corpus[k].draft))

            warm = min(total, 100)
            await drive(plain, CONCURRENCY, total=warm)
            await drive(ours, CONCURRENCY, total=warm)
            await drive(free, CONCURRENCY, total=max(warm, len(requests)))
            backends.clear()
            ours_runs, plain_runs, free_runs = [], [], []
            for _ in range(rounds):
                free_runs.append(await drive(free, CONCURRENCY, total=total, cpu_of=no_checks.pid))
                plain_runs.append(await drive(plain, CONCURRENCY, total=total, cpu_of=os.getpid()))
                if opts.profile_dir is not None and profiler is None:
                    from bench.profiling import Profiler

                    profiler = Profiler(server.pid, opts.profile_dir / "rewrite.raw")
                ours_runs.append(await drive(ours, CONCURRENCY, total=total, cpu_of=server.pid))
            # One call at a time: the overhead per request without queueing for the CPU.
            serial = opts.n(200, minimum=10)
            plain_serial = await drive(plain, 1, total=serial)
            ours_serial = await drive(ours, 1, total=serial)
        profile = None
        if profiler is not None:
            from bench.profiling import top

            profile = top(profiler.stop())
    finally:
        for child in (server, no_checks, provider):
            if child is not None:
                child.stop()

    from bench.budget import rewrite_pipeline_us

    pipeline_us = await rewrite_pipeline_us(corpus, loops=opts.n(5, minimum=1))
    o, p, f = Run.merge(ours_runs), Run.merge(plain_runs), Run.merge(free_runs)
    free_ratio = ratio(f.throughput, p.throughput)
    free_us = f.cpu_us_per_call
    os_, ps = o.summary(), p.summary()
    added_p50 = round(os_["p50_ms"] - ps["p50_ms"], 3)
    added_p99 = round(os_["p99_ms"] - ps["p99_ms"], 3)
    throughput_ratio = ratio(o.throughput, p.throughput)
    # Each round's ratio against the plain round just before it: the spread is the noise.
    round_ratios = [ratio(a.throughput, b.throughput) for a, b in zip(ours_runs, plain_runs)]
    o1, p1 = ours_serial.summary(), plain_serial.summary()
    # CPU per call: our server's against the plain loop's whole process (its
    # litellm calls plus the driver), the cost that decides throughput here.
    ours_us, plain_us = o.cpu_us_per_call, p.cpu_us_per_call
    added_p50_serial = round(o1["p50_ms"] - p1["p50_ms"], 3)
    result: dict[str, Any] = {
        "title": "Rewrite vs a plain litellm.acompletion loop, zero-latency scripted provider",
        "setup": (f"{os.cpu_count()} cores; ours = client + server + provider processes, plain = client (litellm) "
                  f"+ provider, plus ours with the rule checks and the guard precomputed; {CONCURRENCY} concurrent "
                  f"calls, {rounds} alternating round(s) of {total} calls; "
                  f"{len(corpus)} corpus items; model {TEST_MODEL}, num_retries=0."),
        "ours": os_,
        "plain": ps,
        "added_p50_ms": added_p50,
        "added_p99_ms": added_p99,
        "throughput_ratio": throughput_ratio,
        "throughput_ratio_per_round": round_ratios,
        "serial": {"ours": o1, "plain": p1, "added_p50_ms": added_p50_serial,
                   "added_p99_ms": round(o1["p99_ms"] - p1["p99_ms"], 3)},
        "backends": backends,
        "checks_precomputed": {**f.summary(), "throughput_ratio": free_ratio,
                               "server_cpu_us_per_call": round(free_us, 1)},
        "cpu_us_per_call": {"ours_server": round(ours_us, 1), "plain_process": round(plain_us, 1),
                            "pipeline_in_process": pipeline_us},
        "table": [
            ("ours rps / plain rps", f"{round(o.throughput, 1)} / {round(p.throughput, 1)}"),
            ("throughput ours/plain", throughput_ratio),
            ("ours/plain per round", " ".join(map(str, round_ratios))),
            ("ours p50 / p99 ms", f"{os_['p50_ms']} / {os_['p99_ms']}"),
            ("plain p50 / p99 ms", f"{ps['p50_ms']} / {ps['p99_ms']}"),
            ("added p50 ms", added_p50),
            ("added p99 ms", added_p99),
            ("one at a time: ours / plain p50 ms", f"{o1['p50_ms']} / {p1['p50_ms']}"),
            ("one at a time: added p50 / p99 ms", f"{added_p50_serial} / {round(o1['p99_ms'] - p1['p99_ms'], 3)}"),
            ("CPU us per call: our server / plain process", f"{ours_us:.0f} / {plain_us:.0f}"),
            ("CPU per call ratio plain/ours", ratio(plain_us, ours_us)),
            # At 0.8 x the plain loop's throughput the server may spend a
            # quarter of the plain loop's CPU per call on top of litellm's.
            ("CPU us per call the target leaves for our work (plain / 4)", f"{plain_us / 4:.0f}"),
            ("our work per call: server - plain", f"{ours_us - plain_us:.0f}"),
            ("in process: pipeline with an instant model, us per call", pipeline_us),
            ("checks and guard precomputed: rps, ratio to plain", f"{round(f.throughput, 1)}, {free_ratio}"),
            ("checks and guard precomputed: server CPU us per call", f"{free_us:.0f}"),
            ("checks' and guard's share of our server CPU", ratio(ours_us - free_us, ours_us)),
            ("answered by", backends),
            ("errors ours / plain", f"{dict(o.errors)} / {dict(p.errors)}"),
        ],
        "targets": [
            target(f"added p50 <= 5 ms at concurrency {CONCURRENCY}", added_p50 <= 5.0, added_p50),
            target("added p50 <= 5 ms one call at a time", added_p50_serial <= 5.0, added_p50_serial),
            target("throughput >= 0.8 x plain loop", throughput_ratio >= 0.8, throughput_ratio),
        ],
    }
    if profile is not None:
        result["profile"] = profile
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(asyncio.run(run(Options())), indent=2))
