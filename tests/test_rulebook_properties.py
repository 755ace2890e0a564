"""Property tests: any text, any conversation, never an exception; spans stay inside the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain import Message, Role
from service.rulebook import load_rulebook

BOOK = load_rulebook()

# Mix arbitrary Unicode with fragments that trigger rules, so the detectors'
# span arithmetic (deletions, widened spans, runs of capitals) gets exercised.
FRAGMENTS = st.sampled_from([
    "lol", " pls ", "YOU ", "CAN ", "!!!", "ma'am", ", ", "señora", "女士", "哈哈", "886", "always",
    "definitely ", "FAQ", "PDF", "CDN", "?", ".", "\n", " ", "my name is Priya", "Priya", "order 10552",
    "what's your email?", "jo@example.com", "supervisor", "I can't transfer you", "sempre", "al 100%",
    "\u200b", "\U0001F600", "İ", "ß", "ǅ", "Ⅻ", "ﬁ", "\x00",
])
TEXT = st.lists(st.one_of(st.text(max_size=12), FRAGMENTS), max_size=12).map("".join)
MESSAGES = st.lists(st.builds(Message, st.sampled_from(list(Role)), TEXT), max_size=6)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, conversation=MESSAGES, name=st.one_of(st.just(""), TEXT),
       language=st.sampled_from(["en", "it", "es", "zh", "fr", ""]))
def test_check_never_raises_and_spans_are_inside(text, conversation, name, language):
    found = BOOK.check(text, conversation, name, language)
    starts = [v.span.start for v in found]
    assert starts == sorted(starts)
    for v in found:
        assert 0 <= v.span.start <= v.span.end <= len(text)
        assert text[v.span.start:v.span.end] == v.excerpt
        assert v.rule_id in BOOK.rules
        assert isinstance(v.suggestion, str)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), language=st.sampled_from(["en", "it", "es", "zh"]))
def test_plain_unicode_text(text, language):
    for v in BOOK.check(text, (), "", language):
        assert text[v.span.start:v.span.end] == v.excerpt
