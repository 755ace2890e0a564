"""Every rule's own examples: `bad` ones are flagged with that rule, `good` ones are not.

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
    found = BOOK.check(example.text, example.conversation, example.customer_name, lang)
    assert rule_id in {v.rule_id for v in found}, f"{example.text!r} not flagged: {found}"


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
