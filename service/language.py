"""Language tags and language detection.

Detection uses lingua (``lingua-language-detector``), which is built for short
texts such as chat messages, restricted to the languages the rulebook covers so
it never answers with a language we have no rules for. The detector is built
once (model construction is the expensive part) and reused for every call.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Sequence

from lingua import IsoCode639_1, LanguageDetectorBuilder

from service.domain import Message, Role
from service.regex_guard import first_char_guarded

# BCP-47: a 2-3 letter primary language subtag (or 4-8 for registered
# languages), then subtags of 1-8 alphanumerics separated by "-" (or "_",
# which clients often send).
_TAG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Emails, URLs and numbers are in no language, but lingua reads "example.it"
# or "luca.bianchi" as words; strip them before detecting.
_NOT_LANGUAGE = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\d[\d.,:/-]*")
# The same for a text without "@", which can hold no email: the email branch
# runs to the end of every unspaced stretch from each of its characters, which
# in Chinese (no spaces) cost more than lingua itself.
_NOT_LANGUAGE_NO_EMAIL = re.compile(first_char_guarded(r"(?:https?://|www\.)\S+|\d[\d.,:/-]*"))

# Below this many letters lingua guesses; "k" or "ok" says nothing about a language.
MIN_LETTERS = 3
# With four candidate languages a confident answer is far above 1/4.
MIN_CONFIDENCE = 0.6


def normalize_tag(tag: str) -> str:
    """Return the base language of a BCP-47 tag: "it-IT" -> "it", "zh-Hans-CN" -> "zh"."""
    cleaned = tag.strip()
    if not _TAG.match(cleaned):
        raise ValueError(f"malformed language tag {tag!r}: expected a BCP-47 tag such as 'en' or 'it-IT'")
    return cleaned.replace("_", "-").split("-", 1)[0].lower()


class LanguageDetector:
    """A lingua detector for the given base tags, built once."""

    def __init__(self, languages: Sequence[str]) -> None:
        codes = []
        for tag in languages:
            base = normalize_tag(tag)
            try:
                codes.append(getattr(IsoCode639_1, base.upper()))
            except AttributeError:
                raise ValueError(f"language {tag!r} is not known to lingua") from None
        if not codes:
            raise ValueError("LanguageDetector needs at least one language")
        self.languages = tuple(normalize_tag(t) for t in languages)
        self._single = self.languages[0] if len(self.languages) == 1 else None
        self._detector = (
            # models preloaded now, so the first request doesn't pay for loading them
            LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()
            if len(codes) > 1 else None
        )

    def confidence(self, text: str) -> tuple[str | None, float]:
        """The most likely base tag and its confidence (0..1), or (None, 0.0)."""
        text = _SURROGATES.sub("", text)
        text = (_NOT_LANGUAGE if "@" in text else _NOT_LANGUAGE_NO_EMAIL).sub(" ", text)
        if len(list(islice((ch for ch in text if ch.isalpha()), MIN_LETTERS))) < MIN_LETTERS:  # stops at the 3rd
            return None, 0.0
        if self._detector is None:
            return self._single, 1.0
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None, 0.0
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), best.value

    def detect(self, text: str) -> str | None:
        """The base tag of ``text``, or None when the text is too short or lingua is unsure."""
        tag, value = self.confidence(text)
        return tag if tag is not None and value >= MIN_CONFIDENCE else None


def resolve_language(
    requested: str,
    conversation: Sequence[Message],
    draft: str,
    detector: LanguageDetector,
    supported: Sequence[str],
    default: str = "en",
) -> str:
    """The language to check and rewrite in.

    The requested tag wins when given; otherwise the customer's messages decide
    (the reply should mirror the customer), then the draft, then ``default``.
    """
    supported_set = tuple(supported)
    if requested and requested.strip():
        base = normalize_tag(requested)
        if base not in supported_set:
            raise ValueError(
                f"language {requested!r} is not supported; supported languages: {', '.join(supported_set)}"
            )
        return base
    customer_text = " ".join(m.text for m in conversation if m.role is Role.CUSTOMER)
    # The customer's words decide; when they are too few to be sure, the
    # customer's and the draft's together, then the draft alone.
    for text in (customer_text, f"{customer_text} {draft}" if customer_text.strip() else "", draft):
        if text.strip():
            found = detector.detect(text[-1000:])
            if found in supported_set:
                return found
    return default
