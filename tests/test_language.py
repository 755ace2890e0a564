"""Language tags, lingua-based detection and the resolution order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import Message, Role
from service.language import LanguageDetector, normalize_tag, resolve_language

SUPPORTED = ("en", "it", "es", "zh")
DETECTOR = LanguageDetector(SUPPORTED)


@pytest.mark.parametrize("tag,base", [
    ("en", "en"), ("it-IT", "it"), ("zh-Hans-CN", "zh"), ("es_419", "es"), ("EN-gb", "en"), (" fr ", "fr"),
])
def test_normalize_tag(tag, base):
    assert normalize_tag(tag) == base


@pytest.mark.parametrize("tag", ["", "e", "en--US", "123", "en-", "toolonglanguage", "en US", "zh-Hans-CN-x-abcdefghij"])
def test_normalize_tag_rejects_malformed(tag):
    with pytest.raises(ValueError):
        normalize_tag(tag)


@pytest.mark.parametrize("text,lang", [
    ("Where is my order? It was supposed to arrive yesterday.", "en"),
    ("Dov'è il mio ordine? Doveva arrivare ieri.", "it"),
    ("¿Dónde está mi pedido? Tenía que llegar ayer.", "es"),
    ("我的包裹什么时候到?", "zh"),
    ("ok cmq nn ti preoccupare xké sistemiamo tutto", "it"),
])
def test_detect(text, lang):
    assert DETECTOR.detect(text) == lang


@pytest.mark.parametrize("text", ["", "k", "ok", "123 456", "!!!", "\U0001F600"])
def test_detect_unsure_returns_none(text):
    assert DETECTOR.detect(text) is None


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_detect_never_raises(text):
    assert DETECTOR.detect(text) in (None, *SUPPORTED)


def test_detector_rejects_unknown_language():
    with pytest.raises(ValueError):
        LanguageDetector(["en", "xx"])


def C(text):
    return Message(Role.CUSTOMER, text)


def test_requested_tag_wins():
    conv = [C("Where is my order? It was supposed to arrive yesterday.")]
    assert resolve_language("it-IT", conv, "", DETECTOR, SUPPORTED) == "it"


def test_requested_unsupported_or_malformed():
    with pytest.raises(ValueError, match="supported languages: en, it, es, zh"):
        resolve_language("fr-FR", [], "", DETECTOR, SUPPORTED)
    with pytest.raises(ValueError, match="malformed"):
        resolve_language("en--US", [], "", DETECTOR, SUPPORTED)


def test_customer_messages_before_draft():
    conv = [C("¿Dónde está mi pedido? Tenía que llegar ayer."), Message(Role.AGENT, "Let me check that for you right away.")]
    assert resolve_language("", conv, "Sure, I'll check your order right away.", DETECTOR, SUPPORTED) == "es"


def test_draft_then_default():
    assert resolve_language("", [], "Certo, controllo subito il suo ordine.", DETECTOR, SUPPORTED) == "it"
    assert resolve_language("", [C("ok")], "k", DETECTOR, SUPPORTED) == "en"
    assert resolve_language("", [], "", DETECTOR, SUPPORTED, default="es") == "es"


def test_single_language_detector():
    only_en = LanguageDetector(["en"])
    assert only_en.detect("whatever text this is") == "en"
