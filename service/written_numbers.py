"""Numbers a rewrite may write another way than as digits: the steps of a
list typed inline ("1 pide cita 2 lleva el DNI 3 firma" written as a
numbered or bulleted list) and the first ordinals ("2nd attempt" ->
"second attempt", "2° piano" -> "secondo piano", "1a noche" -> "primera
noche"). Each is read only where the draft's own writing says so (a run of
step numbers, ``Text.steps``; an ordinal suffix right after the digits), and
each keeps its number only with what it numbers: a step moved in the list,
an ordinal moved to another thing ("use the 2nd link, the 1st expired" ->
"use the first link; the second has expired") or counting something else
("2nd month" -> "a second monthly charge") drops it.
"""

from __future__ import annotations

import re
from typing import Callable

from service.domain import Fact
from service.facts import Lexicon, list_items
from service.guard_text import Text

__all__ = ["ordinal_said", "step_listed"]


def step_listed(d: Text, f: Fact, c: Text) -> bool:
    """Whether the number ``f`` numbers a step of the draft ("x sbloccarla: 1
    tieni premuto reset 2 aspetta 2 min 3 controlla", ``Text.steps``) that
    the candidate writes as a list: the item with that number (or, in a
    list of bullets, at that place) says no other step's words better than
    this step's, so a step moved takes its number along ("3 replug" may be
    "Plug it back in")."""
    if f not in d.steps:
        return False
    value = int(f.key[2:])
    items = list_items(c.text)
    numbered = [(a, b) for n, a, b in items if n == value]
    bullets = [(a, b) for n, a, b in items if n is None]
    place = numbered or ([bullets[value - 1]] if not any(n for n, _, _ in items) and len(bullets) >= value else [])
    if not place:
        return False
    lex = d.lex.content
    a, b = place[0]
    in_item = lex.carried_by(c.low[a:b])

    def said(step: Fact) -> int:
        start, end = d.clause(step.span.start)
        return len({t.key for t in lex.tokens(d.low[start:end]) if t.key not in lex.framing and in_item(t.key)})
    return said(f) >= max(said(g) for g in d.steps)


def _counted_by_ordinal(d: Text, f: Fact, lex: Lexicon) -> re.Match[str] | None:
    """The word after the number ``f`` written as an ordinal ("2nd attempt",
    "2° piano"): what it counts; None when ``f`` is no ordinal."""
    suffix = lex.patterns["ordinal_suffix"].match(d.folded, f.span.end)
    return re.match(r"\s*([^\W\d_]{3,})", d.low[suffix.end():]) if suffix else None


def _counted_twice(d: Text, lex: Lexicon, counted: str, key: Callable[[str], str]) -> bool:
    """Whether the draft numbers ``counted`` (a word's key) with more than
    one ordinal ("the 2nd link, the 1st link")."""
    words = (_counted_by_ordinal(d, g, lex) for g in d.facts if g.kind == "number")
    return sum(bool(w and key(w.group(1)) == counted) for w in words) > 1


def ordinal_said(d: Text, f: Fact, c: Text, lex: Lexicon) -> bool:
    """Whether the draft writes the number ``f`` as an ordinal ("1st", "2°",
    "1er") and the candidate says that ordinal as a word ("first", "secondo",
    "primer") before the same word, in a clause that says something else of
    the draft's clause too. The words for the first ordinals are read nowhere
    else, as they also mean "before" or "a second"."""
    # What the ordinal counts must follow it in both texts ("2nd attempt" ->
    # "second attempt", "2° piano" -> "secondo piano"); "on the 1st" is a day.
    counted = _counted_by_ordinal(d, f, lex)
    if not counted:
        return False

    def key(word: str) -> str:
        return next((t.key for t in lex.content.tokens(word)), word)

    # ...and, where the draft counts the same thing twice, what is said of
    # each: "use the 2nd link, the 1st expired" is not "use the first link;
    # the second has expired". One ordinal of its kind cannot be swapped:
    # "the 2nd line is a pending auth" is "the second line is a temporary hold".
    a, b = d.clause(f.span.start)
    said = {t.key for t in lex.content.tokens(d.low[a:b])} - {key(counted.group(1))}
    if not _counted_twice(d, lex, key(counted.group(1)), key):
        said = set()
    words = [w for w, v in lex.low_ordinals.items() if f.key == f"n:{v}"]
    for w in words:
        for m in re.finditer(rf"(?<!\w){re.escape(w)}\s+([^\W\d_]+)", c.low):
            if key(m.group(1)) != key(counted.group(1)) or abs(len(m.group(1)) - len(counted.group(1))) > 1:
                continue   # "2nd month" is no "second monthly charge"
            in_clause = lex.content.carried_by(c.low[slice(*c.clause(m.start()))])
            if not said or any(in_clause(k) for k in said):
                return True
    return False
