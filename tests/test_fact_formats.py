"""The guard on values written another way: a format matrix, per language.

``tests/data/formats/same.json`` holds groups of one value as an agent's
chat shorthand ("14/11 8-13", "30gg", "1.250,00€", "周六 02:00-06:00")
followed by the ways a polished rewrite may say exactly that value;
``changed.json`` holds the shorthand followed by renderings that look alike
but state another value (am/pm swapped, another day, working days for days).
A helper wrote both from how people write these values, not from the
guard's lexicons; they test the fact normaliser as a whole class, where the
honesty corpora meet it one pair at a time.

A changed value must always be caught; the few the guard can't tell apart
yet are listed in ``KNOWN_MISSES`` with the reason, and fail the test once
caught (strict xfail). A same value should pass: the floors are the counts
measured when the matrix was added; raise them as the normaliser learns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.guard import Guard
from service.rulebook import load_rulebook

DATA = Path(__file__).parent / "data" / "formats"
SAME = json.loads((DATA / "same.json").read_text(encoding="utf-8"))
CHANGED = json.loads((DATA / "changed.json").read_text(encoding="utf-8"))

# The value inside a neutral sentence, so the pair differs only in it.
SENTENCE = {"en": "Your appointment is {}.", "it": "L'appuntamento è {}.", "es": "La cita es {}.",
            "zh": "您的预约时间是{}。"}

# Measured when the matrix was added (twenty-eighth session): honest
# renderings accepted per language, of en 134, it 123, es 120, zh 136
# (at the session's start: en 104, it 91, es 92, zh 99 of them passed the
# older guard; this matrix was read while fixing, so it is a dev set).
SAME_FLOORS = {"en": 113, "it": 92, "es": 93, "zh": 114}

# Changed values the guard accepts today, and why (21 of the 292 passed the
# guard at the session's start: a 24-hour "8:00" read as 8 pm, "30d" as any
# 30-something, "6 mths" as 6 weeks).
KNOWN_MISSES = {
    # "h 8" is 08:00 on an Italian 24-hour clock, but a bare "alle 8" may be
    # either half of the day; the fact keeps only the digit, not its cue.
    ("it", "h 8", "le 8 di sera"), ("it", "h 8", "le otto di sera"), ("it", "h 12", "mezzanotte"),
    # "2º" folds (NFKC) to the word "2o", so the draft gives no number; reading
    # º and ª as marks made "la 1ª" a number that "la primera" can't keep
    # where nothing follows it, and lost a held-out lie (measured, not kept).
    ("es", "2º piso", "primer piso"), ("es", "2º piso", "tercer piso"), ("es", "2º piso", "vigésimo piso"),
}

BOOK = load_rulebook()


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def _findings(guard: Guard, lang: str, draft_value: str, rewrite_value: str) -> list:
    draft = SENTENCE[lang].format(draft_value)
    violations = BOOK.check(draft, [], "", lang)
    return guard.verify(draft, SENTENCE[lang].format(rewrite_value), [], lang, violations)


def _changed_cases() -> list:
    cases = []
    for lang, groups in CHANGED.items():
        for group in groups:
            for other in group[1:]:
                marks = [pytest.mark.xfail(strict=True, reason="known miss")] \
                    if (lang, group[0], other) in KNOWN_MISSES else []
                cases.append(pytest.param(lang, group[0], other, marks=marks, id=f"{lang}:{group[0]}->{other}"))
    return cases


@pytest.mark.parametrize("lang,draft_value,rewrite_value", _changed_cases())
def test_a_value_said_differently_is_caught(guard: Guard, lang: str, draft_value: str, rewrite_value: str) -> None:
    assert _findings(guard, lang, draft_value, rewrite_value), f"{draft_value!r} -> {rewrite_value!r} passed"


@pytest.mark.parametrize("lang", sorted(SAME))
def test_the_same_value_written_out_passes(guard: Guard, lang: str) -> None:
    blocked = [(group[0], other) for group in SAME[lang] for other in group[1:]
               if _findings(guard, lang, group[0], other)]
    total = sum(len(group) - 1 for group in SAME[lang])
    assert total - len(blocked) >= SAME_FLOORS[lang], blocked


@pytest.mark.parametrize("lang,draft_value,rewrite_value,same", [
    # an English slash date with no sign of a month-first writer may be read either way
    ("en", "on 03/11", "on 3 November", True),
    ("en", "on 03/11 at 2:30pm", "on 3 November at 2:30 pm", False),   # a 12-hour clock writes month first
    ("en", "from 8 to 13", "from 8 am to 1 pm", True),                  # a bare hour, said on a 12-hour clock
    # a night's small hours stay before dawn; an evening's hours are after noon
    ("it", "alle 02:00", "alle 2 di notte", True),
    ("it", "alle 17:00", "alle 5 di sera", True),
    ("it", "alle 05:00", "alle 5 di sera", False),
    ("it", "15' prima", "un quarto d'ora prima", True),                 # 15' is fifteen minutes
    ("it", "il 14 nov", "il 14 novembre", True),
    ("it", "tra 3 sett", "tra 3 settimane", True),                     # "sett" is a week, never September
    ("es", "a las 14:30", "a las 2:30 p. m.", True),
    ("es", "a las 8:00", "a las 8 de la noche", False),               # a 24-hour clock's 8:00 is morning
    ("es", "8h", "las 20:00", False),
    ("es", "30d", "30 días hábiles", False),
    ("zh", "11月14", "11月14日", True),
    ("zh", "12.31前", "12月31日前", True),                              # a chat's month.day
    ("zh", "4.14周一", "4月14日星期一", True),                           # 周一 is Monday, not "4.14 weeks"
    ("zh", "14:30", "下午2:30", True),
    ("zh", "8:00", "晚上8点", False),
])
def test_a_format_read_as_its_writer_means_it(guard: Guard, lang: str, draft_value: str, rewrite_value: str,
                                              same: bool) -> None:
    assert (not _findings(guard, lang, draft_value, rewrite_value)) is same
