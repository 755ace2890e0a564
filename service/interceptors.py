"""Cross-cutting RPC concerns as grpc.aio server interceptors.

- ``ObservabilityInterceptor``: request id (the caller's ``x-request-id`` or a
  new one, echoed back in the response's initial metadata), one structured
  log line per call, and the request metrics (count by code, duration,
  in-flight). It never logs request text.
- ``Drain``: the calls in flight, counted, and the draining flag: once
  set, every new unary call gets UNAVAILABLE from the observability
  interceptor (logged and counted), on connections already open too, and
  ``wait_idle`` tells the shutdown when the last call in flight has ended.
- ``AuthInterceptor``: bearer tokens compared in constant time, re-read from
  the tokens file when it changes, so tokens rotate without a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from service.logs import request_id_var
from service.metrics import Metrics

log = logging.getLogger("replyrewriter.access")

HEALTH_PREFIX = "/grpc.health.v1.Health/"
REFLECTION_PREFIX = "/grpc.reflection."
_REQUEST_ID_MAX = 128


def method_label(full_method: str) -> str:
    """'/replyrewriter.v1.ReplyRewriter/Check' -> 'Check'; other services keep their service name."""
    service, _, method = full_method.rpartition("/")
    if service.endswith("replyrewriter.v1.ReplyRewriter"):
        return method
    return f"{service.rsplit('.', 1)[-1]}.{method}"


class Undecodable:
    """What a request that isn't a valid protobuf message becomes (bad UTF-8
    in a string field, truncated bytes): the handler answers INVALID_ARGUMENT
    instead of grpc's UNKNOWN, after auth, counted and access-logged."""

    __slots__ = ()


_UNDECODABLE = Undecodable()


def _safe(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except DecodeError:
            return _UNDECODABLE
    return deserialize


def _wrap_unary(handler: grpc.RpcMethodHandler,
                wrapper: Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]) -> grpc.RpcMethodHandler:
    return grpc.unary_unary_rpc_method_handler(
        wrapper(handler.unary_unary),
        request_deserializer=_safe(handler.request_deserializer),
        response_serializer=handler.response_serializer)


