"""Every metric family counts exactly what happened, read from an injected
registry after real RPCs through a real grpc.aio server and litellm's real
HTTP path to the scripted provider.

Each test snapshots the registry before its calls and compares how much each
series moved, so a counter bumped twice, or by the wrong label, fails.
"""

from __future__ import annotations

import asyncio
import math
import re
import uuid
from collections import Counter
from typing import Any

import grpc
import pytest
from prometheus_client import generate_latest

from service import __version__
from service.domain import FindingKind
from service.errors import ModelError
from service.metrics import REQUEST_BUCKETS, REWRITE_STAGES, Metrics
from service.pb import pb2
from tests.conftest import TEST_MODEL, RunningServer, customer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer
from tests.helpers_prometheus import delta, fetch_metrics, promtool_check_metrics, snapshot

P = "replyrewriter_"
# Slang and shouting (two rules the rulebook ships), an order number and a day the guard keeps.
DRAFT = "thx, ur order 48213 SHIPPED!!! it arrives on Friday"
GOOD = "Thanks, your order 48213 has shipped! It arrives on Friday."
DROPS_ORDER_NUMBER = "Thanks, your order has shipped! It arrives on Friday."
NOT_JSON = {"content": "Sure! Here is a nicer version of the reply."}


def rewrite_request(draft: str = DRAFT, **fields: Any) -> pb2.RewriteRequest:
    return pb2.RewriteRequest(draft=draft, language="en", **fields)


