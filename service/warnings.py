"""Warnings: kept with their force, not only their words.

A draft that says "do NOT use light switches" warns the customer for their
safety or money. A rewrite may say it politely ("please don't use the light
switches"), but not as a suggestion ("try to avoid light switches if you
can", "建议您不要轻易告诉陌生人"): every word is kept and the customer now
reads the warning as optional.

The rewrite's clause that restates a draft warning (a clause with a
``prohibitions`` marker, or a "no" right before an order: "NON accenda le
luci") is one carrying at least half of its content words. A softener
(per-language data, ``softeners``: "try to", "if possible", "se le è
possibile", "valore si", "建议", "轻易") in that clause or a clause beside
it in its sentence ("Si ese día tiene fiebre, valore si acudir"), that
the draft's sentence does not have, weakens it. A clause where the
company speaks of itself ("we never share your data") warns of nothing.

Measured and not kept (README, "How the guard decides"): the same reading
for instructions ("fill some containers the night before" -> "we'd suggest
filling...": politeness the rules ask for), and a condition the rewrite
puts on a warning (honest rewrites restate instructions as conditions:
"submit a reading" -> "if you send us a reading").
"""

from __future__ import annotations

import re

from service.domain import Fact, Finding, FindingKind, Span
from service.facts import Lexicon
from service.guard_text import Text, lower_same_length

__all__ = ["approximated_limits", "estimate_beside", "weakened_warnings"]

# Facts that say how much or how long a warning forbids.
_FIGURE_KINDS = frozenset({"duration", "time", "number", "measure", "amount", "percentage"})
# Fewest content words from a warning's marker on that still say what it forbids.
_WARNED_WORDS_MIN = 2


