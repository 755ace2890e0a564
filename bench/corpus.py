"""The fixed benchmark corpus: drafts with conversations in en/it/es/zh.

Built from the evaluation cases (``tests/data/eval_cases.jsonl``, or
``$BENCH_CASES``; a few built-in cases when neither exists) plus generated
longer items: drafts of 300-1,500 characters and conversations of 5-40
messages, assembled deterministically (fixed seed) from the same sentences,
so every run measures the same bytes.

``draft_of_length`` and ``conversation_of_length`` build the inputs of the
rule-engine scaling benchmark.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from tests.shared_data import eval_cases_path

from service.domain import Message, Role

CASES = Path(os.environ["BENCH_CASES"]) if os.environ.get("BENCH_CASES") else eval_cases_path()
LANGUAGES = ("en", "it", "es", "zh")
SEED = 20261126

# Sentences that break no particular rule, so generated texts are a realistic
# mix of clean prose and the violations the case drafts carry.
_FILLER = {
    "en": ("Thanks for your patience while I look into this.",
           "I checked your account and the payment went through on Monday.",
           "Your order 10552 left our warehouse yesterday afternoon.",
           "You can find the invoice under Billing in your profile.",
           "Let me know if the download still fails after that."),
    "it": ("Grazie per la pazienza mentre controllo.",
           "Ho verificato il tuo account e il pagamento è andato a buon fine lunedì.",
           "Il tuo ordine 10552 è partito dal magazzino ieri pomeriggio.",
           "Trovi la fattura nella sezione Pagamenti del tuo profilo.",
           "Fammi sapere se il download non funziona ancora."),
    "es": ("Gracias por tu paciencia mientras lo reviso.",
           "Revisé tu cuenta y el pago se procesó el lunes.",
           "Tu pedido 10552 salió de nuestro almacén ayer por la tarde.",
           "Puedes encontrar la factura en la sección Facturación de tu perfil.",
           "Avísame si la descarga sigue fallando después de eso."),
    "zh": ("感谢您的耐心等待，我正在为您查询。",
           "我查看了您的账户，付款已于周一成功处理。",
           "您的订单10552昨天下午已从仓库发出。",
           "您可以在个人资料的账单页面找到发票。",
           "如果下载仍然失败，请告诉我。"),
}
_CUSTOMER = {
    "en": ("Hi, I still haven't received my refund.", "Can you check order 10552 please?",
           "The app keeps logging me out.", "Why was I charged twice?"),
    "it": ("Ciao, non ho ancora ricevuto il rimborso.", "Potete controllare l'ordine 10552?",
           "L'app continua a disconnettermi.", "Perché mi avete addebitato due volte?"),
    "es": ("Hola, todavía no he recibido mi reembolso.", "¿Pueden revisar el pedido 10552?",
           "La aplicación me sigue cerrando la sesión.", "¿Por qué me cobraron dos veces?"),
    "zh": ("你好，我还没有收到退款。", "请帮我查一下订单10552。", "应用一直把我登出。", "为什么扣了我两次款？"),
}
_BUILTIN = [
    {"id": "builtin-en", "lang": "en", "draft": "omg idk why that happened, pls w8",
     "context": [{"role": "customer", "text": "Hey, I was charged twice for order 10552."}]},
    {"id": "builtin-it", "lang": "it", "draft": "Non è colpa nostra, il corriere ha sbagliato.",
     "context": [{"role": "customer", "text": "Il pacco non è arrivato."}]},
    {"id": "builtin-es", "lang": "es", "draft": "NO PODEMOS HACER NADA!!!",
     "context": [{"role": "customer", "text": "¿Pueden cambiar la dirección?"}]},
    {"id": "builtin-zh", "lang": "zh", "draft": "这不是我们的问题。",
     "context": [{"role": "customer", "text": "我的包裹丢了。"}]},
]


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    draft: str
    conversation: tuple[Message, ...]
    customer_name: str = ""

    @property
    def chars(self) -> int:
        return len(self.draft) + sum(len(m.text) for m in self.conversation)


def _role(name: str) -> Role:
    return {"customer": Role.CUSTOMER, "agent": Role.AGENT}.get(name, Role.UNSPECIFIED)


def load_cases() -> list[Item]:
    raw = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()] \
        if CASES.exists() else _BUILTIN
    items = []
    for case in raw:
        if case.get("lang") not in LANGUAGES or not case.get("draft", "").strip():
            continue
        conversation = tuple(Message(_role(m.get("role", "")), m["text"]) for m in case.get("context", []))
        items.append(Item(case["id"], case["lang"], case["draft"], conversation, case.get("customer_name", "")))
    return items


def _sentences(lang: str, cases: list[Item]) -> list[str]:
    return [c.draft for c in cases if c.lang == lang and len(c.draft) > 5] + list(_FILLER[lang])


def _join(lang: str, parts: list[str]) -> str:
    return ("" if lang == "zh" else " ").join(parts)


def draft_of_length(lang: str, chars: int, rng: random.Random | None = None,
                    cases: list[Item] | None = None) -> str:
    """A draft of exactly ``chars`` characters made of the language's sentences."""
    rng = rng or random.Random(SEED)
    pool = _sentences(lang, cases if cases is not None else load_cases())
    parts: list[str] = []
    while len(_join(lang, parts)) < chars:
        parts.append(rng.choice(pool))
    return _join(lang, parts)[:chars]


