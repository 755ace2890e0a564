"""Estimates: a time the draft only expects may not come back as a promise.

"The fix might make it into Friday's patch", "portabilità di norma 3 gg",
"outage fix est by 6pm, not guaranteed", "药房说下周应该能补货": the draft
gives the time, and says it is a guess. A rewrite that keeps the time and
drops the guess ("The fix will be included in Friday's patch", "这款药下周会
补货") keeps every fact and adds no word the commitment lexicon knows, yet
the customer now holds a promise the agent never made.

The reading: a time of the draft whose clause gives it as a guess, before
it or just after it
(per-language data, ``guesses``: might, usually, est., not guaranteed,
forse, di norma, puede que, 可能, 一般) and that the draft states nowhere
without one is said again in a rewrite sentence with neither a guess nor
a hedge. The rewrite may keep the guess in its own words anywhere in that
sentence ("we expect", "dovrebbe", "预计", "about"); it may also drop the time
altogether, which the fact check reports on its own. "Previsto",
"scheduled", is no guess: "intervento previsto il 12/03" -> "il tecnico
passerà il 12 marzo" keeps the plan.
"""

from __future__ import annotations

from service.domain import Finding, FindingKind, Span
from service.facts import TIME_KINDS, Lexicon, equivalent_keys
from service.guard_text import Text

__all__ = ["estimates_made_certain"]

# How far after a time a guess may stand and still be about it ("Friday,
# probably"); before it, the whole clause ("usually takes about 4 days").
# An unpunctuated Chinese run is one clause: "周三扫描错了...预计下周一送到"
# guesses Monday, not Wednesday.
_AFTER_REACH = 16

# What keeps a guess a guess in the rewrite's sentence: a guess, a hedge, or
# an estimate's "about" ("la reparación llevará unas 2 horas").
_KEEPS_THE_GUESS = ("guesses", "hedges", "approximators", "approximators_after")


# What keeps a bound a bound: a bound word again, or a start without an end
# ("a partir del lunes 17", "from the 17th", 17号以后).
_KEEPS_THE_BOUND = ("bounds", "bounds_kept")


def estimates_made_certain(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """Times the draft guesses, or gives as a bound, said as certain."""
    return [*_doubt_dropped(d, c, lex, "guesses", _KEEPS_THE_GUESS, "only as a guess"),
            *_doubt_dropped(d, c, lex, "bounds", _KEEPS_THE_BOUND, "only as a bound, not as the plan")]


def _doubt_dropped(d: Text, c: Text, lex: Lexicon, doubt: str, keepers: tuple[str, ...],
                   how: str) -> list[Finding]:
    """The times of the draft given with a ``doubt`` word (before the time in
    its clause, or just after it) and stated nowhere without one, that a
    rewrite sentence says with none of the ``keepers``."""
    doubts = lex.patterns[doubt]
    guessed: dict[str, tuple[int, int, str]] = {}
    stated: set[str] = set()
    for f in d.facts:
        if f.kind not in TIME_KINDS:
            continue
        a, b = d.clause(f.span.start)
        m = doubts.search(d.folded, a, f.span.start) or doubts.search(
            d.folded, f.span.end, min(b, f.span.end + _AFTER_REACH))
        keys = (f.key, *equivalent_keys(f))
        if m is None:
            stated.update(keys)   # "usually ~2 wks ... within 14 days": the 14 days are a rule
            continue
        for key in keys:
            guessed.setdefault(key, (m.start(), m.end(), d.text[m.start():m.end()]))
    for key in stated:
        guessed.pop(key, None)
    if not guessed:
        return []
    out: list[Finding] = []
    for g in c.facts:
        guess = guessed.get(g.key)
        if guess is None:
            continue
        sa, sb = c.sentence_of(g.span.start)
        if any(lex.patterns[key].search(c.folded, sa, sb) for key in keepers):
            continue
        out.append(Finding(
            FindingKind.NEW_COMMITMENT,
            f'The rewrite states "{g.text}" (rewrite characters {g.span.start}-{g.span.end}) as certain; '
            f'the draft gives it {how} ("{guess[2]}", draft characters {guess[0]}-{guess[1]}).',
            Span(g.span.start, g.span.end)))
        del guessed[g.key]
    return out
