"""Structured JSON logs: one object per line, the request id on every access
line (the caller's ``x-request-id`` or a generated one, echoed back in the
response's initial metadata), and no draft text unless debug text logging is on.

The logs are captured the way an operator sees them: ``configure_logging``
writes to stderr, which the fixture points at a buffer.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest

from service import logs
from service.logs import JsonFormatter, configure_logging, request_id_var, text_for_log
from service.pb import pb2
from tests.conftest import RunningServer, customer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer

DRAFT_TEMPLATE = "thx {marker}, ur order 48213 SHIPPED!!! it arrives on Friday"
REWRITE_TEMPLATE = "Thanks {marker}, your order 48213 has shipped! It arrives on Friday."


@pytest.fixture
def captured_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., io.StringIO]]:
    """``configure(level, log_texts)`` sets up the service's logging onto a
    buffer; everything it changed is put back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("LiteLLM", "litellm", "httpx", "httpcore")}
    monkeypatch.setattr(logs, "_log_texts", logs._log_texts)  # restored at teardown
    buffer = io.StringIO()

    def configure(level: str = "INFO", log_texts: bool = False) -> io.StringIO:
        original, sys.stderr = sys.stderr, buffer  # the handler binds sys.stderr when created
        try:
            configure_logging(level, log_texts)
        finally:
            sys.stderr = original
        return buffer

    yield configure
    # pytest attaches its own capture handlers per test phase; leave those to it.
    current = [h for h in root.handlers if not isinstance(h.formatter, JsonFormatter)]
    lasting = [h for h in saved_handlers if not type(h).__module__.startswith("_pytest") and h not in current]
    root.handlers[:] = current + lasting
    root.setLevel(saved_level)
    for name, level in noisy.items():
        logging.getLogger(name).setLevel(level)


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    """Every line, parsed; a line that isn't a JSON object fails the test."""
    out = []
    for line in buffer.getvalue().splitlines():
        assert line.strip(), "empty log line"
        entry = json.loads(line)
        assert isinstance(entry, dict), line
        assert {"ts", "level", "logger", "msg"} <= set(entry), entry
        out.append(entry)
    return out


def access_lines(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["logger"] == "replyrewriter.access"]


async def call_with_metadata(method: Any, request: Any, request_id: str | None = None) -> tuple[Any, str]:
    """Make a unary call; return the response and the x-request-id the server sent back."""
    metadata = (("x-request-id", request_id),) if request_id is not None else None
    call = method(request, metadata=metadata)
    initial = dict(await call.initial_metadata())
    response = await call
    return response, str(initial.get("x-request-id", ""))


async def test_access_lines_carry_the_callers_or_a_generated_request_id(
        provider: ScriptedProvider, captured_logs: Callable[..., io.StringIO]) -> None:
    buffer = captured_logs("INFO")
    marker = f"mk{uuid.uuid4().hex[:12]}"
    draft = DRAFT_TEMPLATE.format(marker=marker)
    provider.queue(answer(REWRITE_TEMPLATE.format(marker=marker)))
    async with running_server(settings_for(provider)) as running:
        stub = running.stub
        _, echoed_check = await call_with_metadata(stub.Check, pb2.CheckRequest(text=draft), "caller-id-1")
        _, generated_check = await call_with_metadata(stub.Check, pb2.CheckRequest(text=draft))
        rewritten, echoed_rewrite = await call_with_metadata(
            stub.Rewrite, pb2.RewriteRequest(draft=draft, customer_name="Ann", conversation=[customer("hi")]),
            "caller-id-2")
        _, generated_rewrite = await call_with_metadata(stub.Rewrite, pb2.RewriteRequest(draft=draft + "?"))
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await stub.Rewrite(pb2.RewriteRequest(draft=""), metadata=(("x-request-id", "caller-id-3"),))

    assert rewritten.rewrite == REWRITE_TEMPLATE.format(marker=marker)
    assert echoed_check == "caller-id-1" and echoed_rewrite == "caller-id-2"
    assert dict(error.value.initial_metadata()).get("x-request-id") == "caller-id-3"
    for generated in (generated_check, generated_rewrite):
        assert re.fullmatch(r"[0-9a-f]{32}", generated), generated
    assert generated_check != generated_rewrite

    access = access_lines(json_lines(buffer))
    seen = [(e["method"], e["code"], e["request_id"]) for e in access]
    assert seen == [("Check", "OK", "caller-id-1"), ("Check", "OK", generated_check),
                    ("Rewrite", "OK", "caller-id-2"), ("Rewrite", "OK", generated_rewrite),
                    ("Rewrite", "INVALID_ARGUMENT", "caller-id-3")]
    for entry in access:
        assert entry["level"] == "info" and entry["msg"] == "rpc"
        assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] >= 0
    assert marker not in buffer.getvalue()
    # The request id belongs to its call only.
    assert request_id_var.get() == ""


