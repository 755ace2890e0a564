"""Benchmark 6: ``Rewrite`` latency on a cache hit against a miss.

Our server (``--cache-size 10000``) calls the scripted provider, both in their
own processes; this process calls ``Rewrite`` one at a time. A miss is a
draft never seen before (a corpus draft with a new reference number), a hit
repeats a request already answered. The provider answers at once, so the
miss figure is the pipeline's own cost; a real model adds its latency to
every miss and nothing to a hit.
"""

from __future__ import annotations

import os
from typing import Any

import grpc

from bench import Options, latency_summary, ratio, start_provider, start_server, target
from bench.corpus import build_corpus, rewrite_request
from bench.driver import drive

REWRITE_METHOD = "/replyrewriter.v1.ReplyRewriter/Rewrite"


async def run(opts: Options) -> dict[str, Any]:
    corpus = build_corpus()
    n = opts.n(300, minimum=10)
    rounds = 2 if opts.scale >= 0.5 else 1
    provider = start_provider(latency=0.0)
    server = start_server(api_base=f"http://127.0.0.1:{provider.port}/v1", extra_flags=["--cache-size", "10000"])
    counter = iter(range(10**9))
    hits, misses = [], []
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            call = channel.unary_unary(REWRITE_METHOD)
            seen = [rewrite_request(item).SerializeToString() for item in corpus]
            for payload in seen:  # warm-up, and fills the cache for the hits
                await call(payload, timeout=15)

            async def miss(i: int) -> None:
                item = corpus[i % len(corpus)]
                fresh = f"{item.draft} (ref {next(counter) + 100000})"
                await call(rewrite_request(item, draft=fresh).SerializeToString(), timeout=15)

            async def hit(i: int) -> None:
                await call(seen[i % len(seen)], timeout=15)

            for _ in range(rounds):
                misses += (await drive(miss, 1, total=n)).latencies
                hits += (await drive(hit, 1, total=n)).latencies
    finally:
        server.stop()
        provider.stop()
    h, m = latency_summary(hits), latency_summary(misses)
    speedup = ratio(m["p50_ms"], h["p50_ms"])
    return {
        "title": "Rewrite latency: cache hit vs miss (zero-latency provider)",
        "setup": (f"{os.cpu_count()} cores; server, provider and a sequential client in 3 processes; "
                  f"{rounds} round(s) of {n} misses then {n} hits."),
        "hit": h,
        "miss": m,
        "miss_over_hit_p50": speedup,
        "table": [
            ("hit p50 / p99 ms", f"{h['p50_ms']} / {h['p99_ms']}"),
            ("miss p50 / p99 ms", f"{m['p50_ms']} / {m['p99_ms']}"),
            ("miss/hit p50 ratio", speedup),
            ("p50 saved by a hit, ms", round(m["p50_ms"] - h["p50_ms"], 3)),
        ],
        "targets": [target("a hit is faster than a miss at p50", h["p50_ms"] < m["p50_ms"], speedup)],
    }