class Drain:
    """Unary calls in flight and whether the server is draining (see the module doc).

    grpc.aio's ``server.stop(grace)`` rejects new calls too, but a call that
    reached the server on an open connection before it noticed the stop
    ends CANCELLED (grpc/grpc#41785); answering UNAVAILABLE ourselves while
    the calls in flight finish, and stopping the gRPC server only then,
    leaves that race only to the last instant."""

    def __init__(self) -> None:
        self.draining = False
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def active(self) -> int:
        return self._active

    def enter(self) -> None:
        self._active += 1
        self._idle.clear()

    def exit(self) -> None:
        self._active -= 1
        if self._active == 0:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no call is in flight, at most ``timeout`` seconds; True when none is."""
        try:
            await asyncio.wait_for(self._idle.wait(), max(0.0, timeout))
        except TimeoutError:
            return self._active == 0
        return True


class ObservabilityInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, metrics: Metrics, drain: Drain | None = None) -> None:
        self._metrics = metrics
        self._drain = drain or Drain()

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler  # streaming methods (health Watch, reflection) pass through
        method = method_label(handler_call_details.method)
        metadata = dict(handler_call_details.invocation_metadata or ())
        caller_id = str(metadata.get("x-request-id", ""))[:_REQUEST_ID_MAX]
        metrics = self._metrics
        drain = self._drain
        # Health answers NOT_SERVING while draining, which says more than UNAVAILABLE.
        refuse_when_draining = not handler_call_details.method.startswith(HEALTH_PREFIX)

        def wrapper(inner: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def observed(request: Any, context: grpc.aio.ServicerContext) -> Any:
                request_id = caller_id if caller_id.isprintable() and caller_id else uuid.uuid4().hex
                token = request_id_var.set(request_id)
                started = time.perf_counter()
                drain.enter()
                metrics.in_flight.labels(method).inc()
                code = grpc.StatusCode.OK
                try:
                    await context.send_initial_metadata((("x-request-id", request_id),))
                    if drain.draining and refuse_when_draining:
                        await context.abort(grpc.StatusCode.UNAVAILABLE,
                                            "the server is shutting down; retry on another instance")
                    if request is _UNDECODABLE and not getattr(inner, "denies", False):
                        await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                            "request: the bytes are not a valid message of this method")
                    response = await inner(request, context)
                    code = context.code() or grpc.StatusCode.OK
                    if code == grpc.StatusCode.OK and _expired(context):
                        # An answer after the caller's deadline reaches nobody: the
                        # caller saw DEADLINE_EXCEEDED, and so do the log and metrics.
                        code = grpc.StatusCode.DEADLINE_EXCEEDED
                    return response
                except BaseException as exc:
                    code = context.code() or grpc.StatusCode.UNKNOWN
                    if code in (grpc.StatusCode.OK, grpc.StatusCode.UNKNOWN):
                        # grpc.aio cancels the handler's task before context.cancelled() turns true.
                        cancelled = isinstance(exc, asyncio.CancelledError) or context.cancelled()
                        code = grpc.StatusCode.CANCELLED if cancelled else grpc.StatusCode.UNKNOWN
                        if cancelled and _expired(context):
                            code = grpc.StatusCode.DEADLINE_EXCEEDED  # grpc cancels a call at its deadline
                    raise
                finally:
                    elapsed = time.perf_counter() - started
                    metrics.in_flight.labels(method).dec()
                    metrics.requests.labels(method, code.name).inc()
                    metrics.request_duration.labels(method).observe(elapsed)
                    log.info("rpc", extra={"method": method, "code": code.name,
                                           "duration_ms": round(elapsed * 1000, 3)})
                    request_id_var.reset(token)
                    drain.exit()
            return observed

        return _wrap_unary(handler, wrapper)


def _expired(context: grpc.aio.ServicerContext) -> bool:
    remaining = context.time_remaining()
    return remaining is not None and remaining <= 0


class TokenStore:
    """Accepted bearer tokens from a file (one per line, # comments) and/or a
    fixed list.

    The file is re-read at most every ``reload_interval`` seconds and
    compared by content (a SHA-256 of its bytes), not by size and mtime: a
    rewrite in place that keeps both is still seen, and so is a Kubernetes
    Secret's symlink swap. It fails closed: while the file is missing or
    unreadable every call is refused (the fixed list aside), with one ERROR
    when that starts and one INFO when it ends, not one per call."""

    def __init__(self, path: Path | None, fixed: list[str], reload_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._path = path
        self._fixed_digests = [_digest(t) for t in fixed if t]
        self._file_tokens: list[bytes] = []
        self._content_hash: bytes | None = None
        self._readable = True
        self._interval = reload_interval
        self._clock = clock
        self._checked_at = float("-inf")
        if path is not None:
            path.read_bytes()   # a missing or unreadable file fails start-up (raises OSError)
        self._reload()

    @property
    def enabled(self) -> bool:
        return bool(self._path or self._fixed_digests)

    def _reload(self) -> None:
        if self._path is None:
            return
        now = self._clock()
        if now - self._checked_at < self._interval:
            return
        self._checked_at = now
        try:
            raw = self._path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            if self._readable:
                log.error("auth tokens file unreadable: every call is refused until it is readable again",
                          extra={"error": type(exc).__name__})
            self._readable = False
            self._file_tokens = []
            self._content_hash = None
            return
        if not self._readable:
            log.info("auth tokens file readable again")
        self._readable = True
        content_hash = hashlib.sha256(raw).digest()
        if content_hash == self._content_hash:
            return
        lines = (ln.strip() for ln in text.splitlines())
        self._file_tokens = [_digest(ln) for ln in lines if ln and not ln.startswith("#")]
        self._content_hash = content_hash

    def accepts(self, presented: str) -> bool:
        self._reload()
        # Compare fixed-length digests (so not even the length leaks) against
        # every token, without short-circuiting, in constant time each.
        candidate = _digest(presented)
        ok = False
        for token in [*self._file_tokens, *self._fixed_digests]:
            ok |= hmac.compare_digest(candidate, token)
        return ok


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class AuthInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, tokens: TokenStore, metrics: Metrics, protect_reflection: bool) -> None:
        self._tokens = tokens
        self._metrics = metrics
        self._protect_reflection = protect_reflection

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        method = handler_call_details.method
        if method.startswith(HEALTH_PREFIX) or (
                method.startswith(REFLECTION_PREFIX) and not self._protect_reflection):
            return await continuation(handler_call_details)
        metadata = dict(handler_call_details.invocation_metadata or ())
        header = str(metadata.get("authorization", ""))
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token and self._tokens.accepts(token.strip()):
            return await continuation(handler_call_details)
        self._metrics.auth_failures.inc()
        handler = await continuation(handler_call_details)
        return _deny(handler)


def _deny(handler: grpc.RpcMethodHandler | None) -> grpc.RpcMethodHandler:
    async def unauthenticated(request: Any, context: grpc.aio.ServicerContext) -> Any:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or invalid bearer token")

    unauthenticated.denies = True  # type: ignore[attr-defined]  # answered before the request is read

    async def unauthenticated_stream(request_iterator: Any, context: grpc.aio.ServicerContext) -> Any:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or invalid bearer token")
        yield  # pragma: no cover - makes this an async generator

    deserializer = handler.request_deserializer if handler else None
    serializer = handler.response_serializer if handler else None
    if handler is not None and handler.stream_stream is not None:
        return grpc.stream_stream_rpc_method_handler(unauthenticated_stream, deserializer, serializer)
    return grpc.unary_unary_rpc_method_handler(unauthenticated, deserializer, serializer)