async def test_overlong_request_id_is_truncated_in_logs_and_reply(
        server: RunningServer, captured_logs: Callable[..., io.StringIO]) -> None:
    buffer = captured_logs("INFO")
    long_id = "r" * 300
    _, echoed = await call_with_metadata(server.stub.Check, pb2.CheckRequest(text="hello"), long_id)
    assert echoed == "r" * 128
    assert [e["request_id"] for e in access_lines(json_lines(buffer))] == ["r" * 128]


@pytest.mark.parametrize("level, log_texts", [("INFO", False), ("INFO", True), ("DEBUG", False), ("DEBUG", True)])
async def test_draft_text_is_in_no_log_line(provider: ScriptedProvider, captured_logs: Callable[..., io.StringIO],
                                            level: str, log_texts: bool) -> None:
    """At INFO nothing carries the draft, even with log_texts on; at DEBUG only
    log_texts may let it through. Errors, retries, a breaker trip and the
    fallback path included; every line stays one JSON object at every level."""
    buffer = captured_logs(level, log_texts)
    marker = f"mk{uuid.uuid4().hex[:12]}"
    draft = DRAFT_TEMPLATE.format(marker=marker)
    provider.queue({"status": 500}, {"content": f"not json {marker}"},
                   answer(f"Thanks {marker}, your order has shipped!"),  # drops the number: guard
                   answer(f"Thanks {marker}, your order has shipped!"))
    settings = settings_for(provider, log_level=level, log_texts=log_texts, max_attempts=3,
                            breaker_failures=1, breaker_cooldown=60)
    async with running_server(settings) as running:
        await running.stub.Check(pb2.CheckRequest(text=draft, customer_name=f"Ann {marker}"))
        response = await running.stub.Rewrite(pb2.RewriteRequest(
            draft=draft, customer_name=f"Ann {marker}", conversation=[customer(f"where {marker}?")]))
        with pytest.raises(grpc.aio.AioRpcError):
            await running.stub.Rewrite(pb2.RewriteRequest(draft=draft, language=f"x-{marker}"))

    assert response.backend.fallback_used
    entries = json_lines(buffer)
    assert len(access_lines(entries)) == 3
    if level == "DEBUG":
        assert logging.getLogger().level == logging.DEBUG
    if not (level == "DEBUG" and log_texts):
        assert marker not in buffer.getvalue()
    else:  # the setting does something: the pipeline's debug line carries the texts
        assert any(e.get("msg") == "rewrite" and marker in e.get("draft", "") for e in entries)


def test_text_for_log_releases_text_only_at_debug_with_log_texts(
        captured_logs: Callable[..., io.StringIO]) -> None:
    draft = "thx, ur order 48213 SHIPPED!!!"
    for level, log_texts, shown in [("INFO", False, False), ("INFO", True, False),
                                    ("DEBUG", False, False), ("DEBUG", True, True)]:
        captured_logs(level, log_texts)
        assert (text_for_log(draft) == draft) is shown, (level, log_texts)
        if not shown:
            assert text_for_log(draft) == f"<{len(draft)} chars redacted>"


def test_formatter_writes_one_json_object_with_extras_and_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("replyrewriter.test_logging")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("rid-42")
    try:
        logger.warning("multi\nline \"quoted\" ünïcode", extra={"model": "m", "attempt": 2})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
        logger.propagate = True
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # newlines in messages and tracebacks stay inside one line
    first, second = (json.loads(line) for line in lines)
    assert first["msg"] == "multi\nline \"quoted\" ünïcode"
    assert first["request_id"] == "rid-42" and first["model"] == "m" and first["attempt"] == 2
    assert first["level"] == "warning" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["ts"])
    assert second["level"] == "error" and "ValueError: boom" in second["exc"]
