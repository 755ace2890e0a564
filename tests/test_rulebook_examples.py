"""Every rule's own examples: `bad` ones are flagged with that rule, `good` ones are not.

A bad example may pin its finding (``excerpt`` and ``suggestion``), as Vale's
testdata and LanguageTool's ``<example correction>`` do: then the rule must
flag exactly that span with exactly that suggestion, so a change that finds
the right rule at the wrong place, or suggests something else, fails here.
One generated test per example, in every language the rule covers.
"""

from __future__ import annotations

import pytest

from service.rulebook import CATALOGUE, load_rulebook

BOOK = load_rulebook()


def _cases(kind: str):
    for rule in BOOK.rules.values():
        examples = rule.bad if kind == "bad" else rule.good
        for lang, items in examples.items():
            for i, ex in enumerate(items):
                yield pytest.param(rule.id, lang, ex, id=f"{rule.id}-{lang}-{kind}{i}")


@pytest.mark.parametrize("rule_id,lang,example", list(_cases("bad")))
def test_bad_example_is_flagged(rule_id, lang, example):
    found = [v for v in BOOK.check(example.text, example.conversation, example.customer_name, lang)
             if v.rule_id == rule_id]
    assert found, f"{example.text!r} not flagged"
    if example.excerpt is not None:
        got = [(v.excerpt, v.suggestion) for v in found]
        assert (example.excerpt, example.suggestion or "") in got, f"{example.text!r}: findings {got}"
        v = next(v for v in found if v.excerpt == example.excerpt)
        assert example.text[v.span.start:v.span.end] == v.excerpt


@pytest.mark.parametrize("rule_id,lang,example", list(_cases("good")))
def test_good_example_is_not_flagged(rule_id, lang, example):
    found = BOOK.check(example.text, example.conversation, example.customer_name, lang)
    hits = [v for v in found if v.rule_id == rule_id]
    assert not hits, f"{example.text!r} wrongly flagged: {hits}"


@pytest.mark.parametrize("rule_id", CATALOGUE)
def test_every_rule_has_bad_and_good_examples_in_every_language(rule_id):
    rule = BOOK.rule(rule_id)
    for lang in rule.languages:
        assert rule.bad.get(lang), f"{rule_id}: no bad example in {lang}"
        assert rule.good.get(lang), f"{rule_id}: no good example in {lang}"


@pytest.mark.parametrize("rule_id", CATALOGUE)
def test_every_rule_pins_a_span_and_suggestion_in_every_language(rule_id):
    rule = BOOK.rule(rule_id)
    for lang in rule.languages:
        assert any(ex.excerpt is not None for ex in rule.bad.get(lang, ())), \
            f"{rule_id}: no bad example in {lang} pins its excerpt and suggestion"


def test_a_wrong_pin_fails(tmp_path):
    """The pin is checked, not decorative: a wrong suggestion makes the example test fail."""
    from service.rulebook import Example

    ex = Example("omg idk why that happened", excerpt="idk", suggestion="I do not know")
    with pytest.raises(AssertionError):
        test_bad_example_is_flagged("no-slang", "en", ex)
