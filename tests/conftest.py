"""Shared fixtures: a scripted provider on 127.0.0.1 and real in-process servers.

Every server here is a real ``grpc.aio`` server on a loopback port, called
through the generated stubs; the model path goes through litellm's real HTTP
client to the scripted provider. Nothing talks to any other host.
"""

from __future__ import annotations

import asyncio

import os
import shutil

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest

from service.config import Settings
from service.metrics import Metrics
from service.pb import pb2, pb2_grpc
from tests.fakes.provider import ScriptedProvider

TEST_MODEL = "openai/gpt-4o-mini"


def _fingerprint(value: Any) -> Any:
    """A hashable stand-in for one argument of a loader: a path becomes the
    path plus the name, size and modification time of every file under it, so
    a test that writes or edits its own prompts gets a fresh load."""
    if isinstance(value, Path):
        files = sorted(value.rglob("*")) if value.is_dir() else [value]
        return (str(value), tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns)
                                  for f in files if f.is_file()))
    if isinstance(value, (list, tuple)):
        return tuple(_fingerprint(v) for v in value)
    return value


def _loaded_once(load: Callable[..., Any]) -> Callable[..., Any]:
    """``load`` memoised on its arguments' fingerprints."""
    done: dict[Any, Any] = {}

    def memoised(*args: Any, **kwargs: Any) -> Any:
        key = (_fingerprint(args), tuple(sorted((k, _fingerprint(v)) for k, v in kwargs.items())))
        if key not in done:
            done[key] = load(*args, **kwargs)
        return done[key]
    return memoised


@pytest.fixture(scope="session", autouse=True)
def _rule_data_loaded_once_per_session() -> Any:
    """Each in-process server builds its rulebook, guard and fallback from
    prompts/ (about 4 s of regex compiling and word lists); they hold no
    per-request state, so the servers of one test session share them, as the
    gRPC server and the HTTP gateway of one process do. Errors are not
    memoised: a loader that raises raises again on the next call."""
    import service.server as server_module

    patch = pytest.MonkeyPatch()
    for name in ("load_rulebook", "Guard", "FallbackRewriter"):
        patch.setattr(server_module, name, _loaded_once(getattr(server_module, name)))
    yield
    patch.undo()


@dataclass
class RunningServer:
    stub: pb2_grpc.ReplyRewriterStub
    channel: grpc.aio.Channel
    deps: Any  # service.server.Deps
    settings: Settings
    port: int
    server: grpc.aio.Server

    @property
    def metrics(self) -> Metrics:
        return self.deps.metrics

    def metric(self, name: str, labels: dict[str, str] | None = None) -> float:
        return self.deps.metrics.registry.get_sample_value(name, labels or {}) or 0.0

    async def metric_reaching(self, name: str, labels: dict[str, str] | None = None, at_least: float = 1.0,
                              timeout: float = 5.0) -> float:
        """The sample once it reaches ``at_least`` (or its value after ``timeout``).

        A call the handler ends with context.abort() has its status sent
        before the interceptor's ``finally`` counts it: the caller may read
        the metric a moment too early."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (value := self.metric(name, labels)) < at_least and loop.time() < deadline:
            await asyncio.sleep(0.01)
        return value


def settings_for(provider: ScriptedProvider | None, **overrides: Any) -> Settings:
    base: dict[str, Any] = dict(host="127.0.0.1", port=0, metrics_port=-1, default_deadline=10.0,
                                retry_initial_wait=0.01, retry_max_wait=0.1)
    if provider is not None:
        base.update(model=TEST_MODEL, api_base=provider.base_url, api_key="sk-test")
    base.update(overrides)
    return Settings(**base)


@asynccontextmanager
async def running_server(settings: Settings, metrics: Metrics | None = None) -> AsyncIterator[RunningServer]:
    from service.server import build_deps, create_server, set_serving  # lazy: the full service

    deps = build_deps(settings, metrics or Metrics())
    server, port = create_server(settings, deps)
    await server.start()
    await set_serving(deps, True)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield RunningServer(pb2_grpc.ReplyRewriterStub(channel), channel, deps, settings, port, server)
    finally:
        await channel.close()
        await server.stop(0)
        deps.cpu.close()


@pytest.fixture
async def provider() -> AsyncIterator[ScriptedProvider]:
    fake = await ScriptedProvider().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def server(provider: ScriptedProvider) -> AsyncIterator[RunningServer]:
    async with running_server(settings_for(provider)) as running:
        yield running


@pytest.fixture
def server_factory(provider: ScriptedProvider) -> Callable[..., Any]:
    """``async with server_factory(cache_size=10) as s:`` for tests that need other settings."""
    def make(**overrides: Any):
        return running_server(settings_for(provider, **overrides))
    return make


def customer(text: str) -> pb2.Message:
    return pb2.Message(role=pb2.ROLE_CUSTOMER, text=text)


def agent(text: str) -> pb2.Message:
    return pb2.Message(role=pb2.ROLE_AGENT, text=text)


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    """A copy of the rulebook's data (rules, glossary and the spelling lexicons
    the rules name) for a test to edit."""
    from service.rulebook.loader import DEFAULT_PROMPTS

    dest = tmp_path / "prompts"
    for folder in ("rules", "glossary", "spelling"):
        shutil.copytree(DEFAULT_PROMPTS / folder, dest / folder)
    return dest
