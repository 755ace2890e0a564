"""The HTTP/JSON gateway against a real in-process gRPC server and the scripted provider.

Every request goes over real HTTP to the gateway, which calls the real gRPC
port: these tests check the translation (JSON mapping, status codes, headers),
and that auth, validation and metrics are the gRPC ones.
"""

from __future__ import annotations

import asyncio
import logging
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import grpc
import pytest

from service.gateway import HTTP_STATUS, Gateway, HttpError, parse_timeout, start_gateway
from service.pb import pb2, pb2_grpc
from tests.conftest import RunningServer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer

DRAFT = "lol the annual plan is $49.99 btw"
REWRITE = "The annual plan is $49.99."


@dataclass
class Http:
    server: RunningServer
    gateway: Gateway
    session: aiohttp.ClientSession

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.gateway.port}"

    async def post(self, path: str, body: Any = None, *, data: str | bytes | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if data is not None:
            kwargs["data"] = data
        else:
            kwargs["json"] = body
        async with self.session.post(self.base + path, **kwargs) as response:
            return response.status, await response.json(content_type=None), response.headers

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
        async with self.session.get(self.base + path, headers=headers or {}) as response:
            return response.status, await response.read(), response.headers


@asynccontextmanager
async def gateway_for(provider: ScriptedProvider | None, **overrides: Any) -> AsyncIterator[Http]:
    async with running_server(settings_for(provider, **overrides)) as server:
        gateway = await start_gateway(server.settings, server.deps, grpc_port=server.port, port=0)
        try:
            async with aiohttp.ClientSession() as session:
                yield Http(server, gateway, session)
        finally:
            await gateway.stop()


@pytest.fixture
async def http(provider: ScriptedProvider) -> AsyncIterator[Http]:
    async with gateway_for(provider) as h:
        yield h


async def test_rewrite_maps_json_both_ways_and_counts_the_rpc(http: Http, provider: ScriptedProvider) -> None:
    provider.queue(answer(REWRITE, ["no-slang"]))
    before = http.server.metric("replyrewriter_requests_total", {"method": "Rewrite", "code": "OK"})
    status, body, headers = await http.post("/v1/rewrite", {
        "draft": DRAFT,
        "conversation": [{"role": "ROLE_CUSTOMER", "text": "How much is the annual plan?"}],
        "customerName": "Maria", "language": "en", "tone": "TONE_FRIENDLY",
    }, headers={"X-Request-Id": "req-gw-1"})
    assert status == 200, body
    assert "$49.99" in body["rewrite"]
    assert body["language"] == "en"
    assert {c["ruleId"] for c in body["citations"]} >= {"no-slang"}
    slang = next(c for c in body["citations"] if c["ruleId"] == "no-slang")
    assert slang["source"] and slang["title"] and slang["message"]
    assert "$49.99" in " ".join(body["keptFacts"])
    assert set(body["backend"]) >= {"model", "fallbackUsed", "reason", "modelsTried", "attempts"}
    assert headers["X-Request-Id"] == "req-gw-1"
    assert headers["Cache-Control"] == "no-store"
    assert http.server.metric("replyrewriter_requests_total", {"method": "Rewrite", "code": "OK"}) == before + 1


async def test_proto_field_names_are_accepted_too(http: Http) -> None:
    status, body, _ = await http.post("/v1/check", {"text": "thx pls wait", "customer_name": "Ann", "language": "en"})
    assert status == 200, body
    assert "no-slang" in {v["ruleId"] for v in body["violations"]}
    first = body["violations"][0]
    assert set(first) >= {"ruleId", "severity", "message", "span", "excerpt", "suggestion"}


async def test_unknown_field_is_400_naming_it(http: Http) -> None:
    status, body, _ = await http.post("/v1/rewrite", {"drafts": DRAFT})
    assert status == 400
    assert body["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0] == 3
    assert body["status"] == "INVALID_ARGUMENT"
    assert "drafts" in body["message"]


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '{"tone": "TONE_LOUD"}', '{"draft": 5}'])
async def test_malformed_json_is_400(http: Http, data: str) -> None:
    status, body, _ = await http.post("/v1/rewrite", data=data, headers={"Content-Type": "application/json"})
    assert status == 400
    assert body["status"] == "INVALID_ARGUMENT"


