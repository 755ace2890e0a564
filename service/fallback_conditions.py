"""Fallback conditions: "if that doesn't work, call us".

A support reply often gives a step and what to do when it fails: "clear
cookies and sign in again; if still broken raise it w/ ur IT admin",
"reinicia el router, si sigue igual escríbenos", "先重启光猫，还不行的话我派师傅上门".
The condition of the second step says only that the first failed, and a
rewrite says that in its own words ("if it still doesn't work", "si el
problema continúa", "如果还是无法上网"), which share no word with the
draft's. The words of failure (``fallback_cues``) and of persistence
(``fallback_persistence``) are therefore interchangeable inside such a
condition, once for each condition of the rewrite that names a failure,
says "otherwise" or repeats the draft's own words, in a sentence that
still says something of the draft's (the same step). A condition made of
nothing but such words must be kept that way: "If that doesn't help, we
will replace it" -> "We will replace it" promises without the failure.

Neither persistence alone ("if you still want it") nor any "no" ("if you
don't want to wait") names a failure: a review's pairs found both.
"""

from __future__ import annotations

from typing import Callable, Sequence

from service import content
from service.facts import Lexicon
from service.guard_text import Text

__all__ = ["conditions_of", "failure_words", "kept_or_said", "same_step", "states_failure"]


def kept_or_said(in_cand: Callable[[str], bool], said: frozenset[str], key: str) -> bool:
    """A word of a condition kept by the candidate, or a failure word its own
    failure condition says in other words."""
    return key in said or in_cand(key)


def failure_words(t: Text, lex: Lexicon, lo: int, hi: int) -> tuple[bytearray, set[str]] | None:
    """Where a condition between ``lo`` and ``hi`` says that the step before it
    failed or persists ("still broken", "u don't hear", "sigue igual", 还不行):
    a mask over the text and the phrases, or None when it says neither."""
    found = [m.span() for key in ("fallback_cues", "fallback_persistence")
             for m in lex.patterns[key].finditer(t.folded, lo, hi)]
    if not found:
        return None
    mask = bytearray(len(t.folded))
    for a, b in found:
        mask[a:b] = b"\x01" * (b - a)
    return mask, {t.folded[a:b] for a, b in found}


def conditions_of(t: Text, lex: Lexicon) -> list[tuple[str, int, int]]:
    """Each of ``t``'s conditions: what it states after its marker, up to the
    end of its clause (before it, from the clause's start, for a marker that
    follows its condition: 还是不行的话), and its sentence; "otherwise" states the failure of
    what came before, but "si no quieres esperar" is a condition of its own."""
    conditions = lex.conditions["condition"]
    found = [("\x00", *t.sentence_of(m.start())) for m in lex.patterns["otherwise_markers"].finditer(t.folded)
             if not (conditions.match(t.folded, m.start()) and t.folded[m.end():t.clause(m.start())[1]].strip())]
    for m in conditions.finditer(t.folded):
        start, end = t.clause(m.start())
        # "没有的话": a marker after its condition
        before = lex.patterns["condition_before"].fullmatch(t.folded, m.start(), m.end())
        found.append((t.folded[start:m.start()] if before else t.folded[m.end():max(m.end(), end)],
                      *t.sentence_of(m.start())))
    return found


def states_failure(condition: str, phrases: set[str], lex: Lexicon) -> bool:
    """Whether a condition of the candidate says that a step failed: it is
    "otherwise", names a failure ("if it still doesn't work", "si el
    problema continúa", 如果还是无法通话) or says the draft's own words ("if
    it still happens"). Neither persistence ("if you still want it") nor any
    "no" ("if you don't want to wait") is a failure."""
    return (condition == "\x00" or bool(lex.patterns["fallback_cues"].search(condition))
            or all(x in condition for x in phrases))


def same_step(c: Text, lex: Lexicon, a: int, b: int, consequence: Sequence[content.Token]) -> bool:
    """Whether the candidate's sentence [a, b) says one of the other words of
    the draft's sentence with the failure condition ("if still broken raise
    it w/ ur IT admin": admin), so the failure is that of the same step. In
    chat the condition runs on into what it leads to, with no comma."""
    if not consequence:
        return True
    said = lex.content.carried_by(c.low[a:b])
    return any(said(t.key) for t in consequence)
