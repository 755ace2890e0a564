"""The CLI's in-process mode: the same servicer, rulebook and guard as the
server, called directly, so ``check``, ``verify`` and ``rules`` need no
running server, and ``rewrite --model`` runs the whole pipeline here.

Requests go through the real servicer methods (validation, language
detection, status codes), with a context that turns an abort into an
exception the CLI prints, as it prints a server's error.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc

from service.config import Settings

__all__ = ["LocalAbort", "call_in_process"]


class LocalAbort(Exception):
    """A servicer's abort, in process: the status code and its message."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class _Context:
    """Enough of grpc.aio.ServicerContext for one in-process call."""

    def __init__(self, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout

    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise LocalAbort(code, details)

    def time_remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def set_trailing_metadata(self, metadata: Any) -> None:
        pass


def _servicer(settings: Settings, full: bool) -> Any:
    from service.api import ReplyRewriterServicer
    from service.metrics import Metrics

    if full:   # the whole pipeline: imports litellm, loads the model
        from service.server import build_deps

        deps = build_deps(settings, Metrics())
        return ReplyRewriterServicer(settings, deps.rulebook, deps.guard, deps.pipeline, deps.detector, deps.metrics)
    from service.guard import Guard
    from service.rulebook import load_rulebook

    rulebook = load_rulebook(settings.prompts_dir, settings.glossary_files)
    guard = Guard(settings.prompts_dir / "guard")
    return ReplyRewriterServicer(settings, rulebook, guard, None, rulebook.detector, Metrics())  # type: ignore[arg-type]


def call_in_process(method: str, request: Any, settings: Settings, timeout: float) -> Any:
    """Call one RPC of a servicer built here; raises LocalAbort like a server's error."""
    servicer = _servicer(settings, full=method == "Rewrite")
    return asyncio.run(getattr(servicer, method)(request, _Context(timeout)))