def weakened_warnings(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """Draft warnings the rewrite keeps only as advice."""
    p = lex.patterns
    # "We never share your data" states what the company does; it warns the customer of nothing.
    warnings = [(a, b, a + at) for a, b in d.clauses()
                if (at := _warns(d.folded[a:b], lex)) is not None and not p["self_reference"].search(d.folded, a, b)]
    if not warnings:
        return []
    cl = lex.content
    d_words = cl.tokens(d.low)
    c_words = cl.tokens(c.low)
    c_clauses = c.clauses()
    c_vocabs = [cl.vocabulary([t for t in c_words if ca <= t.start < cb], c.low[ca:cb]) for ca, cb in c_clauses]
    for a, b, warned in warnings:
        clause_words = [t for t in d_words if a <= t.start < b and t.key not in cl.framing]
        # What is forbidden starts at the marker: "Si hueles a gas NO enciendas
        # luces" forbids lights, and a rewrite that restates the lights and not
        # the smell still restates the warning. A marker at the clause's end
        # ("beach tracks, never") leaves too little: then the whole clause.
        said = [t for t in clause_words if t.start >= warned]
        if len(said) < _WARNED_WORDS_MIN:
            said = clause_words
        if not said:
            continue
        s_a, s_b = d.sentence_of(a)
        softened: list[tuple[int, int, str]] = []
        in_force: set[tuple[int, int]] = set()   # sentences that forbid it in their own words
        # the warning's own figures ("检查前8小时禁食禁水"): a rewrite clause that
        # gives them restates the warning even in other words ("检查前8小时请尽量少吃少喝")
        figures = {f.key for f in d.facts if a <= f.span.start < b and f.kind in _FIGURE_KINDS}
        for i, (ca, cb) in enumerate(c_clauses):
            if 2 * sum(cl.matches(t.key, c_vocabs[i], c.low[ca:cb]) for t in said) < len(said) and not any(
                    ca <= f.span.start < cb and f.key in figures for f in c.facts):
                continue
            lo, hi = _neighbourhood(c, c_clauses, i)
            why = _softened(d, c, lex, lo, hi, s_a, s_b, (ca, cb))
            if why:
                softened.append((lo, hi, why))
            elif _warns(c.folded[ca:cb], lex) is not None and not p["self_reference"].search(c.folded, ca, cb):
                in_force.add(c.sentence_of(ca))
        # "酒店全面禁烟，...，建议您到室外吸烟区": a sentence that forbids it in its own
        # words keeps the warning; the advice beside it softens something else.
        softened = [x for x in softened if c.sentence_of(x[0]) not in in_force]
        if softened:
            lo, hi, why = softened[0]
            shown = d.text[a:b].strip()[:80]
            # one finding says the rewrite is dishonest; the first is enough
            return [Finding(
                FindingKind.DROPPED_FACT,
                f'The rewrite keeps the warning "{shown}" (draft characters {a}-{b}) only as advice: '
                f'"{why}" (rewrite characters {lo}-{hi}).',
                Span(a, b))]
    return []


def _warns(clause: str, lex: Lexicon) -> int | None:
    """Where the clause starts to warn, or None: a prohibition marker ("do
    not", "vietato", "不要"), or a "no" right before an order ("NON accenda
    luci", "NO encienda luces": the formal imperative the instruction list
    knows, negated)."""
    p = lex.patterns
    low = lower_same_length(clause)   # offsets stay the clause's
    starts = [m.start() for m in p["negations"].finditer(low) if p["instructions"].match(low[m.end():].lstrip())]
    starts += [m.start() for key in ("prohibitions", "notices", "obligations")
               if (m := p[key].search(clause)) is not None]
    return min(starts, default=None)


def _neighbourhood(c: Text, clauses: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """The restating clause with the clauses on either side of it in its
    sentence: "Si ese día tiene fiebre, | valore si acudir" carries the
    words in one clause and softens them in the next."""
    sentence = c.sentence_of(clauses[i][0])
    lo = clauses[i - 1][0] if i > 0 and c.sentence_of(clauses[i - 1][0]) == sentence else clauses[i][0]
    hi = clauses[i + 1][1] if i + 1 < len(clauses) and c.sentence_of(clauses[i + 1][0]) == sentence else clauses[i][1]
    return lo, hi


def _softened(d: Text, c: Text, lex: Lexicon, lo: int, hi: int, s_a: int, s_b: int,
              restating: tuple[int, int]) -> str:
    """The softener the rewrite adds around the warning, if the draft's
    sentence has none. One in a clause beside the restatement that the draft
    also says as a softener elsewhere is the draft's: "si quieres, te avisamos
    por SMS" joined to the warning's sentence softens the offer, not the
    warning."""
    softeners = lex.patterns["softeners"]
    m = softeners.search(c.folded, lo, hi)
    if m is None or softeners.search(d.folded, s_a, s_b):
        return ""
    said = c.low[m.start():m.end()]
    beside = not restating[0] <= m.start() < restating[1]
    cl = lex.content
    ma, mb = c.clause(m.start())
    here: set[str] | None = None   # the softener's clause in the rewrite, read only if the draft says it too
    for x in softeners.finditer(d.folded):
        if d.low[x.start():x.end()] != said:
            continue
        if beside:
            return ""
        if here is None:
            here = cl.vocabulary([t for t in cl.tokens(c.low) if ma <= t.start < mb], c.low[ma:mb])
        # the draft's own advice, kept: most of its clause's other words are in the rewrite's
        xa, xb = d.clause(x.start())
        words = [t for t in cl.tokens(d.low) if xa <= t.start < xb and not x.start() <= t.start < x.end()]
        if words and 2 * sum(cl.matches(t.key, here, c.low[ma:mb]) for t in words) > len(words):
            return ""
    return c.text[m.start():m.end()]


def approximated_limits(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A limit the draft states exactly, said as an estimate: "NON potete
    volare prima di 24 ore" -> "è consigliabile attendere circa 24 ore",
    "keep off for 6 hours" -> "for around 6 hours". A number of the draft's
    that stands in a clause setting a limit (a condition or time-limit
    marker, a warning, a requirement), with no estimate beside it anywhere
    in the draft (``approximators``: "about", "circa", "unos", 左右; or "~"),
    that the rewrite says with one, has lost its force: the customer reads
    a rule as a rough guide. An expectation word ("预计30分钟内送达",
    "usually") is no estimate of a limit: it hedges a promise, which is
    the rewrite's to soften."""
    p = lex.patterns
    limits = [*lex.conditions.values(), p["requirements"]]
    # a number the draft itself gives as an estimate anywhere ("usually ~2 wks",
    # then "within 14 days") is not one it holds exact
    estimated = {f.key for f in d.facts if estimate_beside(d, f, lex)}
    exact: dict[str, Fact] = {}
    for f in d.facts:
        a, b = d.clause(f.span.start)
        if f.key not in estimated and (any(rx.search(d.folded, a, b) for rx in limits)
                                       or _warns(d.folded[a:b], lex) is not None):
            exact.setdefault(f.key, f)
    for f in c.facts:
        if f.key in exact and (estimate := estimate_beside(c, f, lex)):
            said = exact[f.key]
            return [Finding(
                FindingKind.DROPPED_FACT,
                f'The rewrite makes the draft\'s limit "{said.text}" (draft characters {said.span.start}-'
                f'{said.span.end}) an estimate: "{c.text[f.span.start:f.span.end]}" with "{estimate}" '
                f"(rewrite characters {f.span.start}-{f.span.end}).",
                Span(said.span.start, said.span.end))]
    return []


def estimate_beside(t: Text, f: Fact, lex: Lexicon) -> str:
    """The estimate word right before the fact ("about 6 hours", "circa 24
    ore") or right after it ("24小时左右", "two weeks or so", "6h~"), or "".
    After the number only ``approximators_after`` count: "around" or "sui"
    there starts a phrase of its own ("24 hours around the procedure",
    "14 giorni sui prodotti")."""
    approximators = lex.patterns["approximators"]
    before = t.folded[max(0, f.span.start - _ESTIMATE_REACH):f.span.start]
    for m in approximators.finditer(before):
        if not before[m.end():].strip():
            return m.group(0)
    after = t.folded[f.span.end:f.span.end + _ESTIMATE_REACH]
    trailing = lex.patterns["approximators_after"].match(after, len(after) - len(after.lstrip()))
    if trailing is not None:
        return trailing.group(0)
    symbol = _ESTIMATE_SIGNS.search(before.rstrip()[-1:] + after[:1])
    return symbol.group(0) if symbol else ""


# How far from a number its estimate word may stand.
_ESTIMATE_REACH = 16
# Signs that make a number an estimate in any language.
_ESTIMATE_SIGNS = re.compile(r"[~≈～]")
