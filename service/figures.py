"""Figures kept with their bound and their precision, not only their value.

"Stays of at least 3 nights" -> "stays of up to 3 nights" keeps the number
and every word the content check reads, and reverses the offer: the floor is
now a ceiling. "La pratica si chiude in circa 10 gg" -> "si chiuderà tra 10
giorni" keeps the ten days and drops the "about": the customer now holds a
date the agent only estimated. Both pass a check of facts by value.

The reading, per figure of the draft (an amount, a number, a duration, a
date...):

- its bound is the per-language marker right before it (``lower_bounds``:
  "at least", "almeno", "al menos", 至少; ``upper_bounds``: "up to", "fino
  a", "hasta", 最多) or right after it (``*_after``: "or more", "o più",
  以上, 以内). A rewrite figure of the same value whose bound is the other
  one has flipped it, unless one of the two clauses says no and the other
  does not (the complement, said positively, as positive-framing asks:
  "no discount under 3 nights" -> "3 nights or more"). A rewrite that
  drops the marker is not judged here: "min £1k deposit" is rightly "a
  minimum deposit of £1,000", the marker away from the number.
- its estimate is an ``approximators`` word beside it ("about", "circa",
  "unos", 左右: ``warnings.estimate_beside``). Said where the draft never
  gives it exactly, with no estimate beside it and no guess or hedge in
  its sentence, it has been made exact.
"""

from __future__ import annotations

import re

from service.domain import Fact, Finding, FindingKind, Span
from service.facts import Lexicon, equivalent_keys
from service.guard_text import Text, negative
from service.warnings import estimate_beside

__all__ = ["bounds_flipped", "estimates_made_exact"]

# Facts that can be bounded or estimated.
_FIGURES = frozenset({"duration", "number", "measure", "amount", "percentage", "date", "time"})
# How far before a figure its bound marker may end ("at least 3", "almeno 3
# articoli" has it right there); a marker further back bounds something else.
_BEFORE_REACH = 24
_AFTER_REACH = 24
# What keeps an estimate an estimate in the rewrite's sentence.
_KEEPS_THE_ESTIMATE = ("guesses", "hedges", "approximators", "approximators_after")


def _bound(t: Text, f: Fact, lex: Lexicon) -> str:
    """"lower", "upper" or "" for the marker right before or after ``f``,
    at most one word away ("max 5 users", "5 users or more"; in Chinese a few
    characters: "最多退3件", "3件以上"); "" for a figure counted back from an
    event in its clause ("cancel up to 48h before arrival" is "at least 48
    hours in advance")."""
    p = lex.patterns
    a, b = t.clause(f.span.start)
    if p["counted_back"].search(t.folded, a, b):
        return ""
    gap = _WORD_GAP if lex.word_boundaries else _CJK_GAP
    before = t.folded[max(a, f.span.start - _BEFORE_REACH):f.span.start]
    for direction in ("lower", "upper"):
        for m in p[f"{direction}_bounds"].finditer(before):
            if gap.fullmatch(before, m.end()):
                return direction
    after = t.folded[f.span.end:min(b, f.span.end + _AFTER_REACH)]
    for direction in ("lower", "upper"):
        for m in p[f"{direction}_bounds_after"].finditer(after):
            if gap.fullmatch(after, 0, m.start()):
                return direction
    return ""


# What may stand between a figure and its bound: one word, or in Chinese up to
# four characters that are no figure and no clause break.
_WORD_GAP = re.compile(r"[\s:]*(?:[^\W\d_]+[\s:]*)?")
_CJK_GAP = re.compile(r"[^\d\s，。；、,.;:：]{0,4}")


def _is_range(f: Fact) -> bool:
    """"from one to three months", "3-5 days": a range is bounded both ways."""
    return _RANGE_KEY.search(f.key) is not None


_RANGE_KEY = re.compile(r"\d-\d")


def _keys(f: Fact) -> set[str]:
    return {f.key, *equivalent_keys(f)}


def bounds_flipped(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A figure the draft bounds one way that the rewrite bounds the other."""
    bounded: dict[str, tuple[Fact, str]] = {}
    for f in d.facts:
        if f.kind in _FIGURES and not _is_range(f) and (direction := _bound(d, f, lex)):
            for key in _keys(f):
                # a figure bounded both ways in the draft ("from 3 up to 3") is no one bound
                if bounded.get(key, (f, direction))[1] != direction:
                    bounded[key] = (f, "")
                else:
                    bounded.setdefault(key, (f, direction))
    if not bounded:
        return []
    for g in c.facts:
        said = next((bounded[k] for k in _keys(g) if k in bounded), None)
        if said is None or not said[1] or _is_range(g):
            continue
        direction = _bound(c, g, lex)
        f = said[0]
        # a complement said positively flips both the bound and the "no":
        # "no discount under 3 nights" is "the discount is for 3 nights or more"
        if direction and direction != said[1] and \
                negative(d.folded[slice(*d.clause(f.span.start))], lex) == \
                negative(c.folded[slice(*c.clause(g.span.start))], lex):
            return [Finding(
                FindingKind.DROPPED_FACT,
                f'The rewrite turns the draft\'s {"floor" if said[1] == "lower" else "ceiling"} "{f.text}" '
                f"(draft characters {f.span.start}-{f.span.end}) into a "
                f'{"floor" if direction == "lower" else "ceiling"}: "{g.text}" '
                f"(rewrite characters {g.span.start}-{g.span.end}).",
                Span(f.span.start, f.span.end))]
    return []


def estimates_made_exact(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A figure the draft gives only as an estimate, said exactly."""
    estimated: dict[str, Fact] = {}
    exact: set[str] = set()
    for f in d.facts:
        if f.kind not in _FIGURES:
            continue
        if estimate_beside(d, f, lex):
            estimated.setdefault(f.key, f)
        else:
            exact.add(f.key)
    for key in exact:
        estimated.pop(key, None)
    if not estimated:
        return []
    for g in c.facts:
        guessed = estimated.get(g.key)
        if guessed is None or estimate_beside(c, g, lex):
            continue
        sa, sb = c.sentence_of(g.span.start)
        if any(lex.patterns[key].search(c.folded, sa, sb) for key in _KEEPS_THE_ESTIMATE):
            continue
        return [Finding(
            FindingKind.DROPPED_FACT,
            f'The rewrite states "{g.text}" (rewrite characters {g.span.start}-{g.span.end}) exactly; '
            f'the draft gives "{guessed.text}" (draft characters {guessed.span.start}-{guessed.span.end}) '
            "only as an estimate.",
            Span(guessed.span.start, guessed.span.end))]
    return []
