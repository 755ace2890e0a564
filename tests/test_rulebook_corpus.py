"""The rulebook on the rulebook corpus: floors it reaches today, per half.

The floors are the measured numbers less a small margin (tests/eval_rulebook_corpus.py
prints them), so a rule change that loses recall or precision fails here. The
held-out halves (test, test2, ... test9) are for measuring, never for reading: a failure
here names only the language and the figure. Raise the floors as the rules
improve; the issue's target is 0.95 recall and precision in every language,
with no flag on a clean draft.
"""

from __future__ import annotations

import pytest

from tests.eval_rulebook_corpus import Result, evaluate, held_out, load, report

# Measured at this commit (issue 15), recall per language / precision per language:
#   test:  en 0.89 it 0.85 es 0.82 zh 0.80 / en 1.00 it 0.97 es 0.97 zh 0.97, 0 of 32 clean flagged
#   test2: en 0.79 it 0.83 es 0.77 zh 0.78 / en 0.96 it 0.95 es 0.95 zh 1.00, 1 of 24 clean flagged
#   test3: en 0.66 it 0.72 es 0.54 zh 0.52 / en 0.94 it 0.92 es 0.79 zh 0.84, 4 of 24 clean flagged
#   dev:   en 0.97 it 0.97 es 0.97 zh 1.00 / en 1.00 it 1.00 es 0.97 zh 1.00, 0 of 32
#   dev2:  en 0.95 it 1.00 es 1.00 zh 1.00 / en 1.00 it 1.00 es 1.00 zh 0.96, 0 of 21
#   dev3:  en 0.88 it 0.85 es 0.79 zh 0.89 / en 1.00 it 0.96 es 0.94 zh 0.98, 2 of 24
# and at the end of the eleventh session:
#   test4: en 0.73 it 0.63 es 0.65 zh 0.57 / en 0.93 it 0.88 es 0.94 zh 1.00, 2 of 20 clean flagged
#   test5: en 0.68 it 0.67 es 0.68 zh 0.76 / en 0.94 it 0.98 es 0.95 zh 0.89, 2 of 24 clean flagged
#   dev4:  en 0.77 it 0.75 es 0.76 zh 0.74 / en 0.88 it 0.88 es 0.76 zh 0.92, 3 of 20
#   dev5:  en 0.80 it 0.84 es 0.77 zh 0.80 / en 0.89 it 0.93 es 0.94 zh 0.95, 1 of 24
# Fifteenth session: greet-properly now fires only under a customer message that is
# nothing but a hello, as the project's labelled cases (eval_cases.jsonl) read the rule; the
# corpora written for this issue expect it under any first message, so their recall fell
# (README, "greet-properly"). Floors re-measured then, recall per language:
#   test:  en 0.86 it 0.85 es 0.79 zh 0.76
#   test2: en 0.75 it 0.79 es 0.73 zh 0.74
#   test3: en 0.62 it 0.72 es 0.51 zh 0.56
#   test4: en 0.71 it 0.58 es 0.61 zh 0.57
#   test5: en 0.66 it 0.66 es 0.68 zh 0.76
#   dev:   en 0.95 it 0.92 es 0.95 zh 1.00
#   dev2:  en 1.00 it 0.96 es 1.00 zh 1.00
#   dev3:  en 0.86 it 0.85 es 0.82 zh 0.89
#   dev4:  en 0.79 it 0.75 es 0.73 zh 0.72
#   dev5:  en 0.80 it 0.80 es 0.77 zh 0.82
RECALL_FLOOR = {
    "test": {"en": 0.84, "it": 0.83, "es": 0.77, "zh": 0.74},
    "test2": {"en": 0.73, "it": 0.77, "es": 0.71, "zh": 0.72},
    "test3": {"en": 0.60, "it": 0.70, "es": 0.49, "zh": 0.54},
    "dev": {"en": 0.93, "it": 0.90, "es": 0.93, "zh": 0.98},
    "dev2": {"en": 0.98, "it": 0.94, "es": 0.98, "zh": 0.98},
    "dev3": {"en": 0.84, "it": 0.83, "es": 0.80, "zh": 0.87},
    # eleventh session: corpus4 and corpus5 (test4, test5 held out)
    "test4": {"en": 0.69, "it": 0.56, "es": 0.59, "zh": 0.55},
    "test5": {"en": 0.64, "it": 0.64, "es": 0.66, "zh": 0.74},
    "dev4": {"en": 0.77, "it": 0.73, "es": 0.71, "zh": 0.70},
    "dev5": {"en": 0.78, "it": 0.78, "es": 0.75, "zh": 0.80},
    # twenty-second session: vague status in Chinese (很快就到, 反馈给研发, 耐心等待) added one false
    # flag on test5 zh (precision 0.89 -> 0.86), so its precision floor went 0.87 -> 0.85.
    # corpus6 (test6 held out), first look en 0.62 it 0.54 es 0.52 zh 0.55
    # / en 0.90 it 0.93 es 0.92 zh 0.86, 4 of 28 clean flagged
    "test6": {"en": 0.60, "it": 0.52, "es": 0.50, "zh": 0.53},
    # twenty-fifth session: corpus7 (test7 held out), written fresh and measured before any
    # rule change: en 0.71 it 0.70 es 0.54 zh 0.69 / en 0.92 it 0.89 es 0.78 zh 0.97,
    # 1 of 32 clean flagged
    # at the end of that session: test7 recall en 0.71 it 0.74 es 0.57 zh 0.69, precision
    # en 0.97 it 0.97 es 0.84 zh 0.97; dev7 (read while tuning) recall en 0.70 -> 0.81,
    # it 0.73 -> 0.80, es 0.62 -> 0.73, zh 0.71 -> 0.82
    "test7": {"en": 0.69, "it": 0.72, "es": 0.55, "zh": 0.67},
    "dev7": {"en": 0.79, "it": 0.78, "es": 0.71, "zh": 0.80},
    # twenty-sixth session: corpus8 (test8 held out), written fresh and measured before any
    # rule change: en 0.49 it 0.62 es 0.63 zh 0.49 / en 1.00 it 0.95 es 0.93 zh 0.89,
    # 1 of 32 clean flagged
    "test8": {"en": 0.47, "it": 0.60, "es": 0.61, "zh": 0.47},
    # dev8, read while tuning, before any rule change: en 0.64 it 0.56 es 0.59 zh 0.57 /
    # en 0.91 it 0.88 es 0.90 zh 0.94, 2 of 28 clean flagged
    "dev8": {"en": 0.67, "it": 0.60, "es": 0.63, "zh": 0.58},
    # twenty-seventh session: corpus9 (test9 held out), written fresh and measured at
    # 8c2133a before any rule change: en 0.63 it 0.67 es 0.65 zh 0.75 / en 0.87 it 1.00
    # es 0.91 zh 0.94, 2 of 34 clean flagged
    "test9": {"en": 0.61, "it": 0.65, "es": 0.63, "zh": 0.73},
    # dev9, read while tuning, before any rule change: en 0.83 it 0.69 es 0.63 zh 0.61 /
    # en 0.89 it 0.91 es 0.92 zh 0.82, 2 of 32 clean flagged
    # after deflection to any third party ("you'd have to ask the lab", "请联系快递员"):
    # en 0.85 it 0.69 es 0.66 zh 0.68; after excuses by staff away and blame on a
    # colleague: en 0.88 it 0.69 es 0.68 zh 0.71
    "dev9": {"en": 0.86, "it": 0.67, "es": 0.66, "zh": 0.69},
}
PRECISION_FLOOR = {"test": 0.95, "test2": 0.93, "test3": 0.77, "dev": 0.95, "dev2": 0.94, "dev3": 0.92,
                   "test4": 0.86, "test5": 0.85, "dev4": 0.74, "dev5": 0.87,
                   "test6": 0.84, "test7": 0.82, "dev7": 0.83, "test8": 0.87, "dev8": 0.86,
                   "test9": 0.85, "dev9": 0.80}
