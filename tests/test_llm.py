"""The litellm boundary against the scripted provider: litellm's real HTTP path."""

from __future__ import annotations

import time

import pytest

from service.errors import MalformedOutput, ModelRateLimited, ModelRejected, ModelUnavailable
from service.llm import CallReport, ModelClient
from service.metrics import Metrics
from service.prompt import parse_answer
from tests.conftest import TEST_MODEL, settings_for
from tests.fakes.provider import ScriptedProvider, answer

MESSAGES = [{"role": "system", "content": "rewrite"},
            {"role": "user", "content": "<<<DRAFT\nthx, ur order ships soon\nDRAFT>>>"}]


def client(provider: ScriptedProvider, **overrides) -> tuple[ModelClient, Metrics]:
    metrics = Metrics()
    return ModelClient(settings_for(provider, **overrides), metrics), metrics


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


async def test_good_answer_is_parsed_and_usage_counted(provider: ScriptedProvider) -> None:
    provider.queue(answer("Thanks, your order ships soon.", ["no-slang"]))
    models, metrics = client(provider)
    report = CallReport()
    result = await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, report)
    assert result.value.rewrite == "Thanks, your order ships soon."
    assert result.value.rules == ("no-slang",)
    assert result.model == TEST_MODEL
    assert report.attempts == 1 and report.prompt_tokens > 0 and report.completion_tokens > 0
    assert report.cost_usd > 0  # gpt-4o-mini is in litellm's offline price map
    assert sample(metrics, "replyrewriter_model_calls_total", model=TEST_MODEL, outcome="ok") == 1
    assert provider.requests[0]["messages"][1]["content"].endswith("DRAFT>>>")
    # litellm's own retries are off: one request per attempt
    assert len(provider.requests) == 1


def test_cost_is_litellms_own_price_when_it_gave_one() -> None:
    from types import SimpleNamespace

    from service.llm import _cost

    priced = SimpleNamespace(_hidden_params={"response_cost": 0.0125})
    assert _cost(TEST_MODEL, priced, 100, 20) == 0.0125
    # No price from litellm (a custom provider): priced here from its offline map,
    # the same figure litellm's cost_per_token gives.
    import litellm

    expected = sum(litellm.cost_per_token(model=TEST_MODEL, prompt_tokens=100, completion_tokens=20))
    for unpriced in (SimpleNamespace(), SimpleNamespace(_hidden_params={}),
                     SimpleNamespace(_hidden_params={"response_cost": None}),
                     SimpleNamespace(_hidden_params={"response_cost": -1.0})):
        assert _cost(TEST_MODEL, unpriced, 100, 20) == pytest.approx(expected) and expected > 0
    # Models litellm can't price (not in its map, or a provider it doesn't know) cost 0, never an error.
    assert _cost("openai/not-a-real-model-xyz", SimpleNamespace(), 100, 20) == 0.0
    assert _cost("nobody/unknown-model-xyz", SimpleNamespace(), 100, 20) == 0.0


async def test_transient_errors_are_retried_then_succeed(provider: ScriptedProvider) -> None:
    provider.queue({"status": 500}, {"malformed": True}, answer("ok then"))
    models, metrics = client(provider, max_attempts=3)
    report = CallReport()
    result = await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, report)
    assert result.value.rewrite == "ok then"
    assert report.attempts == 3
    # a 500, then a body that isn't JSON at all: both transient, both retried
    retries = sum(sample(metrics, "replyrewriter_model_retries_total", reason=r)
                  for r in ("server_error", "malformed_output", "connection_error"))
    assert retries == 2
    assert sample(metrics, "replyrewriter_model_calls_total", model=TEST_MODEL, outcome="server_error") >= 1


