"""Where a request's CPU goes, measured in this process without gRPC.

The Check and Rewrite benchmarks measure whole requests across processes;
these figures split them: the rule engine alone, the Check handler (parsing
the request, the engine, building the response) and the Rewrite pipeline with
an instant in-process model (rule check, prompt, redaction, answer parsing,
guard, second check, response), so the report can say how much of the server's
CPU per call each stage explains, against the CPU per call a target allows.

In-process figures are lower bounds for the same work inside a busy server
(warm caches, no contention with the gRPC threads).
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

from bench.corpus import Item, check_request


class NoAbortContext:
    """Enough of grpc.aio.ServicerContext for calls that don't abort."""

    async def abort(self, code: Any, details: str) -> None:
        raise RuntimeError(f"{code}: {details}")


def check_servicer(rulebook: Any) -> Any:
    """The real servicer, enough of it for Check: no pipeline, guard or model."""
    from bench import TEST_MODEL
    from service.api import ReplyRewriterServicer
    from service.config import Settings
    from service.metrics import Metrics

    return ReplyRewriterServicer(Settings(model=TEST_MODEL), rulebook, None, None, rulebook.detector, Metrics())


def _mean_us(seconds: float, calls: int) -> float:
    return round(seconds / max(calls, 1) * 1e6, 1)


async def check_stages(corpus: list[Item], loops: int) -> dict[str, float]:
    """Mean microseconds per corpus item: ``rulebook.check`` and the whole Check handler."""
    from bench.prompt_size import prompt_parts

    rulebook, _ = prompt_parts()
    servicer = check_servicer(rulebook)
    requests = [check_request(item) for item in corpus]
    context = NoAbortContext()
    for item, request in zip(corpus, requests):  # warm-up
        rulebook.check(item.draft, item.conversation, item.customer_name, item.lang)
        await servicer.Check(request, context)
    engine = handler = 0.0
    for _ in range(loops):
        t0 = time.perf_counter()
        for item in corpus:
            rulebook.check(item.draft, item.conversation, item.customer_name, item.lang)
        t1 = time.perf_counter()
        for request in requests:
            (await servicer.Check(request, context)).SerializeToString()
        t2 = time.perf_counter()
        engine += t1 - t0
        handler += t2 - t1
    calls = loops * len(corpus)
    return {"engine_us": _mean_us(engine, calls), "handler_us": _mean_us(handler, calls)}


async def rewrite_pipeline_us(corpus: list[Item], loops: int) -> float:
    """Mean microseconds per corpus item for the Rewrite pipeline and response,
    with a model that answers instantly in process (the draft back, as the
    benchmark's scripted provider does)."""
    from bench import TEST_MODEL
    from service.api import rewrite_response
    from service.config import Settings
    from service.domain import RewriteInput
    from service.server import build_deps

    drafts: list[str] = []

    async def instant_model(**_: Any) -> Any:
        content = json.dumps({"rewrite": drafts[-1], "rules": []}, ensure_ascii=False)
        return SimpleNamespace(usage=SimpleNamespace(prompt_tokens=500, completion_tokens=60),
                               _hidden_params={"response_cost": 0.0001},
                               choices=[SimpleNamespace(message=SimpleNamespace(content=content))])

    settings = Settings(model=TEST_MODEL, api_key="sk-test", api_base="http://127.0.0.1:9/v1", cache_size=0)
    deps = build_deps(settings, completion_fn=instant_model)
    inputs = [RewriteInput(i.draft, tuple(i.conversation), i.customer_name, language=i.lang) for i in corpus]

    async def one_pass() -> None:
        for request in inputs:
            drafts.append(request.draft)
            result = await deps.pipeline.rewrite(request, time.monotonic() + 30)
            rewrite_response(result).SerializeToString()
            drafts.clear()

    await one_pass()  # warm-up
    start = time.perf_counter()
    for _ in range(loops):
        await one_pass()
    return _mean_us(time.perf_counter() - start, loops * len(inputs))
