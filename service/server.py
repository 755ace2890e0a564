"""Wiring only: build the parts, create the gRPC server, serve until a signal.

``create_server(settings, deps)`` returns ``(server, port)`` unstarted, so
tests bind port 0 and talk to a real in-process ``grpc.aio`` server. ``serve``
adds what a process needs: the metrics endpoint, health SERVING once
everything (litellm, the rulebook, the embedded model) is loaded, and a
graceful drain on SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from service import __version__
from service.api import ReplyRewriterServicer
from service.config import Settings
from service.cpu import CpuLane
from service.domain import RewriteResult
from service.fallback import FallbackRewriter
from service.guard import Guard
from service.interceptors import AuthInterceptor, Drain, ObservabilityInterceptor, TokenStore
from service.language import LanguageDetector
from service.llm import ModelClient
from service.local_model import register_local_model
from service.metrics import Metrics
from service.pb import pb2
from service.prompt import PromptBuilder
from service.resilience import AdmissionControl, RewriteCache
from service.rewrite import RewritePipeline
from service.rulebook import Rulebook, load_rulebook

log = logging.getLogger(__name__)
# How long the CPU lane's thread may hold the GIL while the event loop waits
# for it. Python's default, 5 ms, gave keystroke Checks beside maximum-size
# Rewrites a p99 of 50 ms (bench stall); 1 ms gave 29 ms.
SWITCH_INTERVAL = 0.001
SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["ReplyRewriter"].full_name


@dataclass
class Deps:
    """Everything the servicer needs, built once at start-up."""

    metrics: Metrics
    rulebook: Rulebook
    guard: Guard
    fallback: FallbackRewriter
    detector: LanguageDetector
    model_client: ModelClient
    pipeline: RewritePipeline
    tokens: TokenStore
    cpu: CpuLane
    drain: Drain = field(default_factory=Drain)
    shutting_down: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def build_deps(settings: Settings, metrics: Metrics | None = None,
               completion_fn: Callable[..., Awaitable[Any]] | None = None) -> Deps:
    """Load and validate everything now, so a bad rulebook or a missing model
    fails start-up (and readiness), never a request."""
    metrics = metrics or Metrics()
    metrics.build_info.info({"version": __version__, "default_model": settings.primary_model})
    prompts_dir = settings.prompts_dir
    rulebook = load_rulebook(prompts_dir, settings.glossary_files)
    if settings.uses_embedded_model and completion_fn is None:
        register_local_model(settings.local_model_path, settings.local_threads, settings.local_context,
                             rule_ids=list(rulebook.rules))
    guard = Guard(prompts_dir / "guard")
    # The rulebook tells "delete this" from "no safe replacement", which an
    # empty suggestion alone can't.
    fallback = FallbackRewriter(prompts_dir / "fallback", guard=guard, replacement=rulebook.replacement)
    detector: LanguageDetector = rulebook.detector  # one lingua detector per process
    model_client = ModelClient(settings, metrics, completion_fn=completion_fn)
    cache: RewriteCache[RewriteResult] = RewriteCache(settings.cache_size, settings.cache_ttl)
    admission = AdmissionControl(settings.max_concurrent_model_calls, settings.max_queued_rewrites)
    tokens = TokenStore(settings.auth_tokens_file, [t.get_secret_value() for t in settings.auth_tokens],
                        reload_interval=settings.auth_tokens_reload_seconds)
    # The rules, the guard, the fallback and redaction run on one thread, off
    # the event loop (service/cpu.py).
    cpu = CpuLane(settings.max_queued_cpu_jobs)
    pipeline = RewritePipeline(settings, rulebook, guard, fallback, model_client,
                               PromptBuilder(prompts_dir / "templates"), metrics, admission, cache, cpu=cpu.run)
    freeze_loaded_objects()
    return Deps(metrics, rulebook, guard, fallback, detector, model_client, pipeline, tokens, cpu)


def freeze_loaded_objects() -> None:
    """Move every object alive now out of the garbage collector's reach.

    The rulebook, lexicons, word lists and models are about 427,000 tracked
    objects that live as long as the process. A full (generation 2)
    collection walks all of them (0.25-0.3 s on a 2-core machine) while
    neither the event loop nor the CPU lane runs: a fallback due just before
    its deadline answered late. Frozen, a collection walks only what came
    after (what litellm loads on its first call and what requests leave:
    about 29,000 objects, 8 ms; ``python -m bench gc``). Garbage from
    loading is collected first, so nothing dead is kept. It is done here,
    where everything is loaded, so every server built (the tests' too) runs
    as ``serve`` does; the freeze is process-wide, which a server process is."""
    gc.collect()
    gc.freeze()


def _server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    if not (settings.tls_cert and settings.tls_key):
        if settings.tls_cert or settings.tls_key or settings.tls_client_ca:
            raise ValueError("TLS needs both --tls-cert and --tls-key")
        return None
    key, cert = settings.tls_key.read_bytes(), settings.tls_cert.read_bytes()
    ca = settings.tls_client_ca.read_bytes() if settings.tls_client_ca else None
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=ca is not None)


def create_server(settings: Settings, deps: Deps) -> tuple[grpc.aio.Server, int]:
    """A configured, unstarted gRPC server and the port it is bound to."""
    # Certificates first: a half or unreadable TLS setup fails start-up before
    # anything is built, and never falls back to plaintext.
    credentials = _server_credentials(settings)
    interceptors: list[grpc.aio.ServerInterceptor] = [ObservabilityInterceptor(deps.metrics, deps.drain)]
    if deps.tokens.enabled:
        interceptors.append(AuthInterceptor(deps.tokens, deps.metrics, settings.reflection_requires_auth))
    server = grpc.aio.server(
        interceptors=interceptors,
        options=[
            # A 10 MB request is refused by the transport before it is parsed.
            ("grpc.max_receive_message_length", settings.max_request_bytes),
            ("grpc.max_send_message_length", settings.max_request_bytes * 4),
            ("grpc.so_reuseport", 0),
        ],
    )
    servicer = ReplyRewriterServicer(settings, deps.rulebook, deps.guard, deps.pipeline, deps.detector,
                                     deps.metrics, is_shutting_down=lambda: deps.shutting_down, cpu=deps.cpu.run)
    from service.pb import pb2_grpc

    pb2_grpc.add_ReplyRewriterServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    deps.extra["health"] = health_servicer
    reflection.enable_server_reflection(
        [SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server)
    address = f"{settings.host}:{settings.port}"
    if ":" in settings.host and not settings.host.startswith("["):
        address = f"[{settings.host}]:{settings.port}"
    port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot bind the gRPC port {address}")
    return server, port


async def set_serving(deps: Deps, serving: bool) -> None:
    status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
    health_servicer = deps.extra["health"]
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, status)


def start_metrics_endpoint(settings: Settings, metrics: Metrics) -> int | None:
    """Serve /metrics in a thread; returns the bound port (None when off)."""
    if settings.metrics_port < 0:
        return None
    http_server, _thread = start_http_server(settings.metrics_port, addr=settings.host, registry=metrics.registry)
    return http_server.server_port


async def serve(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT, then drain; returns the process exit code."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    deps = build_deps(settings)
    server, port = create_server(settings, deps)
    await server.start()
    metrics_port = start_metrics_endpoint(settings, deps.metrics)
    http_gateway = None
    if settings.http_port:
        from service.gateway import start_gateway

        http_gateway = await start_gateway(settings, deps, grpc_port=port)
    await set_serving(deps, True)
    log.info("serving", extra={"grpc_port": port, "metrics_port": metrics_port, "model": settings.primary_model,
                               "http_port": http_gateway.port if http_gateway else 0})

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

    await drain(settings, deps, server, http_gateway)
    return 0


async def drain(settings: Settings, deps: Deps, server: grpc.aio.Server, http_gateway: Any = None) -> None:
    """The graceful stop, within ``shutdown_grace`` seconds of its start.

    1. Every new call, on connections already open too, gets UNAVAILABLE
       (``Drain``); health says NOT_SERVING.
    2. Rewrites in flight stop waiting for the model in time for the
       fallback to answer before the grace ends (``RewritePipeline.drain``).
    3. Once no call is in flight (or the grace is over), the gRPC server
       stops: it sends GOAWAY, and cancels what is left, each logged.
    4. "stopped" is logged after the last call's access line.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    grace = settings.shutdown_grace
    log.info("draining", extra={"grace_seconds": grace, "calls_in_flight": deps.drain.active})
    deps.shutting_down = True
    deps.drain.draining = True
    deps.pipeline.drain(time.monotonic() + grace)
    await set_serving(deps, False)
    gateway_stopped = asyncio.ensure_future(http_gateway.stop()) if http_gateway is not None else None
    idle = await deps.drain.wait_idle(grace)
    # Anything still in flight is cancelled now; the cancelled calls log
    # their lines as they unwind, which the last wait lets them do.
    await server.stop(max(0.0, grace - (loop.time() - started)) if idle else 0)
    left = deps.drain.active
    await deps.drain.wait_idle(0.5)
    if gateway_stopped is not None:
        try:
            await asyncio.wait_for(gateway_stopped, max(0.1, grace - (loop.time() - started)))
        except TimeoutError:
            log.warning("the HTTP gateway did not stop within the grace period")
    deps.cpu.close(timeout=0.5)
    log.info("stopped", extra={"seconds": round(loop.time() - started, 3), "cancelled_at_grace_end": left})