async def test_validation_errors_are_the_grpc_ones(http: Http) -> None:
    status, body, _ = await http.post("/v1/rewrite", {"draft": "   "})
    assert status == 400
    assert body["message"].startswith("draft:")
    # counted by the gRPC interceptor (the gateway adds no metrics path of its own), just after the status is sent
    counted = await http.server.metric_reaching("replyrewriter_requests_total",
                                                {"method": "Rewrite", "code": "INVALID_ARGUMENT"})
    assert counted >= 1


async def test_json_content_type_is_required(http: Http) -> None:
    status, body, _ = await http.post("/v1/check", data='{"text": "hi"}', headers={"Content-Type": "text/plain"})
    assert status == 415
    assert "application/json" in body["message"]


async def test_body_over_the_limit_is_413() -> None:
    async with gateway_for(None, max_request_bytes=2048) as h:
        status, body, _ = await h.post("/v1/check", {"text": "x" * 4096})
        assert status == 413
        assert body["status"] == "RESOURCE_EXHAUSTED"
        assert "2048" in body["message"]


async def test_empty_body_is_the_empty_message(http: Http) -> None:
    status, body, _ = await http.post("/v1/check", data=b"", headers={"Content-Type": "application/json"})
    assert status == 200
    assert body["violations"] == []


async def test_verify(http: Http) -> None:
    status, body, _ = await http.post("/v1/verify", {
        "draft": "We can't refund order 12345.", "candidate": "We will refund order 12345 today.", "language": "en"})
    assert status == 200, body
    assert body["honest"] is False
    assert {f["kind"] for f in body["findings"]} & {"NEW_COMMITMENT", "FLIPPED_REFUSAL"}


async def test_rules(http: Http) -> None:
    status, raw, headers = await http.get("/v1/rules")
    assert status == 200
    rules = json.loads(raw)["rules"]
    ids = {r["id"] for r in rules}
    assert {"no-slang", "no-jargon", "positive-framing"} <= ids
    assert all(r["sources"] and r["languages"] for r in rules)
    assert headers["Content-Type"].startswith("application/json")


async def test_feedback_is_counted_per_rule_and_outcome(http: Http) -> None:
    labels = {"rule_id": "no-slang", "outcome": "accepted"}
    before = http.server.metric("replyrewriter_feedback_total", labels)
    status, body, _ = await http.post("/v1/feedback", {"outcome": "OUTCOME_ACCEPTED", "ruleIds": ["no-slang"]})
    assert status == 200 and body == {}
    assert http.server.metric("replyrewriter_feedback_total", labels) == before + 1
    status, body, _ = await http.post("/v1/feedback", {"outcome": "OUTCOME_ACCEPTED", "ruleIds": ["made-up"]})
    assert status == 400 and "made-up" in body["message"]
    status, body, _ = await http.post("/v1/feedback", {"ruleIds": ["no-slang"]})
    assert status == 400 and body["message"].startswith("outcome")


async def test_rewrite_edits_and_check_suggestions_in_json(http: Http, provider: ScriptedProvider) -> None:
    provider.queue(answer("The annual plan is $49.99.", ["no-slang"]))
    status, body, _ = await http.post("/v1/rewrite", {"draft": "lol the annual plan is $49.99", "language": "en"})
    assert status == 200, body
    edits = body["edits"]
    # A deletion keeps its empty text in the JSON, and the edits rebuild the rewrite.
    assert edits[0] == {"span": {"start": 0, "end": 7}, "text": "The", "ruleIds": ["no-slang"]}
    status, body, _ = await http.post("/v1/check", {"text": "lol the plan is $49.99", "language": "en"})
    lol = next(v for v in body["violations"] if v["ruleId"] == "no-slang")
    assert lol["edit"] == {"span": lol["span"], "text": "", "ruleIds": ["no-slang"]}


async def test_feedback_counts_single_edits_per_rule(http: Http) -> None:
    def count(rule_id: str, decision: str) -> float:
        return http.server.metric("replyrewriter_edit_feedback_total", {"rule_id": rule_id, "decision": decision})

    before = (count("no-slang", "accepted"), count("no-slang", "rejected"), count("none", "rejected"))
    status, body, _ = await http.post("/v1/feedback", {"outcome": "OUTCOME_EDITED", "ruleIds": ["no-slang"], "edits": [
        {"ruleIds": ["no-slang"], "accepted": True}, {"ruleIds": ["no-slang"], "accepted": False},
        {"ruleIds": [], "accepted": False}]})
    assert status == 200, body
    assert (count("no-slang", "accepted"), count("no-slang", "rejected"), count("none", "rejected")) == \
        (before[0] + 1, before[1] + 1, before[2] + 1)
    status, body, _ = await http.post("/v1/feedback", {"outcome": "OUTCOME_EDITED", "edits": [
        {"ruleIds": ["customer wrote this"], "accepted": True}]})
    assert status == 400 and body["message"].startswith("edits[0].rule_ids")


