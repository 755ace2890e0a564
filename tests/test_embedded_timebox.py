"""The embedded model is time-boxed: one generation per Rewrite by default.

A 135M model's malformed or rejected answer rarely mends on a second try,
and each try costs seconds on a CPU; so neither the retry layer (for a
malformed answer) nor the pipeline (with the guard's findings) asks it
again: the fallback answers at once. REPLYREWRITER_LOCAL_SECOND_TRY turns
both back on. The model itself is faked at the completion seam.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from service.config import EMBEDDED_MODEL
from service.domain import RewriteInput, Tone
from service.metrics import Metrics
from service.server import build_deps
from tests.conftest import settings_for


def _answer(content: str) -> Any:
    return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=content))],
                           usage=SimpleNamespace(prompt_tokens=10, completion_tokens=5))


@pytest.mark.parametrize("content", ["not json at all", '{"rewrite": "Your order 99999 was refunded.", "rules": []}'],
                         ids=["malformed", "dishonest"])
@pytest.mark.parametrize("second_try", [False, True])
async def test_one_generation_then_the_fallback(content: str, second_try: bool) -> None:
    calls: list[str] = []

    async def completion(**kwargs: Any) -> Any:
        calls.append(kwargs["model"])
        return _answer(content)

    settings = settings_for(None, max_attempts=3, local_second_try=second_try)
    assert settings.uses_embedded_model
    deps = build_deps(settings, Metrics(), completion_fn=completion)
    request = RewriteInput(draft="thx for waiting, ur order 10552 ships Monday", conversation=(),
                           customer_name="", agent_name="", brand_name="", language="en", tone=Tone.UNSPECIFIED)
    loop_time = __import__("time").monotonic
    result = await deps.pipeline.rewrite(request, deadline=loop_time() + 10)
    assert result.backend.fallback_used
    assert set(calls) == {EMBEDDED_MODEL}
    assert len(calls) == (1 if not second_try else 2 if content.startswith("{") else 3)


def _finished(content: str, finish_reason: str) -> Any:
    choice = SimpleNamespace(message=SimpleNamespace(content=content), finish_reason=finish_reason)
    return SimpleNamespace(choices=[choice], usage=SimpleNamespace(prompt_tokens=10, completion_tokens=5))


@pytest.mark.parametrize("finish_reason", ["length", "stop"])
async def test_a_cut_off_answer_is_never_used(finish_reason: str) -> None:
    """An answer stopped at its token budget (or by the loop detector) may
    still parse; it is not the whole answer, so the fallback answers."""
    honest = '{"rewrite": "Thanks for waiting: your order 10552 ships Monday.", "rules": ["no-slang"]}'

    async def completion(**kwargs: Any) -> Any:
        return _finished(honest, finish_reason)

    deps = build_deps(settings_for(None), Metrics(), completion_fn=completion)
    request = RewriteInput(draft="thx for waiting, ur order 10552 ships Monday", conversation=(),
                           customer_name="", agent_name="", brand_name="", language="en", tone=Tone.UNSPECIFIED)
    result = await deps.pipeline.rewrite(request, deadline=__import__("time").monotonic() + 10)
    if finish_reason == "length":
        assert result.backend.fallback_used and result.backend.reason == "malformed_output"
    else:
        assert not result.backend.fallback_used, result.backend


def test_loops_are_told_from_repeated_phrases() -> None:
    from service.local_model import LOOP_MIN_TOKENS, repeats_itself

    phrase = list(range(100, 108))           # an 8-token sentence
    assert repeats_itself([1, 2, 3] + phrase * 2)
    assert repeats_itself([1, 2, 3] + [7] * LOOP_MIN_TOKENS)   # a one-token stutter
    assert not repeats_itself([7] * (LOOP_MIN_TOKENS - 1))     # too short to tell
    assert not repeats_itself(list(range(200)))                # no repetition at all
    # A phrase said twice with other words between is prose, not a loop.
    assert not repeats_itself(phrase + [1, 2, 3, 4] + phrase)
    # A period longer than the detector looks for is not flagged (a long
    # sentence repeated once is the guard's business, not a loop).
    long = list(range(300, 345))
    assert not repeats_itself(long * 2)


def test_the_answer_grammar_names_only_known_rules() -> None:
    from service.local_model import MAX_ANSWER_RULES, answer_grammar

    grammar = answer_grammar(["no-slang", "show-empathy"])
    assert '"\\"no-slang\\""' in grammar and '"\\"show-empathy\\""' in grammar
    assert f"{{0,{MAX_ANSWER_RULES - 1}}}" in grammar
    with pytest.raises(ValueError):
        answer_grammar([])


async def test_a_slow_generation_is_cut_at_the_time_box() -> None:
    """A generation past REPLYREWRITER_LOCAL_ATTEMPT_TIMEOUT ends there: the
    fallback answers long before the caller's deadline."""
    import asyncio
    import time

    started: list[float] = []

    async def completion(**kwargs: Any) -> Any:
        started.append(kwargs["timeout"])
        await asyncio.sleep(30)
        return _answer('{"rewrite": "too late", "rules": []}')

    deps = build_deps(settings_for(None, local_attempt_timeout=0.5, attempt_timeout=15.0), Metrics(),
                      completion_fn=completion)
    request = RewriteInput(draft="thx for waiting, ur order 10552 ships Monday", conversation=(),
                           customer_name="", agent_name="", brand_name="", language="en", tone=Tone.UNSPECIFIED)
    begin = time.monotonic()
    result = await deps.pipeline.rewrite(request, deadline=begin + 20)
    assert result.backend.fallback_used
    assert started == [0.5]                  # the provider is told its time box too
    assert time.monotonic() - begin < 10     # far inside the 20 s deadline (no timing target here)


async def test_the_embedded_model_gets_rule_titles_a_hosted_one_the_messages() -> None:
    """Every prompt token costs the embedded model prefill time on a CPU:
    it gets each rule's title; a hosted model also gets the rule's message."""
    prompts: dict[str, str] = {}

    async def completion(**kwargs: Any) -> Any:
        prompts[kwargs["model"]] = kwargs["messages"][0]["content"]
        return _answer('{"rewrite": "Thanks for waiting: your order 10552 ships Monday.", "rules": []}')

    request = RewriteInput(draft="thx for waiting, ur order 10552 ships Monday", conversation=(),
                           customer_name="", agent_name="", brand_name="", language="en", tone=Tone.UNSPECIFIED)
    hosted_model = "openai/gpt-4o-mini"
    for settings in (settings_for(None), settings_for(None, model=hosted_model, api_base="http://127.0.0.1:9/v1")):
        deps = build_deps(settings, Metrics(), completion_fn=completion)
        await deps.pipeline.rewrite(request, deadline=__import__("time").monotonic() + 10)
    embedded, hosted = prompts[EMBEDDED_MODEL], prompts[hosted_model]
    slang = deps.rulebook.rule("no-slang")
    assert f"- no-slang: {slang.title}." in embedded and slang.message not in embedded
    assert f"- no-slang: {slang.title}. {slang.message}" in hosted
