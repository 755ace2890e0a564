"""Requests whose bytes are not a valid message (issue: undecodable protobuf).

A raw Check whose string field holds bad UTF-8 (bytes 0a 03 ed a0 80) used to
get UNKNOWN with a traceback per call, before auth. Now: INVALID_ARGUMENT with
a short message, counted and access-logged like any call, and with a tokens
file set, UNAUTHENTICATED first (the decode error reveals nothing).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import grpc
import pytest

from tests.conftest import running_server, settings_for
from tests.fakes.provider import ScriptedProvider

BAD_UTF8 = bytes.fromhex("0a03eda080")
TRUNCATED = bytes.fromhex("0a10616263")
TOKEN = "tok-decode-0123456789abcdef"


def raw_call(channel: grpc.aio.Channel, method: str):  # type: ignore[no-untyped-def]
    return channel.unary_unary(f"/replyrewriter.v1.ReplyRewriter/{method}",
                               request_serializer=lambda b: b, response_deserializer=lambda b: b)


@pytest.mark.parametrize("payload", [BAD_UTF8, TRUNCATED], ids=["bad-utf8", "truncated"])
@pytest.mark.parametrize("method", ["Check", "Verify", "Rewrite"])
async def test_undecodable_request_is_invalid_argument_counted_and_logged(
        provider: ScriptedProvider, caplog: pytest.LogCaptureFixture, payload: bytes, method: str) -> None:
    caplog.set_level(logging.INFO)
    async with running_server(settings_for(provider)) as s:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await raw_call(s.channel, method)(payload, timeout=5)
        assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert err.value.details().startswith("request:") and len(err.value.details()) < 100
        # context.abort() sends the status before the interceptor counts the
        # call: the caller can see it first.
        for _ in range(500):
            if s.metric("replyrewriter_requests_total", {"method": method, "code": "INVALID_ARGUMENT"}):
                break
            await asyncio.sleep(0.01)
        assert s.metric("replyrewriter_requests_total", {"method": method, "code": "INVALID_ARGUMENT"}) == 1
    records = [r for r in caplog.records if r.getMessage() == "rpc" and getattr(r, "method", "") == method]
    assert [getattr(r, "code", "") for r in records] == ["INVALID_ARGUMENT"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_auth_comes_before_decoding(provider: ScriptedProvider, tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    async with running_server(settings_for(provider, auth_tokens_file=path)) as s:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await raw_call(s.channel, "Check")(BAD_UTF8, timeout=5)
        assert err.value.code() is grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await raw_call(s.channel, "Check")(BAD_UTF8, timeout=5,
                                               metadata=(("authorization", f"Bearer {TOKEN}"),))
        assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
