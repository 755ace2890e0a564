"""Benchmark: maximum-size Rewrites against a stalled provider, Checks beside them (issue 18).

The scripted provider (its own process) answers after 60 s: stalled. Our
server (its own process, default settings: 0.5 s fallback reserve) gets
``bench/hostile.py``'s maximum-size Rewrite (4,000-character draft, 100
messages of 4,000 characters, dense with facts) with a 2 s deadline, from
``REWRITE_STREAMS`` streams, 100 calls in all; every one must come back OK
(the rule-based fallback) before its deadline. Meanwhile ``CHECK_STREAMS``
streams send the corpus's Checks (the keystroke-sized ones); their latency
is compared with the same Checks against the same server with no Rewrite
running, measured just before (the baseline). The server's access log must
agree with the client: as many OK Rewrite lines as the client got OK.

In process, the same run also times the fallback path alone on the
maximum-size input (check, fallback, guard, check of the result), per
language: what the fallback reserve has to cover.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import grpc

from bench import Options, latency_summary, start_provider, start_server, target
from bench.corpus import build_corpus, check_request
from bench.driver import drive
from bench.hostile import max_size_input, max_size_rewrite_request

REWRITE = "/replyrewriter.v1.ReplyRewriter/Rewrite"
CHECK = "/replyrewriter.v1.ReplyRewriter/Check"
DEADLINE = 2.0
REWRITE_STREAMS = 4
CHECK_STREAMS = 4
CHECK_P99_TARGET_MS = 50.0


def fallback_path_ms(repeats: int) -> dict[str, float]:
    """Best-of-``repeats`` milliseconds, in process, of what a Rewrite does
    once the model's time is up, on the maximum-size input."""
    from service.config import Settings
    from service.domain import RewriteInput
    from service.llm import CallReport
    from service.rewrite import StageTimes
    from service.server import build_deps

    deps = build_deps(Settings(model="openai/gpt-4o-mini", api_key="sk-test", api_base="http://127.0.0.1:9/v1",
                               metrics_port=-1))
    out: dict[str, float] = {}
    try:
        for lang in ("en", "zh"):
            draft, conversation = max_size_input(language=lang)
            request = RewriteInput(draft=draft, conversation=conversation, language=lang)
            best = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                stages = StageTimes()
                violations = deps.pipeline._check_draft(request, stages)
                deps.pipeline._fall_back(request, violations, "deadline", CallReport(), stages)
                best = min(best, time.perf_counter() - started)
            out[lang] = round(best * 1000, 1)
    finally:
        deps.cpu.close()
    return out


