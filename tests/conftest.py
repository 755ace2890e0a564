"""Shared fixtures: a scripted provider on 127.0.0.1 and real in-process servers.

Every server here is a real ``grpc.aio`` server on a loopback port, called
through the generated stubs; the model path goes through litellm's real HTTP
client to the scripted provider. Nothing talks to any other host.
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from service.config import Settings
from service.metrics import Metrics
from service.pb import pb2, pb2_grpc
from tests.fakes.provider import ScriptedProvider

TEST_MODEL = "openai/gpt-4o-mini"


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