async def test_auth_is_the_grpc_auth(provider: ScriptedProvider) -> None:
    async with gateway_for(provider, auth_tokens="s3cret") as h:
        status, body, _ = await h.post("/v1/check", {"text": "hello"})
        assert status == 401
        assert body == {"code": 16, "status": "UNAUTHENTICATED", "message": "missing or invalid bearer token"}
        status, _, _ = await h.post("/v1/check", {"text": "hello"}, headers={"Authorization": "Bearer wrong"})
        assert status == 401
        status, _, _ = await h.post("/v1/check", {"text": "hello"}, headers={"Authorization": "Bearer s3cret"})
        assert status == 200
        assert h.server.metric("replyrewriter_auth_failures_total") == 2


async def test_full_queue_is_429_with_retry_after(provider: ScriptedProvider) -> None:
    async with gateway_for(provider, max_concurrent_model_calls=1, max_queued_rewrites=0) as h:
        provider.queue({"delay": 1.0, **answer(REWRITE)})
        slow = asyncio.create_task(h.post("/v1/rewrite", {"draft": DRAFT, "language": "en"}))
        await asyncio.sleep(0.4)
        status, body, headers = await h.post("/v1/rewrite", {"draft": "idk, maybe tomorrow", "language": "en"})
        assert status == 429, body
        assert body["status"] == "RESOURCE_EXHAUSTED"
        assert int(headers["Retry-After"]) >= 1
        assert (await slow)[0] == 200


async def test_caller_deadline_is_forwarded(http: Http, provider: ScriptedProvider) -> None:
    # The service answers within the caller's deadline: the model stalls, the fallback answers.
    provider.queue({"delay": 3.0, **answer(REWRITE)})
    started = asyncio.get_running_loop().time()
    status, body, _ = await http.post("/v1/rewrite", {"draft": DRAFT, "language": "en"},
                                      headers={"grpc-timeout": "800m"})
    assert status == 200, body
    assert body["backend"]["fallbackUsed"] is True
    assert body["backend"]["reason"] == "deadline"
    assert asyncio.get_running_loop().time() - started < 2.0
    status, body, _ = await http.post("/v1/check", {"text": "hi"}, headers={"grpc-timeout": "soon"})
    assert status == 400 and "grpc-timeout" in body["message"]


async def test_grpc_server_down_is_503(provider: ScriptedProvider) -> None:
    async with gateway_for(provider) as h:
        await h.server.server.stop(0)
        status, body, _ = await h.post("/v1/check", {"text": "hello"})
        assert status == 503
        assert body["status"] == "UNAVAILABLE"
        assert "127.0.0.1" not in body["message"]


