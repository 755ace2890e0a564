"""Smoke test with the real embedded model (SmolLM2-135M through llama.cpp,
registered as a litellm custom provider). Never asserts its wording: only that
the call completes, usage is counted, and what comes back is honest."""

from __future__ import annotations

import pytest

from service.pb import pb2
from tests.conftest import customer, running_server, settings_for

pytestmark = pytest.mark.smoke


async def test_embedded_model_rewrite_completes_and_is_verified() -> None:
    settings = settings_for(None, default_deadline=60.0, max_output_tokens=200)
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
