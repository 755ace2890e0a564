"""The largest request the limits allow, dense with facts (issue 18).

A draft of ``max_draft_chars`` and ``max_conversation_messages`` messages of
``max_message_chars`` each, every sentence carrying order numbers, amounts,
dates, times, emails, URLs and phone numbers: the input that made one Rewrite
or Verify hold the event loop for most of a second. Deterministic, so every
run measures the same bytes. ``bench/stall.py`` and the regression tests use it.
"""

from __future__ import annotations

from service.domain import Message, Role

_SENTENCES = {
    "en": (
        "Order #A-{n}-77 for $1,{n3}.56 was placed on 2024-03-{d:02d} at 14:{d:02d} and ships on 12/0{m}/2025.",
        "Email jane.doe{n}@example.com or see https://shop.example.com/orders/{n}?ref=mail{d} for details.",
        "Call +1 555-{n3}-{n4} between 9am and 5pm, or write to returns{d}@example.org within 30 days.",
        "The refund of EUR {n3},40 (15% of 1,{n3} USD) reaches card ending {n4} in 5-7 business days.",
        "Tracking 1Z{n}X{n4}, parcel 40x30x{d} cm, 2.{d} kg, ticket INC-{n}, invoice INV-2025-{n4}.",
    ),
    "zh": (
        "订单 #A-{n}-77 金额 1,{n3}.56 元，于2024年3月{d}日14:{d:02d}下单，预计12月{m}日发货。",
        "请发邮件到 jane.doe{n}@example.com 或查看 https://shop.example.com/orders/{n}?ref=mail{d} 。",
        "请在上午9点到下午5点之间拨打 +86 138-{n3}-{n4}，或在30天内联系 returns{d}@example.org 。",
        "退款 {n3}.40 元（1,{n3} 元的15%）将在5-7个工作日内退回尾号 {n4} 的卡。",
        "运单号 1Z{n}X{n4}，包裹 40x30x{d} 厘米，2.{d} 公斤，工单 INC-{n}，发票 INV-2025-{n4}。",
    ),
}


def dense_text(chars: int, seed: int = 0, language: str = "en") -> str:
    """``chars`` characters (exactly) of fact-dense sentences."""
    sentences = _SENTENCES[language]
    sep = "" if language == "zh" else " "
    parts: list[str] = []
    total = 0
    i = seed * 7919
    while total < chars:
        n = 10000 + (i * 7331) % 89999
        s = sentences[i % len(sentences)].format(n=n, n3=100 + n % 900, n4=1000 + n % 9000, d=1 + i % 28,
                                                  m=1 + i % 9)
        parts.append(s)
        total += len(s) + len(sep)
        i += 1
    return sep.join(parts)[:chars].rstrip().ljust(chars, ".")


def max_size_input(draft_chars: int = 4000, messages: int = 100, message_chars: int = 4000,
                   language: str = "en") -> tuple[str, tuple[Message, ...]]:
    """(draft, conversation) at the given sizes (the default limits by default)."""
    draft = dense_text(draft_chars, 0, language)
    conversation = tuple(
        Message(Role.CUSTOMER if k % 2 == 0 else Role.AGENT, dense_text(message_chars, k + 1, language))
        for k in range(messages))
    return draft, conversation


def max_size_rewrite_request(language: str = "en", **sizes: int):  # type: ignore[no-untyped-def]
    """A ``pb2.RewriteRequest`` of ``max_size_input`` (language given, so no detection)."""
    from service.pb import pb2

    draft, conversation = max_size_input(language=language, **sizes)
    roles = {Role.CUSTOMER: pb2.ROLE_CUSTOMER, Role.AGENT: pb2.ROLE_AGENT}
    return pb2.RewriteRequest(draft=draft, language=language,
                              conversation=[pb2.Message(role=roles[m.role], text=m.text) for m in conversation])