async def test_demo_page_and_assets_have_a_strict_csp(http: Http) -> None:
    status, page, headers = await http.get("/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert b"<script" in page and b"onclick" not in page  # nothing inline for the CSP to forbid
    status, js, headers = await http.get("/web/rewrite-widget.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert not re.search(rb"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", js)  # XSS
    for path in ("/web/samples.json", "/web/rewrite-widget.css", "/web/demo.js"):
        assert (await http.get(path))[0] == 200, path


@pytest.mark.parametrize("path", ["/web/../service/config.py", "/web/%2e%2e%2fpyproject.toml", "/web/nope.js",
                                  "/web/index.py", "/etc/passwd"])
async def test_nothing_outside_web_is_served(http: Http, path: str) -> None:
    status, raw, _ = await http.get(path)
    assert status == 404
    assert b"[project]" not in raw and b"pydantic" not in raw


async def test_wrong_method_is_405(http: Http) -> None:
    status, raw, headers = await http.get("/v1/rewrite")
    assert status == 405
    assert "POST" in headers["Allow"]


class _CodeServicer(pb2_grpc.ReplyRewriterServicer):
    """A stand-in gRPC server that fails Check with the code named in the text,
    or stalls on "stall": every status the real service may return, on demand."""

    async def Check(self, request: pb2.CheckRequest, context: grpc.aio.ServicerContext) -> pb2.CheckResponse:
        if request.text == "stall":
            await asyncio.sleep(5)
        elif request.text == "RESOURCE_EXHAUSTED":
            context.set_trailing_metadata((("retry-after", "2.5"),))
        await context.abort(grpc.StatusCode[request.text], f"scripted {request.text}")
        return pb2.CheckResponse()  # pragma: no cover


@pytest.fixture(scope="module")
async def code_gateway() -> AsyncIterator[str]:
    server = grpc.aio.server()
    pb2_grpc.add_ReplyRewriterServicer_to_server(_CodeServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    gateway = await start_gateway(settings_for(None), None, grpc_port=port, port=0)
    try:
        yield f"http://127.0.0.1:{gateway.port}"
    finally:
        await gateway.stop()
        await server.stop(0)


@pytest.mark.parametrize("code", [c for c in grpc.StatusCode if c is not grpc.StatusCode.OK])
async def test_every_grpc_code_maps_to_its_http_status(code_gateway: str, code: grpc.StatusCode) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(code_gateway + "/v1/check", json={"text": code.name}) as response:
            body = await response.json()
            assert response.status == HTTP_STATUS[code]
            assert body == {"code": code.value[0], "status": code.name, "message": f"scripted {code.name}"}
            if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
                assert response.headers["Retry-After"] == "3"  # whole seconds, rounded up


async def test_the_callers_deadline_expiring_is_504(code_gateway: str) -> None:
    async with aiohttp.ClientSession() as session:
        started = asyncio.get_running_loop().time()
        async with session.post(code_gateway + "/v1/check", json={"text": "stall"},
                                headers={"grpc-timeout": "200m"}) as response:
            assert response.status == 504
            assert (await response.json())["status"] == "DEADLINE_EXCEEDED"
        assert asyncio.get_running_loop().time() - started < 2.0


def test_timeouts_parse_like_grpc() -> None:
    assert parse_timeout("5S") == 5.0
    assert parse_timeout("250m") == 0.25
    assert parse_timeout("2M") == 120.0
    assert parse_timeout("99H") == 600.0  # capped
    for bad in ("", "5", "5s", "-1S", "0S", "1.5S"):
        with pytest.raises(HttpError):
            parse_timeout(bad)


def test_every_grpc_code_has_an_http_status() -> None:
    assert set(HTTP_STATUS) == set(grpc.StatusCode)
    assert HTTP_STATUS[grpc.StatusCode.RESOURCE_EXHAUSTED] == 429
    assert HTTP_STATUS[grpc.StatusCode.UNAVAILABLE] == 503
    assert HTTP_STATUS[grpc.StatusCode.DEADLINE_EXCEEDED] == 504


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_serve_starts_the_gateway_and_stops_it_on_sigterm(provider: ScriptedProvider) -> None:
    """The real process: `reply-rewriter serve --http-port N` serves the demo and the API, then drains."""
    import os
    import signal
    import sys

    http_port = _free_port()
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env = {k: v for k, v in env.items() if not k.startswith("REPLYREWRITER_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "-1",
        "--http-port", str(http_port), "--model", "openai/gpt-4o-mini", "--api-base", provider.base_url,
        "--api-key", "sk-test", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{http_port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(base + "/") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert process.returncode is None, (await process.stderr.read()).decode()[-2000:]
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the gateway never answered")
            async with session.post(base + "/v1/check", json={"text": "thx pls", "language": "en"}) as response:
                assert response.status == 200
                assert "no-slang" in {v["ruleId"] for v in (await response.json())["violations"]}
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _raw(port: int, payload: bytes, read: bool = True) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    data = await reader.read() if read else b""
    writer.close()
    return data


async def test_framing_errors_never_echo_or_log_the_request_bytes(
        http: Http, caplog: pytest.LogCaptureFixture) -> None:
    """More bytes than Content-Length after 'Connection: close' got a 400 whose
    body quoted ~128 KB of the request, and an ERROR log line with them."""
    caplog.set_level(logging.DEBUG)
    secret = b"CUSTOMER-SECRET-" * 8000
    body = b'{"text": "hello"}'
    head = (b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
    answer_bytes = await _raw(http.gateway.port, head + body + secret)
    assert answer_bytes.startswith(b"HTTP/1.") and b" 400 " in answer_bytes.split(b"\r\n", 1)[0]
    assert b"CUSTOMER-SECRET" not in answer_bytes and len(answer_bytes) < 1000
    assert "CUSTOMER-SECRET" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_client_that_disconnects_mid_body_is_no_error(http: Http, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    head = (b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n")
    for _ in range(20):
        await _raw(http.gateway.port, head + b'{"text": "half of it', read=False)
    await asyncio.sleep(0.2)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "half of it" not in caplog.text
