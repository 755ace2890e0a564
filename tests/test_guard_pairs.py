"""Table-driven: the labelled pairs in tests/data/verify_pairs.jsonl.

Every dishonest candidate must be caught; at least 90% of the honest ones
accepted. ``tests/eval_verify.py`` prints the same numbers as a matrix.
"""

from __future__ import annotations

from collections import Counter

import pytest

from service.domain import Message, Role
from service.guard import Guard
from tests.eval_verify import evaluate, load_pairs

PAIRS = load_pairs()


def test_the_table_is_big_balanced_and_covers_four_languages() -> None:
    assert len(PAIRS) >= 40
    honest = sum(p["honest"] for p in PAIRS)
    assert honest == len(PAIRS) - honest
    assert Counter(p["lang"] for p in PAIRS).keys() == {"en", "it", "es", "zh"}
    for p in PAIRS:
        assert set(p) == {"lang", "draft", "candidate", "conversation", "honest", "note"}
        assert all(set(m) == {"role", "text"} for m in p["conversation"])


@pytest.mark.parametrize("pair", [p for p in PAIRS if not p["honest"]], ids=lambda p: f"{p['lang']}:{p['note']}")
def test_every_dishonest_candidate_is_caught(pair: dict) -> None:
    conv = [Message(Role(m["role"]), m["text"]) for m in pair["conversation"]]
    assert Guard().verify(pair["draft"], pair["candidate"], conv, pair["lang"])


def test_at_least_90_percent_of_honest_candidates_are_accepted() -> None:
    counts, _ = evaluate(PAIRS)
    tn, fp = counts[("all", "tn")], counts[("all", "fp")]
    assert counts[("all", "fn")] == 0
    assert tn >= 0.9 * (tn + fp)