# Clean drafts a half may have flagged at most (the target is none).
CLEAN_FLAGS_AT_MOST = {"test": 0, "test2": 1, "test3": 4, "dev": 0, "dev2": 0, "dev3": 2,
                       "test4": 2, "test5": 2, "dev4": 3, "dev5": 1, "test6": 4, "test7": 1, "dev7": 0, "test8": 1, "dev8": 2,
                       "test9": 2, "dev9": 2}

_RESULTS: dict[str, Result] = {}


def result(half: str) -> Result:
    if half not in _RESULTS:
        _RESULTS[half] = evaluate(load(half))
    return _RESULTS[half]


@pytest.mark.parametrize("half,lang", [(h, l) for h in RECALL_FLOOR for l in sorted(RECALL_FLOOR[h])])
def test_recall_and_precision_floors(half: str, lang: str) -> None:
    counts = result(half).langs[lang]
    assert counts.recall >= RECALL_FLOOR[half][lang], f"{half} {lang} recall {counts.recall:.2f}"
    assert counts.precision >= PRECISION_FLOOR[half], f"{half} {lang} precision {counts.precision:.2f}"


@pytest.mark.parametrize("half", sorted(CLEAN_FLAGS_AT_MOST))
def test_clean_drafts_flagged_at_most(half: str) -> None:
    res = result(half)
    assert res.clean_drafts >= 20
    # only the count in the message: the held-out halves are not for reading
    assert len(res.clean_flags) <= CLEAN_FLAGS_AT_MOST[half], f"{half}: {len(res.clean_flags)} clean drafts flagged"


def test_the_corpus_is_what_the_issue_asked_for():
    cases = load("test") + load("dev")
    assert len(cases) >= 240
    for lang in ("en", "it", "es", "zh"):
        mine = [c for c in cases if c["lang"] == lang]
        assert len(mine) >= 60 and sum(c["clean"] for c in mine) >= 0.2 * len(mine)


def _flagged_result() -> Result:
    res = Result(clean_drafts=2)
    res.clean_flags.append(("case-secret-id", ["no-slang"]))
    res.misses.append(("case-secret-id", "the secret draft text", [], ["no-slang"]))
    return res


@pytest.mark.parametrize("split", ["test", "test2", "tests/data/rulebook/test2.jsonl"])
def test_a_held_out_half_prints_counts_never_ids_or_drafts(split: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert held_out(split)
    report(_flagged_result(), misses=True, counts_only=held_out(split))
    out = capsys.readouterr().out
    assert "clean drafts flagged: 1 of 2" in out and "drafts where flagged != expected: 1" in out
    assert "secret" not in out


def test_a_dev_half_lists_the_flagged_drafts(capsys: pytest.CaptureFixture[str]) -> None:
    assert not held_out("dev2")
    report(_flagged_result(), misses=True, counts_only=held_out("dev2"))
    out = capsys.readouterr().out
    assert "case-secret-id" in out and "the secret draft text" in out
