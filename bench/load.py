"""Load test: 200 concurrent Rewrite streams for 60 s against a 200 ms provider.

Three processes: the scripted provider (``tests.fakes.provider --latency
0.2``), the server (``python -m service serve`` on it, with room for 256
concurrent model calls and 256 queued rewrites so 200 streams fit) and the
client (this one: ``--streams`` asyncio workers over a few channels, each
calling ``Rewrite`` back to back with a 10 s deadline).

The server's resident memory is taken after a warm-up of a few seconds (the
start figure), every few seconds during the run, and at the end. Prints
throughput, p50/p99 latency, errors by code and memory; writes JSON (into
bench/results/latest.json under "load", or ``--json PATH``); exits 1 when
memory grew by more than 10%.

    python -m bench.load [--duration 60] [--streams 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import grpc

from bench import Options, rss_bytes, start_provider, start_server, target
from bench.corpus import build_corpus, rewrite_request
from bench.driver import Run, drive

REWRITE_METHOD = "/replyrewriter.v1.ReplyRewriter/Rewrite"
PROVIDER_LATENCY = 0.2
CHANNELS = 8
MAX_GROWTH = 0.10
MB = 1024 * 1024
SERVER_ENV = {"REPLYREWRITER_MAX_CONCURRENT_MODEL_CALLS": "256", "REPLYREWRITER_MAX_QUEUED_REWRITES": "256"}


async def run(opts: Options) -> dict[str, Any]:
    streams, duration = opts.streams, opts.duration
    warmup = min(5.0, max(1.0, duration / 6))
    corpus = build_corpus()
    payloads = [rewrite_request(item).SerializeToString() for item in corpus]
    provider = start_provider(latency=PROVIDER_LATENCY)
    server = start_server(api_base=f"http://127.0.0.1:{provider.port}/v1", env=SERVER_ENV)
    memory: list[tuple[float, float]] = []
    channels = [grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") for _ in range(min(CHANNELS, streams))]
    try:
        calls = [c.unary_unary(REWRITE_METHOD) for c in channels]

        async def one(i: int) -> None:
            await calls[i % len(calls)](payloads[i % len(payloads)], timeout=10)

        rss_boot = rss_bytes(server.pid)
        await drive(one, streams, duration=warmup)
        rss_start = rss_bytes(server.pid)
        started = time.monotonic()

        async def sample() -> None:
            while True:
                await asyncio.sleep(max(1.0, duration / 12))
                memory.append((round(time.monotonic() - started, 1), round(rss_bytes(server.pid) / MB, 1)))

        sampler = asyncio.create_task(sample())
        result: Run = await drive(one, streams, duration=duration)
        sampler.cancel()
        rss_end = rss_bytes(server.pid)
    finally:
        for c in channels:
            await c.close()
        server.stop()
        provider.stop()

    growth = (rss_end - rss_start) / rss_start
    s = result.summary()
    ideal = streams / PROVIDER_LATENCY
    return {
        "title": f"Load: {streams} concurrent Rewrite streams for {duration:g} s, provider latency "
                 f"{int(PROVIDER_LATENCY * 1000)} ms",
        "setup": (f"{os.cpu_count()} cores; provider, server and client in 3 processes; client: {streams} asyncio "
                  f"workers over {len(channels)} channels, 10 s deadline; server env {SERVER_ENV}; "
                  f"memory start = RSS after a {warmup:g} s warm-up."),
        "streams": streams,
        "duration_s": duration,
        "summary": s,
        "ideal_rps": ideal,
        "errors_by_code": dict(result.errors),
        "memory_mb": {"boot": round(rss_boot / MB, 1), "start": round(rss_start / MB, 1),
                      "end": round(rss_end / MB, 1), "growth_pct": round(growth * 100, 2), "samples": memory},
        "table": [
            ("throughput rps", s["rps"]),
            ("ideal rps (streams / provider latency)", ideal),
            ("throughput / ideal", round(s["rps"] / ideal, 3)),
            ("p50 / p99 ms", f"{s['p50_ms']} / {s['p99_ms']}"),
            ("requests ok", s["requests_ok"]),
            ("errors by code", dict(result.errors) or "none"),
            ("server RSS MB boot / start / end", f"{round(rss_boot / MB, 1)} / {round(rss_start / MB, 1)} / "
                                                 f"{round(rss_end / MB, 1)}"),
            ("memory growth over the run", f"{round(growth * 100, 2)}%"),
        ],
        "targets": [target("server memory grows by at most 10% over the run", growth <= MAX_GROWTH,
                           f"{round(growth * 100, 2)}%")],
    }


def main(argv: list[str] | None = None) -> int:
    from bench import machine, now_iso, print_table, write_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None,
                        help="write the result here (default: merge into bench/results/latest.json)")
    args = parser.parse_args(argv)
    info = machine()
    bench = asyncio.run(run(Options(duration=args.duration, streams=args.streams)))
    bench["measured_at"] = now_iso()
    print(f"machine: {info['cores']} cores, {info['cpu']}, calibration {info['calibration_ms']} ms")
    print_table("load", bench)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "load": bench}, indent=2) + "\n")
    else:
        from bench.__main__ import RESULTS

        write_results({"measured_at": now_iso(), "machine": info, "benchmarks": {"load": bench}}, RESULTS)
    return 0 if bench["targets"][0]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
