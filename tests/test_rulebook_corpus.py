"""The rulebook on the held-out half of the rulebook corpus: floors it reaches today.

The floors are the measured numbers rounded down (tests/eval_rulebook_corpus.py
prints them), so a rule change that loses recall or precision on drafts it was
not tuned on fails here. Raise them as the rules improve; the issue's target
is 0.95 recall and precision in every language.
"""

from __future__ import annotations

import pytest

from tests.eval_rulebook_corpus import evaluate, load

RESULT = evaluate(load("test"))

# Measured on the test half at this commit: recall en 0.82 it 0.76 es 0.67 zh 0.68
# (precision en 1.00 it 1.00 es 0.96 zh 1.00).
RECALL_FLOOR = {"en": 0.81, "it": 0.76, "es": 0.66, "zh": 0.68}
PRECISION_FLOOR = 0.95


@pytest.mark.parametrize("lang", sorted(RECALL_FLOOR))
def test_recall_and_precision_floors(lang):
    counts = RESULT.langs[lang]
    assert counts.recall >= RECALL_FLOOR[lang], f"{lang} recall {counts.recall:.2f}"
    assert counts.precision >= PRECISION_FLOOR, f"{lang} precision {counts.precision:.2f}"


def test_no_flag_on_a_clean_draft():
    assert RESULT.clean_drafts >= 32
    assert not RESULT.clean_flags


def test_the_corpus_is_what_the_issue_asked_for():
    cases = load("test") + load("dev")
    assert len(cases) >= 240
    for lang in ("en", "it", "es", "zh"):
        mine = [c for c in cases if c["lang"] == lang]
        assert len(mine) >= 60 and sum(c["clean"] for c in mine) >= 0.2 * len(mine)