class Moves:
    """What moved in the registry between ``start()`` and ``check()``."""

    def __init__(self, running: RunningServer) -> None:
        self._registry = running.metrics.registry
        self._before = snapshot(self._registry)
        self._after = self._before

    async def check(self) -> "Moves":
        """Snapshot once the server has finished observing every call.

        The client has its status as soon as the server sends it; the
        server's interceptor counts the call in a ``finally`` just after. A
        snapshot taken at once could miss it (a CI run did): wait, within
        5 s, until a request was counted and none is in flight."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5.0
        while True:
            after = snapshot(self._registry)
            counted = delta(self._before, after, P + "requests_total")
            in_flight = sum(v for (name, _), v in after.items() if name == P + "in_flight_requests")
            if (counted and in_flight == 0) or loop.time() > deadline:
                break
            await asyncio.sleep(0.01)
        self._after = after
        return self

    def __call__(self, family: str, label: str | None = None) -> dict[str, float]:
        return delta(self._before, self._after, P + family, label)


def rule_counts(violations: Any) -> dict[str, float]:
    return {rule: float(n) for rule, n in Counter(v.rule_id for v in violations).items()}


def assert_request_observed(running: RunningServer, moves: Moves, method: str, code: str, n: int = 1) -> None:
    assert moves("requests_total") == {f"code={code},method={method}": n}
    assert moves("request_duration_seconds_count", "method") == {method: n}
    assert moves("request_duration_seconds_sum", "method")[method] > 0
    # Gauges read after the call: back to zero, and the series exists.
    assert running.metrics.registry.get_sample_value(f"{P}in_flight_requests", {"method": method}) == 0


async def draft_rule_counts(running: RunningServer, draft: str = DRAFT) -> dict[str, float]:
    """What the rulebook finds in ``draft``, through the Check RPC."""
    response = await running.stub.Check(pb2.CheckRequest(text=draft, language="en"))
    return rule_counts(response.violations)


async def test_check_counts_request_duration_and_violations(server: RunningServer) -> None:
    moves = Moves(server)
    response = await server.stub.Check(pb2.CheckRequest(text=DRAFT, language="en"))
    await moves.check()

    found = rule_counts(response.violations)
    assert {"no-slang", "no-shouting"} <= set(found)
    assert_request_observed(server, moves, "Check", "OK")
    assert moves("draft_violations_total", "rule_id") == found
    # A rule check touches no model, cache or fallback metric.
    for family in ("model_calls_total", "prompt_tokens_total", "cost_usd_total", "fallbacks_total",
                   "cache_lookups_total", "remaining_violations_total", "rewrites_total",
                   "rewrite_stage_seconds_count", "rewrite_own_work_seconds_count"):
        assert moves(family) == {}, family


async def test_good_rewrite_counts_one_model_call_tokens_and_cost(
        server: RunningServer, provider: ScriptedProvider) -> None:
    expected_draft = await draft_rule_counts(server)
    provider.queue(answer(GOOD, ["no-slang"]))
    moves = Moves(server)
    response = await server.stub.Rewrite(rewrite_request())
    await moves.check()

    assert response.rewrite == GOOD and not response.backend.fallback_used
    assert_request_observed(server, moves, "Rewrite", "OK")
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=ok": 1}
    assert moves("model_call_duration_seconds_count", "model") == {TEST_MODEL: 1}
    assert moves("rewrites_total", "backend") == {"model": 1}
    assert moves("model_retries_total") == {}
    assert moves("fallbacks_total") == {}
    assert moves("guard_rejections_total") == {}
    assert moves("queue_rejections_total") == {}
    # Tokens are what the provider reported, and what the response says.
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    assert moves("prompt_tokens_total", "model") == {TEST_MODEL: response.usage.prompt_tokens}
    assert moves("completion_tokens_total", "model") == {TEST_MODEL: response.usage.completion_tokens}
    # gpt-4o-mini is priced by litellm's offline map: a real, positive cost.
    cost = moves("cost_usd_total", "model")
    assert set(cost) == {TEST_MODEL} and cost[TEST_MODEL] > 0
    assert math.isclose(cost[TEST_MODEL], response.usage.cost_usd, abs_tol=1e-8)
    assert moves("draft_violations_total", "rule_id") == expected_draft
    assert moves("remaining_violations_total", "rule_id") == rule_counts(response.remaining)
    # The service's own work: each stage of a model answer once per request, no
    # fallback, and the per-request sum within the request's own duration.
    assert moves("rewrite_stage_seconds_count", "stage") == {
        stage: 1 for stage in ("check_draft", "prompt", "parse", "guard", "check_rewrite", "edits", "response")}
    assert moves("rewrite_own_work_seconds_count") == {"": 1}
    stage_sum = sum(moves("rewrite_stage_seconds_sum", "stage").values())
    own_work = moves("rewrite_own_work_seconds_sum")[""]
    assert 0 < own_work == pytest.approx(stage_sum)
    assert own_work < moves("request_duration_seconds_sum", "method")["Rewrite"]


async def test_guard_rejected_twice_falls_back_by_reason(
        server: RunningServer, provider: ScriptedProvider) -> None:
    expected_draft = await draft_rule_counts(server)
    provider.queue(answer(DROPS_ORDER_NUMBER), answer(DROPS_ORDER_NUMBER))
    moves = Moves(server)
    response = await server.stub.Rewrite(rewrite_request())
    await moves.check()

    assert response.backend.fallback_used and response.backend.reason.startswith("guard")
    assert "48213" in response.rewrite
    assert_request_observed(server, moves, "Rewrite", "OK")
    # Both candidates were well-formed answers, both dropped the order number.
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=ok": 2}
    assert moves("guard_rejections_total", "kind") == {FindingKind.DROPPED_FACT.value: 2}
    assert moves("fallbacks_total", "reason") == {"guard": 1}
    assert moves("rewrites_total", "backend") == {"fallback": 1}
    assert moves("model_retries_total") == {}
    assert moves("draft_violations_total", "rule_id") == expected_draft
    assert moves("remaining_violations_total", "rule_id") == rule_counts(response.remaining)
    assert moves("prompt_tokens_total", "model") == {TEST_MODEL: response.usage.prompt_tokens}
    # Two guarded candidates and the fallback in one request: still one
    # observation per stage, holding the time of both runs.
    assert moves("rewrite_stage_seconds_count", "stage") == {
        stage: 1 for stage in ("check_draft", "prompt", "parse", "guard", "fallback", "check_rewrite", "edits", "response")}
    assert moves("rewrite_own_work_seconds_count") == {"": 1}


async def test_malformed_answers_are_retried_then_fall_back(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider, max_attempts=3)) as running:
        provider.queue(NOT_JSON, NOT_JSON, NOT_JSON)
        moves = Moves(running)
        response = await running.stub.Rewrite(rewrite_request())
        await moves.check()

    assert response.backend.fallback_used and response.backend.reason == "malformed_output"
    assert_request_observed(running, moves, "Rewrite", "OK")
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=malformed_output": 3}
    assert moves("model_call_duration_seconds_count", "model") == {TEST_MODEL: 3}
    assert moves("model_retries_total", "reason") == {"malformed_output": 2}
    assert moves("fallbacks_total", "reason") == {"malformed_output": 1}
    assert moves("rewrites_total", "backend") == {"fallback": 1}
    assert moves("guard_rejections_total") == {}


async def test_malformed_then_good_answer_counts_one_retry(
        server: RunningServer, provider: ScriptedProvider) -> None:
    provider.queue(NOT_JSON, answer(GOOD))
    moves = Moves(server)
    response = await server.stub.Rewrite(rewrite_request())
    await moves.check()

    assert response.rewrite == GOOD
    assert moves("model_calls_total", "outcome") == {"malformed_output": 1, "ok": 1}
    assert moves("model_retries_total", "reason") == {"malformed_output": 1}
    assert moves("fallbacks_total") == {}
    assert moves("rewrites_total", "backend") == {"model": 1}


async def test_server_error_then_success_counts_a_retry_by_reason(
        server: RunningServer, provider: ScriptedProvider) -> None:
    provider.queue({"status": 500}, answer(GOOD))
    moves = Moves(server)
    response = await server.stub.Rewrite(rewrite_request())
    await moves.check()

    assert response.rewrite == GOOD and response.backend.attempts == 2
    assert_request_observed(server, moves, "Rewrite", "OK")
    assert moves("model_calls_total", "outcome") == {"server_error": 1, "ok": 1}
    assert moves("model_call_duration_seconds_count", "model") == {TEST_MODEL: 2}
    assert moves("model_retries_total", "reason") == {"server_error": 1}
    assert moves("fallbacks_total") == {}
    # The failed attempt has no usage: tokens are the successful answer's only.
    assert moves("completion_tokens_total", "model") == {TEST_MODEL: response.usage.completion_tokens}


async def test_invalid_argument_is_counted_by_code_and_touches_nothing_else(
        server: RunningServer, provider: ScriptedProvider) -> None:
    moves = Moves(server)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await server.stub.Rewrite(rewrite_request(draft="   "))
    await moves.check()

    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert_request_observed(server, moves, "Rewrite", "INVALID_ARGUMENT")
    assert provider.calls == 0
    for family in ("model_calls_total", "draft_violations_total", "fallbacks_total", "rewrites_total"):
        assert moves(family) == {}, family


async def test_cache_hit_skips_the_model(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider, cache_size=10)) as running:
        expected_draft = await draft_rule_counts(running)
        provider.queue(answer(GOOD))
        moves = Moves(running)
        first = await running.stub.Rewrite(rewrite_request())
        second = await running.stub.Rewrite(rewrite_request())
        await moves.check()

    assert first.rewrite == second.rewrite == GOOD
    assert provider.calls == 1
    assert_request_observed(running, moves, "Rewrite", "OK", n=2)
    assert moves("cache_lookups_total", "result") == {"miss": 1, "hit": 1}
    assert moves("rewrites_total", "backend") == {"model": 1, "cache": 1}
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=ok": 1}
    # Both drafts were checked; only the model's answer was checked for what remains.
    assert moves("draft_violations_total", "rule_id") == {k: 2 * v for k, v in expected_draft.items()}
    assert moves("remaining_violations_total", "rule_id") == rule_counts(first.remaining)


async def test_cache_off_counts_no_lookups(server: RunningServer) -> None:
    moves = Moves(server)
    await server.stub.Rewrite(rewrite_request())
    await moves.check()
    assert moves("cache_lookups_total") == {}


async def test_full_queue_is_rejected_and_counted(provider: ScriptedProvider) -> None:
    settings = settings_for(provider, max_concurrent_model_calls=1, max_queued_rewrites=0)
    async with running_server(settings) as running:
        provider.queue({"delay": 1.5, **answer(GOOD)})
        moves = Moves(running)
        slow = asyncio.ensure_future(running.stub.Rewrite(rewrite_request()))
        for _ in range(200):  # until the first Rewrite holds the only model slot
            if provider.calls:
                break
            await asyncio.sleep(0.02)
        assert provider.calls == 1
        assert running.metrics.registry.get_sample_value(f"{P}in_flight_requests", {"method": "Rewrite"}) == 1
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await running.stub.Rewrite(rewrite_request())
        assert error.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert (await slow).rewrite == GOOD
        await moves.check()

    assert moves("queue_rejections_total") == {"": 1}
    assert moves("requests_total") == {"code=OK,method=Rewrite": 1,
                                       "code=RESOURCE_EXHAUSTED,method=Rewrite": 1}
    assert moves("request_duration_seconds_count", "method") == {"Rewrite": 2}
    assert running.metrics.registry.get_sample_value(f"{P}in_flight_requests", {"method": "Rewrite"}) == 0
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=ok": 1}


async def test_build_info_names_version_and_default_model(server: RunningServer) -> None:
    labels = {"version": __version__, "default_model": TEST_MODEL}
    assert server.metric(f"{P}build_info", labels) == 1
    build = [s for f in server.metrics.registry.collect() if f.name == f"{P}build" for s in f.samples]
    assert len(build) == 1 and build[0].labels == labels


def test_request_buckets_fit_check_and_rewrite() -> None:
    # Sub-millisecond Check answers land in distinct buckets; a 60 s Rewrite is not +Inf.
    assert REQUEST_BUCKETS[0] <= 0.0005 and sum(b < 0.001 for b in REQUEST_BUCKETS) >= 2
    assert REQUEST_BUCKETS[-1] >= 60
    assert list(REQUEST_BUCKETS) == sorted(set(REQUEST_BUCKETS))


def test_metric_names_follow_the_conventions() -> None:
    """Prefix, base units, ``_total`` on every counter, and no free-text label names."""
    metrics = Metrics()
    allowed_labels = {"method", "code", "model", "outcome", "reason", "backend", "kind", "rule_id",
                      "result", "version", "default_model", "decision"}
    families = list(metrics.registry.collect())
    assert families
    for family in families:
        assert family.name.startswith(P), family.name
        assert not re.search(r"_(ms|milliseconds|minutes|hours|bytes_kb|cents)(_|$)", family.name), family.name
        if family.type == "counter":
            # prometheus_client strips _total from a counter family's name; the sample keeps it.
            assert any(s.name == family.name + "_total" for s in family.samples) or not family.samples
        for sample in family.samples:
            assert set(sample.labels) - {"le"} <= allowed_labels, (family.name, sample.labels)
    exposition = generate_latest(metrics.registry).decode()
    counters = re.findall(r"^# TYPE (\S+) counter$", exposition, re.M)
    assert counters and all(name.endswith("_total") for name in counters), counters
    for name in re.findall(r"^# TYPE (\S+) (?:histogram|gauge)$", exposition, re.M):
        if "duration" in name and not name.endswith("_created"):
            assert name.endswith("_seconds"), name


# -- label safety ------------------------------------------------------------------------------

def _bounded_values(running: RunningServer) -> dict[str, set[str]]:
    """Every value each label may take: all from code, config or the rulebook."""
    methods = {m.name for m in pb2.DESCRIPTOR.services_by_name["ReplyRewriter"].methods}
    reasons = {cls.reason for cls in _subclasses(ModelError)} | {"guard", "deadline", "other_error"}
    return {
        "method": methods | {"Health.Check", "Health.Watch"},
        "code": {c.name for c in grpc.StatusCode},
        "model": set(running.settings.models),
        "outcome": reasons | {"ok", "cancelled", "skipped_breaker_open", "accepted", "edited", "dismissed"},
        "reason": reasons,
        "backend": {"model", "fallback", "cache"},
        "kind": {k.value for k in FindingKind},
        "rule_id": set(running.deps.rulebook.rules) | {"none"},
        "result": {"hit", "miss"},
        "version": {__version__},
        "default_model": {running.settings.primary_model},
        "stage": set(REWRITE_STAGES),
        "decision": {"accepted", "rejected"},
    }


def _subclasses(cls: type) -> list[type]:
    out = [cls]
    for sub in cls.__subclasses__():
        out += _subclasses(sub)
    return out


async def test_no_caller_text_reaches_any_label(provider: ScriptedProvider) -> None:
    """Drafts, names, conversation text, request ids, languages, rule ids and the
    model's own words carry a unique marker; the exposition never shows it."""
    marker = f"mk{uuid.uuid4().hex[:12]}"
    settings = settings_for(provider, metrics_port=0, host="127.0.0.1", cache_size=10)
    async with running_server(settings) as running:
        from service.server import start_metrics_endpoint

        port = start_metrics_endpoint(settings, running.metrics)
        assert port
        metadata = (("x-request-id", f"req-{marker}"),)
        draft = f"thx {marker}, ur order 48213 SHIPPED!!! it arrives on Friday"
        names = dict(customer_name=f"Ann {marker}", agent_name=f"Bob {marker}", brand_name=f"Acme {marker}")
        conversation = [customer(f"where is my order {marker}?")]
        provider.queue(answer(f"Thanks {marker}, your order 48213 has shipped! It arrives on Friday.",
                              [f"rule-{marker}"]),
                       {"content": f"not json {marker}"})
        for _ in range(2):  # the second one is a cache hit
            await running.stub.Rewrite(rewrite_request(draft, conversation=conversation, **names),
                                       metadata=metadata)
        # Not JSON first (a retry), then the default echo answer.
        await running.stub.Rewrite(rewrite_request(f"{draft}!", **names), metadata=metadata)
        await running.stub.Check(pb2.CheckRequest(text=draft, customer_name=names["customer_name"],
                                                  conversation=conversation), metadata=metadata)
        await running.stub.Verify(pb2.VerifyRequest(draft=draft, candidate=f"{marker} order 48213"),
                                  metadata=metadata)
        for bad_call in (
                running.stub.Rewrite(pb2.RewriteRequest(draft=draft, language=marker), metadata=metadata),
                running.stub.Check(pb2.CheckRequest(text=draft, language=f"x-{marker}"), metadata=metadata),
                running.stub.Feedback(pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_ACCEPTED,
                                                          rule_ids=[marker]), metadata=metadata)):
            with pytest.raises(grpc.aio.AioRpcError) as error:
                await bad_call
            assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        await running.stub.Feedback(pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_EDITED,
                                                        rule_ids=["no-slang"]), metadata=metadata)
        # Per-edit decisions: rule ids only; an unknown one (caller text) is refused.
        await running.stub.Feedback(pb2.FeedbackRequest(
            outcome=pb2.FeedbackRequest.OUTCOME_EDITED, rule_ids=["no-slang"],
            edits=[pb2.EditDecision(rule_ids=["no-slang"], accepted=True), pb2.EditDecision(accepted=False)]),
            metadata=metadata)
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await running.stub.Feedback(pb2.FeedbackRequest(
                outcome=pb2.FeedbackRequest.OUTCOME_EDITED,
                edits=[pb2.EditDecision(rule_ids=[marker], accepted=True)]), metadata=metadata)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT

        exposition = await asyncio.to_thread(fetch_metrics, port)
        in_memory = generate_latest(running.metrics.registry).decode()
        bounded = _bounded_values(running)
        families = list(running.metrics.registry.collect())

    for text in (exposition, in_memory):
        assert marker not in text.lower()
        assert f"{P}requests_total" in text
    # Stronger than "not this marker": every label value comes from a bounded set.
    for family in families:
        for sample in family.samples:
            for label, value in sample.labels.items():
                if label == "le":
                    continue
                assert value in bounded[label], (sample.name, label, value)