async def test_not_json_answer_is_a_failed_attempt(provider: ScriptedProvider) -> None:
    provider.queue({"content": "Here you go: a nicer reply"}, {"content": '{"rules": []}'})
    models, metrics = client(provider, max_attempts=2)
    with pytest.raises(MalformedOutput):
        await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert sample(metrics, "replyrewriter_model_calls_total", model=TEST_MODEL, outcome="malformed_output") == 2


async def test_retry_after_is_honoured(provider: ScriptedProvider) -> None:
    provider.queue({"status": 429, "headers": {"Retry-After": "0.4"}}, answer("fine"))
    models, metrics = client(provider, max_attempts=2)
    started = time.monotonic()
    await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert time.monotonic() - started >= 0.4
    assert sample(metrics, "replyrewriter_model_retries_total", reason="rate_limited") == 1


async def test_no_retry_when_retry_after_passes_the_deadline(provider: ScriptedProvider) -> None:
    provider.queue({"status": 429, "headers": {"Retry-After": "30"}}, answer("too late"))
    models, _ = client(provider, max_attempts=3)
    started = time.monotonic()
    with pytest.raises(ModelRateLimited):
        await models.complete(MESSAGES, parse_answer, time.monotonic() + 1.0, CallReport())
    assert time.monotonic() - started < 1.0
    assert len(provider.requests) == 1


async def test_client_errors_are_not_retried(provider: ScriptedProvider) -> None:
    provider.queue({"status": 400}, answer("never asked"))
    models, _ = client(provider, max_attempts=3)
    with pytest.raises(ModelRejected):
        await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert len(provider.requests) == 1


async def test_stall_is_cut_at_the_budget(provider: ScriptedProvider) -> None:
    provider.queue({"delay": 5, **answer("slow")})
    models, metrics = client(provider, max_attempts=3)
    started = time.monotonic()
    with pytest.raises(Exception):
        await models.complete(MESSAGES, parse_answer, time.monotonic() + 0.5, CallReport())
    assert time.monotonic() - started < 0.9
    assert sample(metrics, "replyrewriter_model_calls_total", model=TEST_MODEL, outcome="timeout") >= 1


async def test_dropped_connection_is_retried(provider: ScriptedProvider) -> None:
    provider.queue({"drop": True}, answer("after the drop"))
    models, metrics = client(provider, max_attempts=2)
    result = await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert result.value.rewrite == "after the drop"
    assert sample(metrics, "replyrewriter_model_retries_total", reason="connection_error") + \
        sample(metrics, "replyrewriter_model_retries_total", reason="server_error") == 1


async def test_fallback_model_answers_when_primary_is_down(provider: ScriptedProvider) -> None:
    backup = "openai/gpt-4o"
    provider.queue(*[{"status": 503}] * 10, model="gpt-4o-mini")
    provider.queue(answer("from the backup"), model="gpt-4o")
    models, metrics = client(provider, max_attempts=2, fallback_models=[backup])
    report = CallReport()
    result = await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, report)
    assert result.model == backup and result.value.rewrite == "from the backup"
    assert report.models_tried == [TEST_MODEL, backup]


async def test_breaker_opens_skips_and_probes_after_cooldown(provider: ScriptedProvider) -> None:
    now = [1000.0]
    provider.queue(*[{"status": 500}] * 3)
    settings = settings_for(provider, max_attempts=1, breaker_failures=3, breaker_cooldown=30)
    metrics = Metrics()
    models = ModelClient(settings, metrics)
    for _ in range(3):
        with pytest.raises(Exception):
            await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert models.breaker(TEST_MODEL).is_open
    assert sample(metrics, "replyrewriter_circuit_breaker_open", model=TEST_MODEL) == 1
    assert sample(metrics, "replyrewriter_circuit_breaker_trips_total", model=TEST_MODEL) == 1
    calls_before = len(provider.requests)
    with pytest.raises(ModelUnavailable):
        await models.complete(MESSAGES, parse_answer, time.monotonic() + 5, CallReport())
    assert len(provider.requests) == calls_before  # skipped without a call
    del now
