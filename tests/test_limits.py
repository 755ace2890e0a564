"""Size limits: the gRPC transport refuses oversized messages before they are
parsed, and every field has its own limit, checked before any work is done."""

from __future__ import annotations


import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from service.pb import pb2
from tests.conftest import RunningServer, customer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider

MB = 1 << 20


async def expect_code(call, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    assert err.value.code() == code, err.value.details()
    return err.value


async def healthy(s: RunningServer) -> bool:
    response = await health_pb2_grpc.HealthStub(s.channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return response.status == health_pb2.HealthCheckResponse.SERVING


def work_done(s: RunningServer) -> float:
    """Rule checks run: zero means no request got as far as the rulebook."""
    return sum(sample.value for metric in s.metrics.registry.collect()
               if metric.name == "replyrewriter_draft_violations"
               for sample in metric.samples if sample.name.endswith("_total"))


@pytest.mark.parametrize("rpc", ["Rewrite", "Check", "Verify"])
async def test_a_10_mb_request_is_refused_cheaply_by_the_transport(provider: ScriptedProvider, rpc: str) -> None:
    big = "thx " * (10 * MB // 4)
    requests = {"Rewrite": pb2.RewriteRequest(draft=big), "Check": pb2.CheckRequest(text=big),
                "Verify": pb2.VerifyRequest(draft="hi", candidate=big)}
    async with running_server(settings_for(provider)) as s:
        assert requests[rpc].ByteSize() > 10 * MB
        for _ in range(5):
            error = await expect_code(getattr(s.stub, rpc)(requests[rpc], timeout=10),
                                      grpc.StatusCode.RESOURCE_EXHAUSTED)
        # gRPC's own size limit refused it: no handler ran, nothing was parsed or counted.
        assert "larger than max" in (error.details() or "")
        assert provider.calls == 0 and work_done(s) == 0
        assert await healthy(s)
        # and the server still serves normal requests
        assert (await s.stub.Check(pb2.CheckRequest(text="thx, ur order ships soon"), timeout=5)).language
        assert work_done(s) > 0  # the control: a served request does count


async def test_a_10_mb_request_without_a_token_is_refused_too(provider: ScriptedProvider, tmp_path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("secret-token-123456\n", encoding="utf-8")
    async with running_server(settings_for(provider, auth_tokens_file=tokens)) as s:
        error = await expect_code(s.stub.Rewrite(pb2.RewriteRequest(draft="x" * (10 * MB)), timeout=10),
                                  grpc.StatusCode.RESOURCE_EXHAUSTED)
        assert error is not None and provider.calls == 0


async def test_max_request_bytes_is_configurable(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider, max_request_bytes=64 * 1024,
                                           max_conversation_messages=1000)) as s:
        # under the byte limit, over no field limit: served
        ok = pb2.CheckRequest(text="thx", conversation=[customer("hello " * 50)] * 150)
        assert 32 * 1024 < ok.ByteSize() < 64 * 1024
        await s.stub.Check(ok, timeout=5)
        # over it (each field within its own limit): refused by the transport
        big = pb2.CheckRequest(text="thx", conversation=[customer("hello " * 50)] * 300)
        assert big.ByteSize() > 64 * 1024
        await expect_code(s.stub.Check(big, timeout=5), grpc.StatusCode.RESOURCE_EXHAUSTED)


async def test_request_at_the_default_byte_limit_edge(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider)) as s:
        assert s.settings.max_request_bytes == MB
        await expect_code(s.stub.Check(pb2.CheckRequest(text="a" * (MB + 1)), timeout=5),
                          grpc.StatusCode.RESOURCE_EXHAUSTED)
        # just under 1 MiB on the wire, but over the field limit: refused by validation
        error = await expect_code(s.stub.Check(pb2.CheckRequest(text="a" * (MB - 64)), timeout=5),
                                  grpc.StatusCode.INVALID_ARGUMENT)
        assert "text" in error.details()


LIMITS = dict(max_draft_chars=50, max_message_chars=40, max_conversation_messages=3, max_name_chars=10)


def field_cases() -> list[tuple[str, str, object, str]]:
    """(id, rpc, request, field named in the error)."""
    long_draft, long_msg, long_name = "a" * 51, "b" * 41, "c" * 11
    many = [customer("hi")] * 4
    return [
        ("draft", "Rewrite", pb2.RewriteRequest(draft=long_draft), "draft"),
        ("message", "Rewrite", pb2.RewriteRequest(draft="hi", conversation=[customer("ok"), customer(long_msg)]),
         "conversation[1].text"),
        ("messages", "Rewrite", pb2.RewriteRequest(draft="hi", conversation=many), "conversation"),
        ("customer_name", "Rewrite", pb2.RewriteRequest(draft="hi", customer_name=long_name), "customer_name"),
        ("agent_name", "Rewrite", pb2.RewriteRequest(draft="hi", agent_name=long_name), "agent_name"),
        ("brand_name", "Rewrite", pb2.RewriteRequest(draft="hi", brand_name=long_name), "brand_name"),
        ("language", "Rewrite", pb2.RewriteRequest(draft="hi", language="en-" + "x" * 40), "language"),
        ("check_text", "Check", pb2.CheckRequest(text=long_draft), "text"),
        ("check_messages", "Check", pb2.CheckRequest(text="hi", conversation=many), "conversation"),
        ("check_name", "Check", pb2.CheckRequest(text="hi", customer_name=long_name), "customer_name"),
        ("verify_draft", "Verify", pb2.VerifyRequest(draft=long_draft, candidate="hi"), "draft"),
        ("verify_candidate", "Verify", pb2.VerifyRequest(draft="hi", candidate=long_draft), "candidate"),
        ("verify_message", "Verify", pb2.VerifyRequest(draft="hi", candidate="hi",
                                                       conversation=[customer(long_msg)]), "conversation[0].text"),
        ("feedback_ids", "Feedback", pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_ACCEPTED,
                                                         rule_ids=["no-slang"] * 1000), "rule_ids"),
        ("feedback_unknown_id", "Feedback", pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_ACCEPTED,
                                                                rule_ids=["x" * 5000]), "rule_ids"),
    ]


