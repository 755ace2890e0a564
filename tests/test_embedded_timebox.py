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