async def run(opts: Options) -> dict[str, Any]:
    total = opts.n(100, minimum=8)
    rewrite_bytes = {lang: max_size_rewrite_request(lang).SerializeToString() for lang in ("en", "zh")}
    checks = [check_request(item).SerializeToString() for item in build_corpus()]
    provider = start_provider(latency=60.0)
    server = None
    try:
        server = start_server(api_base=f"http://127.0.0.1:{provider.port}/v1")
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}",
                                             options=[("grpc.max_send_message_length", 4 << 20)]) as channel:
            rewrite = channel.unary_unary(REWRITE)
            check = channel.unary_unary(CHECK)

            async def one_check(i: int) -> Any:
                return await check(checks[i % len(checks)], timeout=10)

            await drive(one_check, CHECK_STREAMS, total=200)  # warm-up
            baseline = await drive(one_check, CHECK_STREAMS, duration=opts.n(10, minimum=2))

            ok_times: list[float] = []
            late: dict[str, int] = {}

            async def one_rewrite(i: int) -> None:
                started = time.monotonic()
                try:
                    # Half English, half Chinese (the costlier guard).
                    await rewrite(rewrite_bytes["en" if i % 2 == 0 else "zh"], timeout=DEADLINE)
                except grpc.aio.AioRpcError as exc:
                    late[exc.code().name] = late.get(exc.code().name, 0) + 1
                    return
                ok_times.append(time.monotonic() - started)

            rewrites_done = asyncio.Event()

            async def rewrites() -> None:
                try:
                    await drive(one_rewrite, REWRITE_STREAMS, total=total)
                finally:
                    rewrites_done.set()

            check_latencies: list[float] = []
            check_errors: dict[str, int] = {}

            async def check_stream(k: int) -> None:
                i = k
                while not rewrites_done.is_set():
                    started = time.perf_counter()
                    try:
                        await one_check(i)
                    except grpc.aio.AioRpcError as exc:
                        check_errors[exc.code().name] = check_errors.get(exc.code().name, 0) + 1
                    else:
                        check_latencies.append(time.perf_counter() - started)
                    i += CHECK_STREAMS

            started = time.monotonic()
            await asyncio.gather(rewrites(), *(check_stream(k) for k in range(CHECK_STREAMS)))
            wall = time.monotonic() - started
        await asyncio.sleep(0.5)  # let the server flush its last access lines
        logged: dict[str, int] = {}
        for line in server.log_lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("msg") == "rpc" and entry.get("method") == "Rewrite":
                logged[entry["code"]] = logged.get(entry["code"], 0) + 1
    finally:
        for child in (server, provider):
            if child is not None:
                child.stop()

    fallback_ms = fallback_path_ms(opts.n(5, minimum=2))
    base = baseline.summary()
    during = latency_summary(check_latencies)
    ok = len(ok_times)
    slowest = round(max(ok_times) * 1000, 1) if ok_times else 0.0
    reserve_ms = 500.0
    return {
        "title": "max-size Rewrites, stalled provider, 2 s deadline; Checks beside them",
        "setup": (f"provider stalls 60 s; {total} Rewrites of 4,000 chars + 100 x 4,000-char messages "
                  f"(en and zh alternating) from {REWRITE_STREAMS} streams, deadline {DEADLINE} s, default "
                  f"0.5 s fallback reserve; {CHECK_STREAMS} streams of corpus Checks meanwhile; "
                  f"baseline: the same Checks alone, just before."),
        "rewrites": {"ok": ok, "total": total, "errors": late, "slowest_ok_ms": slowest,
                     "ok_latency": latency_summary(ok_times), "server_logged": logged},
        "checks_during": {**during, "errors": check_errors},
        "checks_alone": base,
        "fallback_path_in_process_ms": fallback_ms,
        "wall_s": round(wall, 1),
        "table": [
            ("Rewrites OK before the deadline", f"{ok}/{total}"),
            ("Rewrite errors", late or "none"),
            ("Rewrite p50 / p99 / slowest ms", f"{latency_summary(ok_times)['p50_ms']} / "
                                              f"{latency_summary(ok_times)['p99_ms']} / {slowest}"),
            ("server access log, Rewrite codes", logged),
            ("Checks during: n, p50 / p99 ms", f"{during['n']}, {during['p50_ms']} / {during['p99_ms']}"),
            ("Checks alone (baseline): n, p50 / p99 ms", f"{base['n']}, {base['p50_ms']} / {base['p99_ms']}"),
            ("Check errors during", check_errors or "none"),
            ("fallback path on max-size input, in process, ms (en, zh)",
             f"{fallback_ms['en']}, {fallback_ms['zh']} (reserve {reserve_ms:.0f})"),
        ],
        "targets": [
            target(f"{total}/{total} Rewrites OK before the {DEADLINE} s deadline", ok == total, f"{ok}/{total}"),
            target("the server's access log agrees with the client, code by code",
                   logged == {k: v for k, v in {"OK": ok, **late}.items() if v}, logged),
            target(f"Checks during: p99 <= {CHECK_P99_TARGET_MS:.0f} ms",
                   during["p99_ms"] <= CHECK_P99_TARGET_MS and not check_errors, during["p99_ms"]),
            target("fallback path on max-size input <= half the 0.5 s reserve",
                   max(fallback_ms.values()) <= reserve_ms / 2, max(fallback_ms.values())),
        ],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(Options())), indent=2))
