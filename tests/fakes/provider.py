"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1.

It lets tests exercise litellm's real HTTP path: queued answers, injected
500/503s, 429s with Retry-After, stalls, dropped connections and malformed
JSON. Every request body is recorded, so tests can assert what left the
service (e.g. that no PII arrived). With no scripted action left, it answers
with the ``default`` policy: "echo" returns the draft unchanged (always
honest), which load tests and benchmarks use.

Run standalone for out-of-process tests and benchmarks:
    python -m tests.fakes.provider --port 0 --latency 0.2
(prints the bound port on its first line).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_DRAFT = re.compile(r"<<<DRAFT\n(.*?)\nDRAFT>>>", re.S)

Action = dict[str, Any]


def answer(rewrite: str, rules: list[str] | None = None, **extra: Any) -> Action:
    """A well-formed model answer."""
    return {"content": json.dumps({"rewrite": rewrite, "rules": rules or []}, ensure_ascii=False), **extra}


def draft_of(body: dict[str, Any]) -> str:
    """The draft quoted in the prompt (the last user message's DRAFT block)."""
    for message in reversed(body.get("messages", [])):
        match = _DRAFT.search(message.get("content", ""))
        if match:
            return match.group(1)
    return ""


@dataclass
class ScriptedProvider:
    host: str = "127.0.0.1"
    port: int = 0
    latency: float = 0.0
    default: str | Callable[[dict[str, Any]], Action] = "echo"
    record: bool = True
    requests: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    _queues: dict[str | None, deque[Action]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    # -- scripting ---------------------------------------------------------
    def queue(self, *actions: Action, model: str | None = None) -> None:
        """Append actions; ``model`` scopes them to requests for that model name."""
        self._queues.setdefault(model, deque()).extend(actions)

    def clear(self) -> None:
        self._queues.clear()
        self.requests.clear()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def _next_action(self, body: dict[str, Any]) -> Action:
        model = body.get("model")
        for key in (model, None):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        if callable(self.default):
            return self.default(body)
        if self.default == "echo":
            return answer(draft_of(body))
        raise AssertionError(f"no scripted answer left for model {model!r}")

    # -- serving -----------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.calls += 1
        if self.record:
            self.requests.append(body)
        action = self._next_action(body)
        delay = float(action.get("delay", self.latency))
        if delay:
            await asyncio.sleep(delay)
        if action.get("drop"):
            request.transport.close()  # type: ignore[union-attr]
            raise asyncio.CancelledError
        status = int(action.get("status", 200))
        headers = dict(action.get("headers", {}))
        if status != 200:
            return web.json_response({"error": {"message": action.get("message", f"scripted {status}"),
                                                "type": "scripted_error", "code": status}},
                                     status=status, headers=headers)
        if action.get("malformed"):
            return web.Response(text='{"id": "x", "choices": [', content_type="application/json")
        content = action["content"]
        prompt_tokens = sum(len(m.get("content", "").split()) for m in body.get("messages", []))
        completion_tokens = max(1, len(content.split()))
        return web.json_response({
            "id": f"chatcmpl-{self.calls}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "scripted"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }, headers=headers)

    async def start(self) -> "ScriptedProvider":
        app = web.Application(client_max_size=64 << 20)
        app.router.add_post("/v1/chat/completions", self._handle)
        app.router.add_post("/chat/completions", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def fault_mix(seed: int, stall: float) -> Callable[[dict[str, Any]], Action]:
    """A random mix of every fault a provider shows, with honest answers between."""
    rng = random.Random(seed)

    def pick(body: dict[str, Any]) -> Action:
        roll = rng.random()
        if roll < 0.15:
            return {"status": 500}
        if roll < 0.25:
            return {"status": 429, "headers": {"Retry-After": "0.2"}}
        if roll < 0.32:
            return {"status": 503}
        if roll < 0.40:
            return {"delay": stall, **answer(draft_of(body))}
        if roll < 0.47:
            return {"drop": True}
        if roll < 0.55:
            return {"malformed": True}
        if roll < 0.60:
            return {"content": "Sure! Here is a nicer version of the reply."}  # not JSON
        return answer(draft_of(body))

    return pick


async def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--faults", type=int, default=None, metavar="SEED",
                        help="answer with fault_mix(SEED) instead of echoing")
    parser.add_argument("--stall", type=float, default=10.0, help="stall length of --faults")
    args = parser.parse_args()
    default: Any = fault_mix(args.faults, args.stall) if args.faults is not None else "echo"
    provider = await ScriptedProvider(port=args.port, latency=args.latency, record=False,
                                      default=default).start()
    print(provider.port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
