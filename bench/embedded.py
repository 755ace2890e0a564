"""Benchmark 5: the embedded model (SmolLM2-135M, llama.cpp) on this machine.

- In this process, with llama-cpp-python streaming on the same GGUF the
  server loads (``bundled_gguf_path()``) and the server's settings (2 threads,
  4,096 context): load time, time to first token and decode tokens/s, for
  free decoding (the baseline) and with the answer grammar the service
  uses. The prompts are the pipeline's own (PromptBuilder on corpus items).
- Over gRPC: end-to-end ``Rewrite`` latency of a server started with no
  ``--model``, and which backend answered (the guard rejects much of what a
  135M model writes; the rule-based fallback then answers).
- Resident memory (RSS) of a server process with the embedded model against
  one configured with a hosted model, each measured once it serves.

The in-process measurements run before any server starts, and the model is
freed before, so the two never share the 2 cores.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import time
from typing import Any

import grpc

from bench import TEST_MODEL, Options, latency_summary, percentile, ratio, rss_bytes, start_server, target
from bench.corpus import LANGUAGES, build_corpus, rewrite_request

REWRITES_PER_LANGUAGE = 5

MAX_TOKENS = 96
MB = 1024 * 1024


def _stream(llama: Any, messages: list[dict[str, str]], grammar: Any) -> dict[str, float]:
    kwargs: dict[str, Any] = {"messages": messages, "temperature": 0.2, "max_tokens": MAX_TOKENS,
                              "stream": True, "seed": 0}
    if grammar is not None:
        kwargs["grammar"] = grammar
    start = time.perf_counter()
    first = None
    tokens = 0
    for chunk in llama.create_chat_completion(**kwargs):
        delta = chunk["choices"][0].get("delta", {})
        if delta.get("content"):
            tokens += 1
            if first is None:
                first = time.perf_counter()
    end = time.perf_counter()
    first = first or end
    decode = (tokens - 1) / (end - first) if tokens > 1 and end > first else 0.0
    return {"ttft_s": first - start, "tokens": tokens, "decode_tps": decode, "total_s": end - start}


def in_process(opts: Options) -> dict[str, Any]:
    from llama_cpp import Llama, LlamaGrammar

    from bench.prompt_size import build_messages, prompt_parts
    from service.config import Settings
    from service.local_model import answer_grammar, bundled_gguf_path

    settings = Settings()
    rulebook, builder = prompt_parts()
    corpus = build_corpus()
    picks = [next(i for i in corpus if i.lang == lang) for lang in LANGUAGES]
    picks = picks[: opts.n(len(picks), minimum=1)]
    path = bundled_gguf_path()
    start = time.perf_counter()
    llama = Llama(model_path=str(path), n_ctx=settings.local_context, n_threads=settings.local_threads,
                  verbose=False, seed=0)
    load_s = time.perf_counter() - start
    out: dict[str, Any] = {"gguf": path.name, "gguf_mb": round(path.stat().st_size / MB, 1),
                           "threads": settings.local_threads, "load_s": round(load_s, 3)}
    answer = LlamaGrammar.from_string(answer_grammar(list(rulebook.rules)), verbose=False)
    for grammar in (False, True):
        rows = []
        for item in picks:
            messages = build_messages(rulebook, builder, item, embedded=True)
            prompt_tokens = len(llama.tokenize("\n".join(m["content"] for m in messages).encode()))
            row = _stream(llama, messages, answer if grammar else None)
            row["prompt_tokens"] = prompt_tokens
            rows.append(row)
        out["grammar" if grammar else "free"] = {
            "prompts": len(rows),
            "prompt_tokens_mean": round(statistics.fmean(r["prompt_tokens"] for r in rows)),
            "ttft_ms_median": round(statistics.median(r["ttft_s"] for r in rows) * 1e3, 1),
            "prefill_tps_median": round(statistics.median(r["prompt_tokens"] / r["ttft_s"] for r in rows), 1),
            "decode_tps_median": round(statistics.median(r["decode_tps"] for r in rows), 1),
            "completion_tokens_mean": round(statistics.fmean(r["tokens"] for r in rows), 1),
        }
    del llama
    gc.collect()
    return out


async def over_grpc(opts: Options) -> dict[str, Any]:
    corpus = build_corpus()
    per_language = opts.n(REWRITES_PER_LANGUAGE, minimum=1)
    picks = [x for lang in LANGUAGES for x in [y for y in corpus if y.lang == lang][:per_language]]
    embedded = start_server(model=None)
    latencies, backends = [], {}
    model_answers: dict[str, list[int]] = {}
    try:
        rss_serving = rss_bytes(embedded.pid)
        from service.pb import pb2_grpc

        async with grpc.aio.insecure_channel(f"127.0.0.1:{embedded.port}") as channel:
            stub = pb2_grpc.ReplyRewriterStub(channel)
            for item in picks:
                start = time.perf_counter()
                response = await stub.Rewrite(rewrite_request(item), timeout=60)
                latencies.append(time.perf_counter() - start)
                key = "model" if not response.backend.fallback_used else f"fallback:{response.backend.reason}"
                backends[key] = backends.get(key, 0) + 1
                by_lang = model_answers.setdefault(item.lang, [0, 0])
                by_lang[0] += 0 if response.backend.fallback_used else 1
                by_lang[1] += 1
        rss_after = rss_bytes(embedded.pid)
    finally:
        embedded.stop()
    startup_embedded = embedded.ready_at - embedded.started_at
    hosted = start_server(model=TEST_MODEL, api_base="http://127.0.0.1:9/v1")
    try:
        rss_hosted = rss_bytes(hosted.pid)
    finally:
        hosted.stop()
    return {
        "rewrite": latency_summary(latencies) | {"backends": backends, "p95_ms": round(percentile(latencies, 95) * 1000, 1)},
        "model_answer_rate_by_language": {lang: f"{a}/{n}" for lang, (a, n) in model_answers.items()},
        "rss_embedded_mb": round(rss_serving / MB, 1),
        "rss_embedded_after_rewrites_mb": round(rss_after / MB, 1),
        "rss_hosted_mb": round(rss_hosted / MB, 1),
        "rss_ratio_embedded_over_hosted": ratio(rss_serving, rss_hosted),
        "startup_embedded_s": round(startup_embedded, 2),
        "startup_hosted_s": round(hosted.ready_at - hosted.started_at, 2),
    }


def fallback_times(opts: Options) -> dict[str, Any]:
    """The rule-based fallback alone, in process, on every corpus item: what
    a Rewrite costs when the model's answer can't be used."""
    from service.fallback import FallbackRewriter
    from service.guard import Guard
    from service.rulebook import load_rulebook

    book = load_rulebook()
    fallback = FallbackRewriter(guard=Guard(), replacement=book.replacement)
    items = [(x, book.check(x.draft, x.conversation, x.customer_name, x.lang)) for x in build_corpus()]
    seconds = []
    for _ in range(opts.n(3, minimum=1)):
        for item, violations in items:
            start = time.perf_counter()
            fallback.rewrite(item.draft, violations, item.conversation, customer_name=item.customer_name,
                             language=item.lang)
            seconds.append(time.perf_counter() - start)
    return latency_summary(seconds) | {"p95_ms": round(percentile(seconds, 95) * 1000, 3)}


async def run(opts: Options) -> dict[str, Any]:
    fallback = fallback_times(opts)
    local = await asyncio.to_thread(in_process, opts)
    remote = await over_grpc(opts)
    free, constrained = local["free"], local["grammar"]
    rw = remote["rewrite"]
    return {
        "title": "Embedded SmolLM2-135M: TTFT, tokens/s, Rewrite latency, server memory",
        "setup": (f"{os.cpu_count()} cores, llama.cpp {local['threads']} threads, {local['gguf']} "
                  f"({local['gguf_mb']} MB), max_tokens {MAX_TOKENS}; prompts = the pipeline's own on "
                  f"{free['prompts']} corpus items (one per language); Rewrite over gRPC, sequential."),
        "llama_cpp": local,
        "server": remote,
        "table": [
            ("model load s", local["load_s"]),
            ("prompt tokens (mean)", free["prompt_tokens_mean"]),
            ("TTFT ms median: free / grammar", f"{free['ttft_ms_median']} / {constrained['ttft_ms_median']}"),
            ("prefill tokens/s median", free["prefill_tps_median"]),
            ("decode tokens/s median: free / grammar", f"{free['decode_tps_median']} / {constrained['decode_tps_median']}"),
            ("grammar decode cost (free/grammar tok/s)", ratio(free["decode_tps_median"], constrained["decode_tps_median"])),
            ("Rewrite end-to-end p50 / p95 / max ms",
             f"{rw['p50_ms']} / {rw['p95_ms']} / {round(max([rw['p99_ms'], rw['p50_ms']]), 1)}"),
            ("Rewrite answered by", rw["backends"]),
            ("model's own answer used, by language", remote["model_answer_rate_by_language"]),
            ("fallback alone p50 / p95 ms (in process)", f"{fallback['p50_ms']} / {fallback['p95_ms']}"),
            ("RSS MB embedded / hosted", f"{remote['rss_embedded_mb']} / {remote['rss_hosted_mb']}"),
            ("RSS ratio embedded/hosted", remote["rss_ratio_embedded_over_hosted"]),
            ("RSS MB embedded after the Rewrites", remote["rss_embedded_after_rewrites_mb"]),
        ],
        "fallback": fallback,
        "targets": [
            target("an embedded Rewrite answers within 5 s at p95", rw["p95_ms"] <= 5000, rw["p95_ms"]),
            target("the fallback answers within 50 ms (p95, in process)", fallback["p95_ms"] <= 50, fallback["p95_ms"]),
        ],
    }
