"""Outcomes: what a rewrite says will come of the draft's action.

"The technician comes Friday to diagnose the fault" -> "...to repair the
fault"; "we'll reply within 5 working days" -> "it will be resolved within
5 working days"; "I've passed your request to the manager" -> "the manager
has approved your request". Each keeps every fact and adds one word, yet the
customer now holds an outcome (a fix, an approval, a payment) the agent
never promised. The commitment lexicon names kinds of promise a rewrite
makes in so many words ("we'll refund"); an outcome is promised by the
event itself, whoever its subject is.

The reading: an outcome of a kind (per-language data, ``outcomes``: fix,
approval, payment, replacement) that the rewrite states, in a clause that
neither says no, asks, sets a condition ("if that doesn't fix it") nor
hedges or tries ("we'll try to repair it", "might be approved"), outside
an etiquette phrase and a sentence that opens with the goal of the
customer's steps ("To fix this, hold reset"), is new when no word of that
kind stands anywhere in the draft, negated or not ("we can't repair it on
site" names the repair), and the draft has not the word itself in another
form: by stem ("rimborsano" -> "rimborsate"), inside one of its words
("hotfix" -> "a quick fix"), or, in Chinese, a two-character piece of it.
"""

from __future__ import annotations

from typing import Callable

from service.domain import Finding, FindingKind, Span
from service.facts import Lexicon
from service.guard_text import Text, negative

__all__ = ["new_outcomes"]

_LABELS = {"fix": "a fix", "approval": "an approval", "payment": "a payment",
           "replacement": "a replacement"}

# What keeps an outcome in the rewrite from being stated: the clause says no,
# sets it as a condition, guesses, hedges, or only tries.
_UNSTATED = ("conditional_markers", "guesses", "hedges", "attempts")


# How many words may stand between a sentence's purpose head and the outcome
# ("Per avviare il rimborso", "To get this fixed").
_PURPOSE_REACH = 3


def _opens_with_purpose(c: Text, lex: Lexicon, sa: int, at: int) -> bool:
    """Whether the sentence opens with a goal that holds the outcome at ``at``."""
    head = c.folded[sa:at]
    lead = len(head) - len(head.lstrip(" \t\n¡¿\"'«“"))
    m = lex.patterns["purpose_heads"].match(head, lead)
    if m is None or any(ch in head[m.end():] for ch in ",;:，；："):
        return False
    return len(head[m.end():].split()) <= _PURPOSE_REACH if lex.word_boundaries else at - sa - m.end() <= 2 * _PURPOSE_REACH


def _said_in_draft(word: str, d: Text, lex: Lexicon, in_draft: Callable[[str], bool]) -> bool:
    """Whether the draft has the outcome's word in some form: a content word
    of it by stem, inside a word of the draft ("hotfix" -> "a quick fix"), or,
    in a text without spaces, a two-character piece of it ("通过后打到" holds
    the 通过 of "审核通过")."""
    if word in d.low or any(in_draft(t.key) for t in lex.content.tokens(word)):
        return True
    return not lex.word_boundaries and any(word[i:i + 2] in d.low for i in range(len(word) - 1))


def new_outcomes(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """Outcomes of the candidate of a kind the draft never names."""
    out: list[Finding] = []
    scaffolding: bytearray | None = None   # etiquette phrases, read once an outcome is found
    in_draft: Callable[[str], bool] | None = None
    for kind, rx in lex.outcomes.items():
        if rx.search(d.folded):
            continue
        for m in rx.finditer(c.folded):
            if scaffolding is None or in_draft is None:
                scaffolding = lex.content.scaffolding_mask(c.low)
                in_draft = lex.content.carried_by(d.low)
            if scaffolding[m.start()]:
                continue   # "thanks for your patience while we fixed this": etiquette
            if _said_in_draft(c.low[m.start():m.end()], d, lex, in_draft):
                continue   # the draft's own word, in another form ("ti rimborsano" -> "rimborsate")
            if c.is_question(m.start()):
                continue   # a question asks about it
            a, b = c.clause(m.start())
            if _opens_with_purpose(c, lex, c.sentence_of(m.start())[0], m.start()):
                continue   # "To fix this, hold the reset button": what the steps are for
            if negative(c.folded[a:b], lex, preserving=False):
                continue
            if any(lex.patterns[key].search(c.folded, a, b) for key in _UNSTATED):
                continue
            out.append(Finding(
                FindingKind.NEW_COMMITMENT,
                f'The rewrite says {_LABELS.get(kind, kind)} will come of it ("{c.text[m.start():m.end()]}", '
                f"rewrite characters {m.start()}-{m.end()}); the draft names no such outcome.",
                Span(m.start(), m.end())))
            break
    return out
