"""Smoke test with the real embedded model (SmolLM2-135M through llama.cpp,
registered as a litellm custom provider). Never asserts its wording: only that
the call completes, usage is counted, and what comes back is honest."""

from __future__ import annotations

import pytest

from service.pb import pb2
from tests.conftest import customer, running_server, settings_for

pytestmark = pytest.mark.smoke


async def test_embedded_model_rewrite_completes_and_is_verified() -> None:
    # The time box is for callers; this test needs the real generation to
    # finish (and count its usage) however loaded the CI machine is.
    settings = settings_for(None, default_deadline=60.0, max_output_tokens=200, local_attempt_timeout=50.0)
    assert settings.uses_embedded_model
    async with running_server(settings) as server:
        draft = "omg idk why that happened, pls w8. Order 10552 ships Friday."
        conversation = [customer("Hey, I was charged twice for order 10552.")]
        response = await server.stub.Rewrite(
            pb2.RewriteRequest(draft=draft, conversation=conversation), timeout=60)
        assert response.rewrite.strip()
        assert response.backend.attempts >= 1
        assert response.backend.models_tried[0] == "smollm2/SmolLM2-135M-Instruct"
        if response.backend.fallback_used:
            assert response.backend.model == "rule-based" and response.backend.reason
        else:
            assert response.backend.model == "smollm2/SmolLM2-135M-Instruct"
        # usage was counted for the real generation, whoever answered in the end
        assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
        tokens = server.metric("replyrewriter_completion_tokens_total", {"model": "smollm2/SmolLM2-135M-Instruct"})
        assert tokens > 0
        verdict = await server.stub.Verify(pb2.VerifyRequest(draft=draft, candidate=response.rewrite,
                                                             conversation=conversation), timeout=10)
        assert verdict.honest, verdict.findings


def test_the_answer_grammar_binds_the_real_model() -> None:
    """The grammar compiles in llama.cpp and the real model's answer under it
    is one line, without quote markers, citing known rules at most once."""
    import json
    import threading
    import time

    from service.local_model import MAX_ANSWER_RULES, LocalModelProvider, bundled_gguf_path
    from service.prompt import parse_answer

    rule_ids = ["no-slang", "show-empathy", "keep-it-short"]
    provider = LocalModelProvider(bundled_gguf_path(), threads=2, context=2048, rule_ids=rule_ids)
    try:
        provider.load()
        messages = [{"role": "system", "content": 'Answer as {"rewrite": "...", "rules": [...]}. '
                                                  'List every rule you can think of, many times.'},
                    {"role": "user", "content": "<<<DRAFT\nomg idk, pls w8\nDRAFT>>>"}]
        result = provider._generate(messages, {"max_tokens": 120}, threading.Event(), time.monotonic() + 60)
    finally:
        provider.close()
    text = result["choices"][0]["message"]["content"]
    data = json.loads(text)          # strict: no raw control character in a string
    assert set(data) == {"rewrite", "rules"}
    assert "\n" not in data["rewrite"] and "<" not in data["rewrite"] and ">" not in data["rewrite"]
    assert set(data["rules"]) <= set(rule_ids) and len(data["rules"]) <= MAX_ANSWER_RULES
    if result["choices"][0]["finish_reason"] == "stop":
        parse_answer(text)
