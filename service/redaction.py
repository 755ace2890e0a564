"""PII redaction before text leaves the process for a hosted model.

Emails, phone numbers, payment card numbers and IBANs are replaced by stable
placeholders (``[EMAIL_1]``: the same value gets the same placeholder
everywhere in one request), and the model's answer is restored before the
guard runs, so the guard still proves every fact survived. The placeholders
are themselves facts to the model: the prompt tells it to keep them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.regex_guard import first_char_guarded
from service.textnorm import LATIN_WORD_CHAR

# Each pattern behind a lookahead on its first characters (see regex_guard):
# the same matches, most positions of a long prompt skipped in one step.
# A letter or digit of a word a value can't start or end inside. Not a CJK
# character: Chinese writes numbers and addresses against its words with no
# space ("请拨打13812345678联系我们"), and ``re`` reads both as \w.
_WORD = LATIN_WORD_CHAR
_EMAIL = re.compile(rf"(?:{_WORD}|[.+-])+@(?:{_WORD}|-)+(?:\.(?:{_WORD}|-)+)+")
# The same matches found from each "@": the local part read backwards from
# it, the domain forwards. ``_EMAIL.sub`` tried a match at every letter of a
# 400 KB prompt (180 ms on the maximum-size request); this reads each
# character about once (25 ms).
_LOCAL_CHAR = re.compile(rf"{_WORD}|[.+-]")
_DOMAIN = re.compile(rf"(?:{_WORD}|-)+(?:\.(?:{_WORD}|-)+)+")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each match ``_EMAIL.finditer`` would give, in order."""
    spans: list[tuple[int, int]] = []
    last_end = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > last_end and _LOCAL_CHAR.match(text, start - 1):
            start -= 1
        domain = _DOMAIN.match(text, at + 1) if start < at else None
        if domain is not None:
            spans.append((start, domain.end()))
            last_end = domain.end()
        at = text.find("@", max(at + 1, last_end))
    return spans
_IBAN = re.compile(first_char_guarded(
    rf"(?<!{_WORD})[A-Z]{{2}}\d{{2}}(?:[ ]?[A-Z0-9]{{4}}){{2,7}}(?:[ ]?[A-Z0-9]{{1,3}})?(?!{_WORD})"))
_CARD = re.compile(first_char_guarded(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"))
_PHONE = re.compile(first_char_guarded(rf"(?<!{_WORD})(?<!\+)\+?\(?\d[\d ().-]{{5,}}\d(?!\d)"))
_DIGIT = re.compile(r"\d")
_PLACEHOLDER = re.compile(r"\[(EMAIL|PHONE|CARD|IBAN)_(\d+)\]")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@dataclass
class Redactor:
    """One request's mapping between PII values and placeholders."""

    _by_value: dict[str, str] = field(default_factory=dict)
    _by_placeholder: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def _placeholder(self, kind: str, value: str) -> str:
        if value in self._by_value:
            return self._by_value[value]
        self._counts[kind] = self._counts.get(kind, 0) + 1
        placeholder = f"[{kind}_{self._counts[kind]}]"
        self._by_value[value] = placeholder
        self._by_placeholder[placeholder] = value
        return placeholder

    @property
    def redacted_count(self) -> int:
        return len(self._by_value)

    def redact(self, text: str) -> str:
        if "@" in text:  # every email has one; scanning for them is the costly part
            pieces, done = [], 0
            for start, end in _email_spans(text):
                pieces += [text[done:start], self._placeholder("EMAIL", text[start:end])]
                done = end
            text = "".join(pieces) + text[done:]
        if _DIGIT.search(text) is None:
            return text  # IBANs, card and phone numbers all need a digit
        text = _IBAN.sub(lambda m: self._placeholder("IBAN", m.group()), text)

        def card(m: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", m.group())
            if 13 <= len(digits) <= 19 and _luhn_ok(digits):
                return self._placeholder("CARD", m.group())
            return m.group()

        text = _CARD.sub(card, text)

        def phone(m: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", m.group())
            # 7 to 15 digits (E.164's maximum): shorter runs are order numbers,
            # prices and years; longer ones are not phone numbers.
            return self._placeholder("PHONE", m.group()) if 7 <= len(digits) <= 15 else m.group()

        return _PHONE.sub(phone, text)

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._by_placeholder.get(m.group(), m.group()), text)

    def redact_messages(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{**m, "content": self.redact(m["content"])} for m in messages]
