"""The HTTP/JSON gateway: the bridge for browsers, which can't speak plain gRPC.

It is a thin gRPC client of this same process's own gRPC port, so auth,
limits, validation, metrics and error codes are exactly the gRPC ones: the
gateway only translates. JSON follows protobuf's JSON mapping
(``google.protobuf.json_format``: lowerCamelCase names, enum names, unknown
fields refused). gRPC status codes become HTTP statuses as grpc-gateway maps
them, with a ``{"code", "status", "message"}`` body.

    POST /v1/rewrite   RewriteRequest  -> RewriteResponse
    POST /v1/check     CheckRequest    -> CheckResponse
    POST /v1/verify    VerifyRequest   -> VerifyResponse
    POST /v1/feedback  FeedbackRequest -> FeedbackResponse
    GET  /v1/rules                     -> ListRulesResponse
    GET  /                             the demo console (web/index.html)
    GET  /web/<file>                   the widget and the console's assets

Forwarded to gRPC: ``Authorization`` and ``X-Request-Id`` as metadata, and
the caller's deadline from a ``grpc-timeout`` header ("5S", "800m"; the gRPC
wire format) or ``settings.default_deadline``. The request id the server
used comes back as ``X-Request-Id``. Pages get a strict Content-Security-Policy
(no inline script or style, nothing from other origins).
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
from http import HTTPStatus

from aiohttp import web, web_protocol, web_server
from google.protobuf import json_format
from google.protobuf.message import Message

from service.config import REPO_ROOT, Settings
from service.pb import pb2, pb2_grpc

log = logging.getLogger(__name__)

# grpc-gateway's runtime.HTTPStatusFromCode.
HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
}

# Pages may load scripts, styles and data from this origin only, and call only
# this origin; nothing inline, no frames, no forms posting elsewhere.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                     "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin",
                     "Cross-Origin-Resource-Policy": "same-origin"}
_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json",
                  ".svg": "image/svg+xml", ".png": "image/png"}
_ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")
_TIMEOUT_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_TIMEOUT = re.compile(r"^([0-9]{1,8})([HMSmun])$")
MAX_TIMEOUT = 600.0
_REQUEST_ID_MAX = 128


class HttpError(Exception):
    """An error the gateway itself finds, before or instead of a gRPC call."""

    def __init__(self, http_status: int, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code


def error_response(http_status: int, code: grpc.StatusCode, message: str,
                   headers: dict[str, str] | None = None) -> web.Response:
    body = {"code": code.value[0], "status": code.name, "message": message}
    return web.json_response(body, status=http_status, headers=headers)


def parse_timeout(value: str) -> float:
    """A ``grpc-timeout`` header ("5S", "250m") in seconds, capped at MAX_TIMEOUT."""
    match = _TIMEOUT.match(value.strip())
    if not match:
        raise HttpError(400, grpc.StatusCode.INVALID_ARGUMENT,
                        f"grpc-timeout: {value[:32]!r} is not a gRPC timeout such as '5S' or '800m'")
    seconds = int(match.group(1)) * _TIMEOUT_UNITS[match.group(2)]
    if seconds <= 0:
        raise HttpError(400, grpc.StatusCode.INVALID_ARGUMENT, "grpc-timeout: must be positive")
    return min(seconds, MAX_TIMEOUT)


def _header_value(value: str, limit: int) -> str | None:
    """Metadata values must be printable ASCII; anything else is dropped, not mangled."""
    value = value.strip()
    if not value or len(value) > limit or not value.isascii() or not value.isprintable():
        return None
    return value


def grpc_target(settings: Settings, grpc_port: int) -> str:
    """Where this process's gRPC port answers: loopback unless bound to one address."""
    host = settings.host
    if host in ("", "0.0.0.0", "::", "[::]", "localhost"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{grpc_port}"


def default_web_dir(settings: Settings) -> Path:
    """``web/`` beside the prompts directory (the container's /app), else the checkout's."""
    beside_prompts = settings.prompts_dir.parent / "web"
    return beside_prompts if beside_prompts.is_dir() else REPO_ROOT / "web"


@dataclass(frozen=True)
class _Route:
    rpc: str
    request_type: type[Message]


_POST_ROUTES = {
    "/v1/rewrite": _Route("Rewrite", pb2.RewriteRequest),
    "/v1/check": _Route("Check", pb2.CheckRequest),
    "/v1/verify": _Route("Verify", pb2.VerifyRequest),
    "/v1/feedback": _Route("Feedback", pb2.FeedbackRequest),
}


class _QuietHandler(web_protocol.RequestHandler):
    """aiohttp's connection handler, minus two leaks of customer text.

    On a framing error (more bytes than Content-Length after "Connection:
    close", a broken chunk) aiohttp answers 400 with the parser's message,
    which quotes the request bytes, and logs it with a traceback at ERROR.
    Here the answer is a bare "400 Bad Request" and the connection closes; a
    client that goes away mid-body is a DEBUG line without its bytes."""

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        log.debug("http connection error", extra={"status": status, "error": type(exc).__name__ if exc else ""})
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        resp = web.Response(status=status, text=phrase, headers={"Connection": "close"})
        resp.force_close()
        return resp

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info")
        log.debug("http connection error", extra={"error": type(exc).__name__ if isinstance(exc, BaseException) else ""})


class _QuietServer(web_server.Server):
    def __call__(self) -> web_protocol.RequestHandler:
        return _QuietHandler(self, loop=self._loop, **self._kwargs)


class _QuietRunner(web.AppRunner):
    """An AppRunner whose connections are handled by _QuietHandler."""

    async def _make_server(self) -> web_server.Server:
        server = await super()._make_server()
        quiet = _QuietServer(server.request_handler, request_factory=server.request_factory,
                             loop=server._loop, **server._kwargs)
        return quiet


class Gateway:
    """The running gateway: ``port`` and ``await stop()``."""

    def __init__(self, settings: Settings, grpc_port: int, web_dir: Path | None = None) -> None:
        self._settings = settings
        self._web_dir = (web_dir or default_web_dir(settings)).resolve()
        self._channel = grpc.aio.insecure_channel(
            grpc_target(settings, grpc_port),
            options=[("grpc.max_send_message_length", settings.max_request_bytes),
                     ("grpc.max_receive_message_length", settings.max_request_bytes * 4)])
        self._stub = pb2_grpc.ReplyRewriterStub(self._channel)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- app -----------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=self._settings.max_request_bytes,
                              middlewares=[self._errors_and_headers])
        for path, route in _POST_ROUTES.items():
            app.router.add_post(path, self._unary_handler(route))
        app.router.add_get("/v1/rules", self._unary_handler(_Route("ListRules", pb2.ListRulesRequest)))
        app.router.add_get("/", self._index)
        app.router.add_get("/web/{name}", self._asset)
        return app

    async def start(self, port: int) -> "Gateway":
        self._runner = _QuietRunner(self.app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.host, port, reuse_port=False)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._channel.close()

    # -- middleware ----------------------------------------------------------
    @web.middleware
    async def _errors_and_headers(self, request: web.Request,
                                  handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                                  ) -> web.StreamResponse:
        try:
            response = await handler(request)
        except HttpError as exc:
            response = error_response(exc.http_status, exc.code, str(exc))
        except web.HTTPRequestEntityTooLarge:
            response = error_response(413, grpc.StatusCode.RESOURCE_EXHAUSTED,
                                      f"request body is over the limit of {self._settings.max_request_bytes} bytes")
        except web.HTTPNotFound:
            response = error_response(404, grpc.StatusCode.NOT_FOUND, f"no such path: {request.path[:200]}")
        except web.HTTPMethodNotAllowed as exc:
            response = error_response(405, grpc.StatusCode.UNIMPLEMENTED,
                                      f"{request.method} is not allowed here; use {', '.join(sorted(exc.allowed_methods))}",
                                      headers={"Allow": ", ".join(sorted(exc.allowed_methods))})
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        is_page = response.content_type == "text/html"
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP if is_page else API_CSP)
        if request.path.startswith("/v1/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # -- API -----------------------------------------------------------------
    def _unary_handler(self, route: _Route) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            message = route.request_type()
            if request.method == "POST":
                await self._parse_body(request, message)
            metadata, timeout = self._call_options(request)
            call = getattr(self._stub, route.rpc)(message, metadata=metadata, timeout=timeout)
            try:
                response = await call
            except grpc.aio.AioRpcError as err:
                return self._grpc_error(err)
            headers = _echoed_headers(await call.initial_metadata())
            body = json_format.MessageToDict(response, always_print_fields_with_no_presence=True)
            return web.json_response(body, headers=headers, dumps=_dumps)
        return handle

    async def _parse_body(self, request: web.Request, message: Message) -> None:
        if request.content_type != "application/json":
            # Also what keeps cross-site HTML forms from posting here: a JSON
            # body from another origin needs a CORS preflight, never granted.
            raise HttpError(415, grpc.StatusCode.INVALID_ARGUMENT,
                            f"Content-Type must be application/json, not {request.content_type[:64]!r}")
        if request.content_length is not None and request.content_length > self._settings.max_request_bytes:
            raise web.HTTPRequestEntityTooLarge(max_size=self._settings.max_request_bytes,
                                                actual_size=request.content_length)
        raw = await request.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HttpError(400, grpc.StatusCode.INVALID_ARGUMENT, "request body is not UTF-8") from exc
        if not text.strip():
            return  # an empty body is the empty message, as in grpc-gateway
        try:
            json_format.Parse(text, message, ignore_unknown_fields=False)
        except json_format.ParseError as exc:
            # e.g. 'Message type "replyrewriter.v1.RewriteRequest" has no field named "drafts" at ...'
            detail = str(exc).split("\n", 1)[0]
            raise HttpError(400, grpc.StatusCode.INVALID_ARGUMENT, f"invalid JSON body: {detail}") from exc

    def _call_options(self, request: web.Request) -> tuple[tuple[tuple[str, str], ...], float]:
        metadata = []
        auth = _header_value(request.headers.get("Authorization", ""), 4096)
        if auth:
            metadata.append(("authorization", auth))
        request_id = _header_value(request.headers.get("X-Request-Id", ""), _REQUEST_ID_MAX)
        if request_id:
            metadata.append(("x-request-id", request_id))
        header = request.headers.get("grpc-timeout")
        timeout = parse_timeout(header) if header is not None else self._settings.default_deadline
        return tuple(metadata), timeout

    def _grpc_error(self, err: grpc.aio.AioRpcError) -> web.Response:
        code = err.code()
        headers = _echoed_headers(err.initial_metadata())
        if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
            trailing = dict(err.trailing_metadata() or ())
            try:
                retry_after = float(trailing.get("retry-after", "1"))
            except ValueError:
                retry_after = 1.0
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        message = err.details() or code.name.lower().replace("_", " ")
        if code == grpc.StatusCode.UNAVAILABLE and "connect" in message.lower():
            message = "the rewrite service is not reachable"  # don't leak socket details to browsers
        return error_response(HTTP_STATUS.get(code, 500), code, message, headers)

    # -- static --------------------------------------------------------------
    async def _index(self, request: web.Request) -> web.StreamResponse:
        return self._file("index.html", "text/html")

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        suffix = Path(name).suffix
        if not _ASSET_NAME.match(name) or ".." in name or suffix not in _CONTENT_TYPES:
            raise web.HTTPNotFound()
        return self._file(name, _CONTENT_TYPES[suffix])

    def _file(self, name: str, content_type: str) -> web.Response:
        path = (self._web_dir / name).resolve()
        if path.parent != self._web_dir or not path.is_file():
            raise web.HTTPNotFound()
        charset = None if content_type == "image/png" else "utf-8"
        return web.Response(body=path.read_bytes(), content_type=content_type, charset=charset,
                            headers={"Cache-Control": "no-cache"})


def _echoed_headers(metadata: object) -> dict[str, str]:
    for key, value in metadata or ():  # type: ignore[attr-defined]
        if key == "x-request-id" and isinstance(value, str):
            return {"X-Request-Id": value}
    return {}


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def start_gateway(settings: Settings, deps: object, grpc_port: int, *,
                        port: int | None = None, web_dir: Path | None = None) -> Gateway:
    """Serve the gateway on ``settings.host``:``port`` (default ``settings.http_port``;
    tests pass 0 for a free one) in front of the gRPC server on ``grpc_port``.

    ``deps`` is accepted for the wiring's sake but unused on purpose: every
    request goes through the gRPC port, so nothing bypasses its interceptors.
    """
    if settings.tls_cert or settings.tls_key:
        raise ValueError("the HTTP gateway can't reach a TLS-only gRPC port yet; "
                         "run it without --tls-cert/--tls-key and terminate TLS in front of both ports")
    gateway = Gateway(settings, grpc_port, web_dir)
    await gateway.start(settings.http_port if port is None else port)
    log.info("http gateway listening", extra={"http_port": gateway.port, "web_dir": str(gateway._web_dir)})
    return gateway