@pytest.mark.parametrize("case", field_cases(), ids=lambda c: c[0])
async def test_each_field_has_a_limit(provider: ScriptedProvider, case) -> None:
    _, rpc, request, field = case
    async with running_server(settings_for(provider, **LIMITS)) as s:
        error = await expect_code(getattr(s.stub, rpc)(request, timeout=5), grpc.StatusCode.INVALID_ARGUMENT)
        assert error.details().startswith(f"{field}:"), error.details()
        assert len(error.details()) < 200  # the error never echoes the oversized text
        assert provider.calls == 0 and work_done(s) == 0


async def test_fields_at_their_limit_are_accepted(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider, **LIMITS)) as s:
        request = pb2.RewriteRequest(
            draft="thx, ur order ships soon. " + "a" * (50 - 26), customer_name="c" * 10, agent_name="d" * 10,
            brand_name="e" * 10, conversation=[customer("f" * 40)] * 3, language="en")
        assert len(request.draft) == 50
        response = await s.stub.Rewrite(request, timeout=10)
        assert response.rewrite


async def test_limits_count_code_points_not_bytes(provider: ScriptedProvider) -> None:
    """A limit of 50 characters takes 50 Chinese characters (150 bytes in UTF-8)."""
    async with running_server(settings_for(provider, **LIMITS)) as s:
        await s.stub.Check(pb2.CheckRequest(text="您" * 50, language="zh"), timeout=5)
        await expect_code(s.stub.Check(pb2.CheckRequest(text="您" * 51, language="zh"), timeout=5),
                          grpc.StatusCode.INVALID_ARGUMENT)


async def test_oversized_metadata_is_refused(provider: ScriptedProvider) -> None:
    """A huge header (e.g. a 1 MB "authorization") never reaches the auth check."""
    async with running_server(settings_for(provider, auth_tokens="secret-token-123456")) as s:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await s.stub.ListRules(pb2.ListRulesRequest(), timeout=5,
                                   metadata=(("authorization", "Bearer " + "x" * MB),))
        assert err.value.code() in (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.INTERNAL,
                                    grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAUTHENTICATED)
        assert await healthy(s)