# -- the /metrics endpoint -----------------------------------------------------------------------

async def test_metrics_endpoint_passes_promtool_check_metrics(provider: ScriptedProvider) -> None:
    from service.server import start_metrics_endpoint

    settings = settings_for(provider, metrics_port=0, cache_size=10)
    async with running_server(settings) as running:
        port = start_metrics_endpoint(settings, running.metrics)
        assert port and port != settings.metrics_port
        # Touch every family that has labels, so the linter sees real series.
        provider.queue({"status": 500}, answer(DROPS_ORDER_NUMBER), answer(GOOD))
        await running.stub.Check(pb2.CheckRequest(text=DRAFT, language="en"))
        await running.stub.Rewrite(rewrite_request())
        await running.stub.Rewrite(rewrite_request())
        with pytest.raises(grpc.aio.AioRpcError):
            await running.stub.Rewrite(rewrite_request(draft=""))
        exposition = await asyncio.to_thread(fetch_metrics, port)

    for name in ("requests_total", "request_duration_seconds_bucket", "in_flight_requests",
                 "model_calls_total", "model_call_duration_seconds_bucket", "prompt_tokens_total",
                 "completion_tokens_total", "cost_usd_total", "model_retries_total",
                 "guard_rejections_total", "draft_violations_total", "cache_lookups_total",
                 "build_info"):
        assert re.search(rf"^{P}{name}\{{", exposition, re.M), name
    assert re.search(rf"^{P}queue_rejections_total 0\.0$", exposition, re.M)
    result = await asyncio.to_thread(promtool_check_metrics, exposition)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == "", result.stdout + result.stderr