def conversation_of_length(lang: str, messages: int, rng: random.Random | None = None,
                           cases: list[Item] | None = None) -> tuple[Message, ...]:
    """``messages`` alternating customer/agent messages, oldest first, ending with the customer."""
    rng = rng or random.Random(SEED)
    agent_pool = _sentences(lang, cases if cases is not None else load_cases())
    out = []
    for i in range(messages):
        customer_turn = (messages - 1 - i) % 2 == 0
        text = rng.choice(_CUSTOMER[lang]) if customer_turn else rng.choice(agent_pool)
        out.append(Message(Role.CUSTOMER if customer_turn else Role.AGENT, text))
    return tuple(out)


def build_corpus(generated_per_language: int = 4) -> list[Item]:
    """The case items, then ``generated_per_language`` longer items per language."""
    cases = load_cases()
    rng = random.Random(SEED)
    items = list(cases)
    lengths = (300, 700, 1100, 1500)
    turns = (5, 12, 20, 40)
    for lang in LANGUAGES:
        for i in range(generated_per_language):
            chars = lengths[i % len(lengths)] // (3 if lang == "zh" else 1)
            items.append(Item(f"gen-{lang}-{i + 1:02d}", lang, draft_of_length(lang, chars, rng, cases),
                              conversation_of_length(lang, turns[i % len(turns)], rng, cases), "Maria"))
    return items


# --------------------------------------------------------------------------- protobuf


def check_request(item: Item):  # -> pb2.CheckRequest
    from service.pb import pb2

    return pb2.CheckRequest(text=item.draft, conversation=_pb_messages(item), customer_name=item.customer_name,
                            language=item.lang)


def rewrite_request(item: Item, draft: str | None = None):  # -> pb2.RewriteRequest
    from service.pb import pb2

    return pb2.RewriteRequest(draft=item.draft if draft is None else draft, conversation=_pb_messages(item),
                              customer_name=item.customer_name, language=item.lang)


def _pb_messages(item: Item) -> list:
    from service.pb import pb2

    roles = {Role.CUSTOMER: pb2.ROLE_CUSTOMER, Role.AGENT: pb2.ROLE_AGENT, Role.UNSPECIFIED: pb2.ROLE_UNSPECIFIED}
    return [pb2.Message(role=roles[m.role], text=m.text) for m in item.conversation]


def summary(items: list[Item]) -> dict[str, object]:
    by_lang = {lang: sum(1 for i in items if i.lang == lang) for lang in LANGUAGES}
    return {"items": len(items), "by_language": by_lang,
            "draft_chars_max": max(len(i.draft) for i in items),
            "conversation_messages_max": max(len(i.conversation) for i in items)}
