"""Every RPC through generated stubs against a real grpc.aio server on 127.0.0.1,
with the model path going through litellm's real HTTP client to the scripted
provider."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from service.rulebook import CATALOGUE
from service.pb import pb2
from tests.conftest import TEST_MODEL, RunningServer, agent, customer
from tests.fakes.provider import ScriptedProvider, answer

SLANG_DRAFT = "omg idk why that happened, pls w8. Order 10552 is refunded $4.99"
CONTEXT = [customer("Hey, I was charged twice for order 10552.")]


async def test_good_model_answer_becomes_the_rewrite_with_citations(server: RunningServer,
                                                                     provider: ScriptedProvider) -> None:
    good = "I'm sorry, I don't know why that happened yet; please wait a moment. Order 10552 is refunded $4.99."
    provider.queue(answer(good, ["no-slang", "keep-it-short", "not-a-rule"]))
    response = await server.stub.Rewrite(pb2.RewriteRequest(draft=SLANG_DRAFT, conversation=CONTEXT), timeout=10)
    assert response.rewrite == good
    assert not response.backend.fallback_used and response.backend.model == TEST_MODEL
    assert response.backend.reason == "" and response.backend.attempts == 1
    assert response.language == "en"
    cited = {c.rule_id: c for c in response.citations}
    assert "no-slang" in cited
    slang = cited["no-slang"]
    assert slang.source and slang.title and slang.message
    assert SLANG_DRAFT[slang.span.start:slang.span.end] == slang.excerpt != ""
    assert "not-a-rule" not in cited  # the model can't invent rule ids
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    assert response.usage.cost_usd > 0
    assert "10552" in response.kept_facts


async def test_malformed_answers_end_in_the_fallback(server: RunningServer, provider: ScriptedProvider) -> None:
    provider.queue(*[{"content": "Sure! Here's a friendlier version."}] * 3)
    response = await server.stub.Rewrite(pb2.RewriteRequest(draft=SLANG_DRAFT, conversation=CONTEXT), timeout=10)
    assert response.backend.fallback_used and response.backend.model == "rule-based"
    assert response.backend.reason == "malformed_output"
    assert "10552" in response.rewrite and "4.99" in response.rewrite
    verdict = await server.stub.Verify(pb2.VerifyRequest(draft=SLANG_DRAFT, candidate=response.rewrite,
                                                         conversation=CONTEXT), timeout=5)
    assert verdict.honest, verdict.findings


async def test_dishonest_answer_is_retried_with_feedback_then_falls_back(server: RunningServer,
                                                                         provider: ScriptedProvider) -> None:
    dishonest = answer("Sorry about that! Your order is refunded $49.99 and you get 20% off next time.")
    provider.queue(dishonest, dishonest)
    response = await server.stub.Rewrite(pb2.RewriteRequest(draft=SLANG_DRAFT, conversation=CONTEXT), timeout=10)
    assert response.backend.fallback_used
    assert response.backend.reason.startswith("guard:")
    assert len(provider.requests) == 2
    feedback = provider.requests[1]["messages"][-1]["content"]
    assert "rejected" in feedback  # the second try says why the first failed
    assert "49.99" not in response.rewrite and "20%" not in response.rewrite


async def test_second_try_after_feedback_can_succeed(server: RunningServer, provider: ScriptedProvider) -> None:
    provider.queue(answer("Your order is refunded."),  # drops 10552 and $4.99
                   answer("Sorry, I don't know why yet. Please wait: order 10552 is refunded $4.99."))
    response = await server.stub.Rewrite(pb2.RewriteRequest(draft=SLANG_DRAFT, conversation=CONTEXT), timeout=10)
    assert not response.backend.fallback_used
    assert response.rewrite.startswith("Sorry, I don't know")
    assert server.metric("replyrewriter_guard_rejections_total", {"kind": "DROPPED_FACT"}) == 1


async def test_check_finds_rules_with_spans_and_suggestions(server: RunningServer) -> None:
    draft = "YOU CAN UPGRADE FROM THE SETTINGS PAGE!!!"
    response = await server.stub.Check(pb2.CheckRequest(text=draft, conversation=[customer("Can I upgrade today?")]),
                                       timeout=5)
    assert response.language == "en"
    rules = {v.rule_id for v in response.violations}
    assert "no-shouting" in rules
    for v in response.violations:
        assert draft[v.span.start:v.span.end] == v.excerpt
        assert v.severity in ("suggestion", "warning", "error")


async def test_check_counts_spans_in_code_points(server: RunningServer) -> None:
    text = "女士您好,请讲。"
    response = await server.stub.Check(pb2.CheckRequest(text=text, conversation=[customer("你好,我想咨询一下退货。")]),
                                       timeout=5)
    address = [v for v in response.violations if v.rule_id == "neutral-address"]
    assert address and text[address[0].span.start:address[0].span.end] == address[0].excerpt
    assert response.language == "zh"


async def test_verify_reports_findings(server: RunningServer) -> None:
    response = await server.stub.Verify(pb2.VerifyRequest(
        draft="We can't refund order 10552.", candidate="We will refund order 10553 today."), timeout=5)
    assert not response.honest
    kinds = {pb2.Finding.Kind.Name(f.kind) for f in response.findings}
    assert "DROPPED_FACT" in kinds and "FLIPPED_REFUSAL" in kinds or "NEW_COMMITMENT" in kinds
    assert all(f.detail for f in response.findings)
    honest = await server.stub.Verify(pb2.VerifyRequest(
        draft="We can't refund order 10552.", candidate="I'm sorry, a refund isn't possible for order 10552."),
        timeout=5)
    assert honest.honest, honest.findings


async def test_list_rules_has_the_whole_catalogue(server: RunningServer) -> None:
    response = await server.stub.ListRules(pb2.ListRulesRequest(), timeout=5)
    ids = {r.id for r in response.rules}
    assert {"no-slang", "no-shouting", "honor-escalation", "mirror-customer"} <= ids
    assert ids == set(CATALOGUE) and len(ids) == 25  # RULES.md's 24 and no-insults
    for rule in response.rules:
        assert rule.title and rule.description and rule.sources and rule.languages
        assert rule.severity in ("suggestion", "warning", "error")
        assert all(".txt" in s for s in rule.sources)


async def test_feedback_is_counted_per_rule_and_outcome(server: RunningServer) -> None:
    await server.stub.Feedback(pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_ACCEPTED,
                                                   rule_ids=["no-slang", "no-shouting"]), timeout=5)
    assert server.metric("replyrewriter_feedback_total", {"rule_id": "no-slang", "outcome": "accepted"}) == 1
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await server.stub.Feedback(pb2.FeedbackRequest(outcome=pb2.FeedbackRequest.OUTCOME_EDITED,
                                                       rule_ids=["made-up"]), timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "rule_ids" in err.value.details()


@pytest.mark.parametrize("request_, field, limit", [
    (pb2.RewriteRequest(draft=""), "draft", "empty"),
    (pb2.RewriteRequest(draft="   \n\t "), "draft", "empty"),
    (pb2.RewriteRequest(draft="x" * 4001), "draft", "4000"),
    (pb2.RewriteRequest(draft="hi", conversation=[customer("a")] * 101), "conversation", "100"),
    (pb2.RewriteRequest(draft="hi", conversation=[customer("a" * 4001)]), "conversation[0].text", "4000"),
    (pb2.RewriteRequest(draft="hi", tone=42), "tone", "42"),
    (pb2.RewriteRequest(draft="hi", conversation=[pb2.Message(role=9, text="a")]), "conversation[0].role", "9"),
    (pb2.RewriteRequest(draft="hi", language="not a tag!"), "language", ""),
    (pb2.RewriteRequest(draft="hi", language="fr"), "language", "supported"),
    (pb2.RewriteRequest(draft="hi", customer_name="n" * 101), "customer_name", "100"),
])
async def test_bad_input_is_invalid_argument_naming_field_and_limit(server: RunningServer, request_, field: str,
                                                                     limit: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await server.stub.Rewrite(request_, timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details().startswith(field + ":"), err.value.details()
    assert limit in err.value.details()
    # and the server is fine afterwards
    assert (await server.stub.ListRules(pb2.ListRulesRequest(), timeout=5)).rules


async def test_check_and_verify_validate_too(server: RunningServer) -> None:
    for call in (server.stub.Check(pb2.CheckRequest(text="x" * 4001), timeout=5),
                 server.stub.Verify(pb2.VerifyRequest(draft="ok", candidate=""), timeout=5)):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_language_is_detected_from_customer_then_draft(server: RunningServer) -> None:
    italian = await server.stub.Check(pb2.CheckRequest(
        text="ok", conversation=[customer("Salve, ho un problema con il pagamento della fattura.")]), timeout=5)
    assert italian.language == "it"
    spanish = await server.stub.Check(pb2.CheckRequest(
        text="Hola, gracias por escribirnos. ¿En qué podemos ayudarle hoy?"), timeout=5)
    assert spanish.language == "es"
    explicit = await server.stub.Check(pb2.CheckRequest(text="hello", language="es-MX"), timeout=5)
    assert explicit.language == "es"


async def test_client_without_deadline_gets_the_default(server_factory, provider: ScriptedProvider) -> None:
    provider.queue({"delay": 5, **answer("too slow")})
    async with server_factory(default_deadline=1.0) as s:
        response = await s.stub.Rewrite(pb2.RewriteRequest(draft=SLANG_DRAFT, conversation=CONTEXT))
    assert response.backend.fallback_used and response.backend.reason == "deadline"


async def test_health_and_reflection_work_like_for_any_grpc_server(server: RunningServer) -> None:
    health = health_pb2_grpc.HealthStub(server.channel)
    for name in ("", "replyrewriter.v1.ReplyRewriter"):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    watch = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=5)
    first = await watch.read()
    assert first.status == health_pb2.HealthCheckResponse.SERVING
    watch.cancel()

    reflection = reflection_pb2_grpc.ServerReflectionStub(server.channel)
    call = reflection.ServerReflectionInfo(timeout=5)
    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    listed = await call.read()
    names = {s.name for s in listed.list_services_response.service}
    assert "replyrewriter.v1.ReplyRewriter" in names and "grpc.health.v1.Health" in names
    await call.write(reflection_pb2.ServerReflectionRequest(file_containing_symbol="replyrewriter.v1.ReplyRewriter"))
    described = await call.read()
    assert described.file_descriptor_response.file_descriptor_proto
    await call.done_writing()


async def test_first_agent_message_greeting_and_name_rules_use_the_conversation(server: RunningServer) -> None:
    response = await server.stub.Check(pb2.CheckRequest(
        text="Sure, what's your phone number?",
        conversation=[customer("My phone number is 555-0142, please call me back."), agent("Hello!")]), timeout=5)
    assert "dont-ask-twice" in {v.rule_id for v in response.violations}
