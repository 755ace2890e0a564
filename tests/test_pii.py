"""PII never leaves the process for a hosted model; the caller still gets it back.

The scripted provider records every request body it receives, so these tests
assert on exactly what crossed the wire (litellm's real HTTP path), not on
what the service meant to send.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from service.config import EMBEDDED_MODEL, Settings
from service.pb import pb2
from service.redaction import Redactor
from tests.conftest import TEST_MODEL, customer, running_server, settings_for
from tests.fakes.provider import ScriptedProvider, answer, draft_of

# Per kind, values in the formats customers and agents actually type (en, it, es, zh).
EMAILS = ["luca.bianchi@example.it", "maria+pedidos@correo.es", "j.smith@mail.example.co.uk", "wei.zhang@example.cn"]
PHONES = ["+39 347 123 4567", "(555) 123-4567", "+1-202-555-0143", "020 7946 0958", "+34 612 345 678",
          "13800138000", "+86 138 0013 8000", "06.1234.5678"]
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "4012888888881881"]
IBANS = ["IT60X0542811101000000123456", "ES91 2100 0418 4502 0005 1332", "DE89 3704 0044 0532 0130 00",
         "GB29 NWBK 6016 1331 9268 19", "FR1420041010050500013M02606"]
ALL_PII = EMAILS + PHONES + CARDS + IBANS


def wire_text(provider: ScriptedProvider) -> str:
    """Everything the provider received, as one string (JSON-decoded, so no escaping hides a value)."""
    return "\n".join(m.get("content", "") for body in provider.requests for m in body.get("messages", []))


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def assert_no_pii(provider: ScriptedProvider, values: list[str]) -> None:
    assert provider.requests, "the model was never called"
    sent = wire_text(provider)
    sent_digits = digits(sent)
    raw = json.dumps(provider.requests, ensure_ascii=False)
    for value in values:
        assert value not in sent and value not in raw, f"{value!r} reached the provider"
        if len(digits(value)) >= 7:  # not even with its separators stripped
            assert digits(value) not in sent_digits, f"the digits of {value!r} reached the provider"


@pytest.mark.parametrize("value", ALL_PII)
def test_redactor_covers_each_format(value: str) -> None:
    r = Redactor()
    text = f"Details: {value}. Order 10552, $49.99, 3 items, ships 2025-03-14."
    redacted = r.redact(text)
    assert value not in redacted
    assert r.restore(redacted) == text


@pytest.mark.parametrize("value", ALL_PII)
def test_a_value_written_against_chinese_characters_is_redacted_alone(value: str) -> None:
    # Chinese puts no space between its words and a number or an address, and re
    # reads CJK characters as word characters: "请拨打13800138000联系我们".
    r = Redactor()
    text = f"请拨打{value}联系我们，订单10552。"
    redacted = r.redact(text)
    assert value not in redacted
    assert len(digits(value)) < 7 or digits(value) not in digits(redacted)
    assert redacted.startswith("请拨打[") and redacted.endswith("]联系我们，订单10552。")
    assert r.restore(redacted) == text


@pytest.mark.parametrize("lang, draft", [
    ("en", "thx, I've noted your email {email} and phone {phone}; refund of $20 goes to card {card}."),
    ("it", "Grazie, ho registrato l'email {email} e il telefono {phone}; il rimborso di 20 € va sull'IBAN {iban}."),
    ("es", "Gracias, anoté su correo {email} y su teléfono {phone}; el reembolso de 20 € irá al IBAN {iban}."),
    ("zh", "谢谢，我已记录您的邮箱 {email} 和电话 {phone}，20元退款将退回银行卡 {card}。"),
])
async def test_no_pii_reaches_a_hosted_model_and_the_answer_is_restored(provider: ScriptedProvider,
                                                                        lang: str, draft: str) -> None:
    values = dict(email=EMAILS[0], phone=PHONES[0], card=CARDS[0], iban=IBANS[1])
    text = draft.format(**values)
    conversation = [customer(f"My email is {EMAILS[1]}, call me on {PHONES[1]}. IBAN {IBANS[0]}, card {CARDS[1]}.")]
    async with running_server(settings_for(provider)) as s:
        assert s.settings.pii_redaction_enabled  # "auto" with a hosted model
        response = await s.stub.Rewrite(pb2.RewriteRequest(draft=text, conversation=conversation, language=lang,
                                                           customer_name="Luca"), timeout=10)
    assert_no_pii(provider, ALL_PII[:2] + [EMAILS[1], PHONES[1], IBANS[0], CARDS[1], *values.values()])
    # the echoing provider got placeholders and gave them back; the caller gets the real values
    assert "[EMAIL_2]" in draft_of(provider.requests[0])  # the conversation comes first in the prompt
    assert not response.backend.fallback_used, response.backend.reason
    assert response.rewrite == text
    assert "[EMAIL_" not in response.rewrite and "[PHONE_" not in response.rewrite


async def test_placeholders_are_stable_and_restored_when_the_model_moves_them(provider: ScriptedProvider) -> None:
    email, phone = EMAILS[0], PHONES[2]
    draft = f"Hi! We'll write to {email} and call {phone}. Again, the email is {email}."

    def reorder(body: dict[str, Any]) -> dict[str, Any]:
        quoted = draft_of(body)
        assert quoted.count("[EMAIL_1]") == 2 and "[PHONE_1]" in quoted  # same value, same placeholder
        return answer("Hi! We'll call [PHONE_1] and write to [EMAIL_1]. Again, the email is [EMAIL_1].")

    provider.default = reorder
    async with running_server(settings_for(provider)) as s:
        response = await s.stub.Rewrite(pb2.RewriteRequest(draft=draft), timeout=10)
    assert_no_pii(provider, [email, phone])
    assert not response.backend.fallback_used, response.backend.reason
    assert response.rewrite == f"Hi! We'll call {phone} and write to {email}. Again, the email is {email}."


async def test_guard_runs_on_restored_text_and_the_retry_feedback_is_redacted(provider: ScriptedProvider) -> None:
    """The first answer drops the email: the guard sees that (on restored text),
    and its finding, which names the email, goes back to the model redacted."""
    email, card = EMAILS[2], CARDS[2]
    draft = f"Your refund of $20 goes to card {card}; the receipt goes to {email}."
    provider.queue(answer("Your refund of $20 goes to card [CARD_1]."),
                   answer("Your refund of $20 goes to card [CARD_1]; we'll send the receipt to [EMAIL_1]."))
    async with running_server(settings_for(provider)) as s:
        response = await s.stub.Rewrite(pb2.RewriteRequest(draft=draft), timeout=10)
    assert len(provider.requests) == 2, "the guard should have asked for a second try"
    assert len(provider.requests[1]["messages"]) > len(provider.requests[0]["messages"])
    assert_no_pii(provider, [email, card])
    assert not response.backend.fallback_used, response.backend.reason
    assert email in response.rewrite and card in response.rewrite


async def test_a_model_that_forgets_a_placeholder_never_loses_the_fact(provider: ScriptedProvider) -> None:
    email = EMAILS[3]
    draft = f"We sent the label to {email}."
    provider.default = lambda body: answer("We sent the label to you.")
    async with running_server(settings_for(provider)) as s:
        response = await s.stub.Rewrite(pb2.RewriteRequest(draft=draft), timeout=10)
    assert_no_pii(provider, [email])
    assert response.backend.fallback_used and response.backend.reason.startswith("guard:")
    assert email in response.rewrite


async def test_pii_in_names_fields_is_redacted_too(provider: ScriptedProvider) -> None:
    async with running_server(settings_for(provider)) as s:
        await s.stub.Rewrite(pb2.RewriteRequest(draft="thx, ur order ships soon", customer_name=EMAILS[0],
                                                agent_name=PHONES[0], brand_name="Shop"), timeout=10)
    assert_no_pii(provider, [EMAILS[0], PHONES[0]])


async def test_redaction_off_sends_text_as_is(provider: ScriptedProvider) -> None:
    """The control: proves the assertions above would catch a leak."""
    async with running_server(settings_for(provider, redact_pii="off")) as s:
        await s.stub.Rewrite(pb2.RewriteRequest(draft=f"We'll email {EMAILS[0]}."), timeout=10)
    with pytest.raises(AssertionError, match="reached the provider"):
        assert_no_pii(provider, [EMAILS[0]])


def test_redaction_defaults() -> None:
    hosted = Settings(model=TEST_MODEL)
    assert hosted.redact_pii == "auto" and hosted.pii_redaction_enabled
    assert not Settings().pii_redaction_enabled  # the embedded model runs in-process
    assert Settings(redact_pii="on").pii_redaction_enabled
    assert not Settings(model=TEST_MODEL, redact_pii="off").pii_redaction_enabled


def test_auto_redacts_when_only_a_fallback_model_is_hosted() -> None:
    """Embedded primary, hosted fallbacks: text can still leave the process."""
    settings = Settings(fallback_models=TEST_MODEL)
    assert settings.primary_model == EMBEDDED_MODEL and TEST_MODEL in settings.models
    assert settings.pii_redaction_enabled


async def test_embedded_primary_with_a_hosted_fallback_sends_no_pii() -> None:
    """End to end through the pipeline: the embedded model fails, the hosted fallback
    model answers, and what reached the hosted model had no PII."""
    from types import SimpleNamespace

    import grpc

    from service.metrics import Metrics
    from service.pb import pb2_grpc
    from service.server import build_deps, create_server, set_serving

    sent: list[tuple[str, list[dict[str, str]]]] = []

    async def completion(**kwargs: Any) -> Any:
        sent.append((kwargs["model"], kwargs["messages"]))
        if kwargs["model"] == EMBEDDED_MODEL:
            raise ConnectionError("embedded model not loaded in this test")
        content = json.dumps({"rewrite": draft_of({"messages": kwargs["messages"]}), "rules": []})
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=content))],
                               usage=SimpleNamespace(prompt_tokens=10, completion_tokens=5))

    settings = settings_for(None, fallback_models=TEST_MODEL, max_attempts=1)
    assert settings.uses_embedded_model and settings.pii_redaction_enabled
    deps = build_deps(settings, Metrics(), completion_fn=completion)
    server, port = create_server(settings, deps)
    await server.start()
    await set_serving(deps, True)
    draft = f"We'll call {PHONES[0]} and refund card {CARDS[0]}; receipt to {EMAILS[0]}."
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            response = await pb2_grpc.ReplyRewriterStub(channel).Rewrite(pb2.RewriteRequest(draft=draft), timeout=10)
    finally:
        await server.stop(0)
    assert [model for model, _ in sent] == [EMBEDDED_MODEL, TEST_MODEL]
    hosted = "\n".join(m["content"] for model, messages in sent if model == TEST_MODEL for m in messages)
    for value in (PHONES[0], CARDS[0], EMAILS[0]):
        assert value not in hosted
    assert response.backend.model == TEST_MODEL and not response.backend.fallback_used
    assert response.rewrite == draft