async def test_slow_model_within_a_short_deadline_falls_back_by_reason_deadline(
        provider: ScriptedProvider) -> None:
    provider.queue({"delay": 5.0, **answer(GOOD)})
    async with running_server(settings_for(provider, fallback_reserve=1.0)) as server:
        moves = Moves(server)
        # 2.5 s leaves ~1.5 s for the model (1 s is kept for the fallback): the attempt times out.
        response = await server.stub.Rewrite(rewrite_request(), timeout=2.5)
        await moves.check()

    assert response.backend.fallback_used and response.backend.reason == "deadline"
    assert_request_observed(server, moves, "Rewrite", "OK")
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=timeout": 1}
    assert moves("fallbacks_total", "reason") == {"deadline": 1}
    assert moves("rewrites_total", "backend") == {"fallback": 1}
    assert moves("model_retries_total") == {}  # no time was left for another attempt


async def test_caller_cancelling_is_counted_and_in_flight_returns_to_zero(
        server: RunningServer, provider: ScriptedProvider) -> None:
    provider.queue({"delay": 3.0, **answer(GOOD)})
    moves = Moves(server)
    call = server.stub.Rewrite(rewrite_request())
    for _ in range(200):
        if provider.calls:
            break
        await asyncio.sleep(0.02)
    assert server.metric(f"{P}in_flight_requests", {"method": "Rewrite"}) == 1
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    for _ in range(200):  # the server learns of the cancellation asynchronously
        if server.metric(f"{P}requests_total", {"method": "Rewrite", "code": "CANCELLED"}):
            break
        await asyncio.sleep(0.02)
    await moves.check()

    assert moves("requests_total") == {"code=CANCELLED,method=Rewrite": 1}
    assert server.metric(f"{P}in_flight_requests", {"method": "Rewrite"}) == 0
    assert moves("model_calls_total") == {f"model={TEST_MODEL},outcome=cancelled": 1}
    assert moves("fallbacks_total") == {}
