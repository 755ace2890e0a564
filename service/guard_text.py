"""One text as the honesty checks read it, and the small readings they share.

``Text`` holds the folded copy of a draft or candidate (same length, so
spans stay valid), its facts, clause and sentence bounds; the functions here
answer the questions several checks ask of a segment: does it say no, what is
it about, which characters are facts or negations.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from service.domain import Fact
from service.facts import Lexicon
from service.textnorm import CJK_CLASS, fold, lower_same_length

__all__ = ["Text", "fact_mask", "lower_same_length", "negative", "polarity_mask", "sentence", "topics", "union"]

_CLAUSE_PUNCT = re.compile(r"[.!?;,:。！？；，、\n…]+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]{{2,}}")
# A full stop ends a sentence where a space, a line, a closing quote or a
# Chinese character follows it ("重启路由器.请勿"), not inside "$3.99",
# "acme.com" or "v4.2".
_SENTENCE_END = re.compile(rf"(?:[!?。！？\n]|\.(?=[\s\"'”’»)\]{CJK_CLASS}]|$))+")
# Spaces between two Chinese characters (not around a Latin word, "升级到 Pro 版").
_CJK_SPACE = re.compile(f"(?<=[{CJK_CLASS}])[ \u3000]+(?=[{CJK_CLASS}])")


class Text:
    """One text prepared for the checks: folded copy, facts, clause bounds."""

    def __init__(self, text: str, lex: Lexicon, facts: list[Fact] | None = None) -> None:
        self.text = text
        self.folded = fold(text)
        self.low = lower_same_length(self.folded)
        self.facts = lex.extract(text) if facts is None else facts
        bounds = {0, len(text)}
        for m in _CLAUSE_PUNCT.finditer(self.folded):
            bounds.add(m.start())
            bounds.add(m.end())
        for m in lex.patterns["clause_breaks"].finditer(self.folded):
            bounds.add(m.start())
        if not lex.word_boundaries:   # "早到房间不一定有 可以先寄存行李": chat Chinese uses a space as a comma
            for m in _CJK_SPACE.finditer(self.folded):
                bounds.add(m.start())
                bounds.add(m.end())
        # Steps numbered inline ("1 pide cita 2 lleva el DNI") are clauses of their own.
        self.steps = step_numbers(self.folded, self.facts, lex)
        bounds.update(f.span.start for f in self.steps)
        # Punctuation inside a fact is part of it ("1.000 richieste",
        # "3,1%", "12.30", "www.acme.com"): a clause never ends there.
        inside = {i for f in self.facts for i in range(f.span.start + 1, f.span.end)}
        self.bounds = sorted(bounds - inside) if inside else sorted(bounds)
        self._lex = lex
        self._memo: dict[str, Any] = {}
        # ...and sentences of their own: each step is a point to keep.
        self.sentence_ends = sorted({m.end() for m in _SENTENCE_END.finditer(self.folded)}
                                    | {f.span.start for f in self.steps[1:]})

    @property
    def lex(self) -> Lexicon:
        return self._lex

    def sentence_of(self, a: int) -> tuple[int, int]:
        """The sentence holding position ``a``: from after the previous full
        stop to after the next one, read from the stops found once."""
        i = bisect.bisect_right(self.sentence_ends, a)
        start = self.sentence_ends[i - 1] if i else 0
        end = self.sentence_ends[i] if i < len(self.sentence_ends) else len(self.folded)
        return start, end

    def sentences(self) -> list[tuple[int, int]]:
        """The text's sentences in order, from the stops found once."""
        starts = [0, *(e for e in self.sentence_ends if e < len(self.text))]
        return [self.sentence_of(i) for i in starts]

    def issentence(self, a: int, b: int) -> bool:
        """Whether [a, b) spans its whole sentence (punctuation aside)."""
        start, end = self.sentence_of(a)
        return not self.folded[start:a].strip(" \t\n.!?;,:。！？；，、…") and \
            not self.folded[b:end].strip(" \t\n.!?;,:。！？；，、…")

    def is_question(self, a: int) -> bool:
        """Whether the sentence holding position ``a`` ends with a question mark (or opens with ¿)."""
        start, end = self.sentence_of(a)
        sentence = self.folded[start:end].strip()
        return sentence.endswith(("?", "？")) or sentence.startswith("¿")

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.bounds, pos) - 1
        start = self.bounds[max(i, 0)]
        end = self.bounds[i + 1] if i + 1 < len(self.bounds) else len(self.text)
        return start, end

    def clauses(self) -> list[tuple[int, int]]:
        out = []
        for a, b in zip(self.bounds, self.bounds[1:]):
            if self.folded[a:b].strip(" \t.!?;,:。！？；，、\n…"):
                out.append((a, b))
        return out

    @property
    def memo(self) -> dict[str, Any]:
        """Readings other modules compute once per text (its commitments)."""
        return self._memo



def step_numbers(folded: str, facts: list[Fact], lex: Lexicon) -> list[Fact]:
    """The bare numbers that number steps inline ("x sbloccarla: 1 tieni
    premuto reset 2 aspetta 2 min 3 controlla"): the run 1, 2, 3... of a
    text's bare numbers in reading order, once it reaches 2. A number after
    "and", or before a counter word (份, 张), counts things: "1 copy of ur
    lease 2 payslips and 3 photos" numbers no third step."""
    run: list[Fact] = []
    for f in sorted(facts, key=lambda f: f.span.start):
        if f.kind != "number" or not f.text.isdigit() or f.key != f"n:{len(run) + 1}":
            continue
        before = folded[max(0, f.span.start - 12):f.span.start].rstrip()
        if lex.patterns["conjunctions"].search(before + " ", max(0, len(before) - 6)) \
                or lex.patterns["counters"].match(folded, f.span.end):
            break
        run.append(f)
    return run if len(run) >= 2 else []


def sentence(text: str, a: int, b: int) -> tuple[int, int]:
    """The sentence around [a, b): from after the previous full stop to the next one."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, a):
        start = m.end()
    after = _SENTENCE_END.search(text, b)
    return start, (after.end() if after else len(text))

def fact_mask(t: Text) -> bytearray:
    mask = bytearray(len(t.text))
    for f in t.facts:
        mask[f.span.start:f.span.end] = b"\x01" * (f.span.end - f.span.start)
    return mask

def union(*masks: bytearray) -> bytearray:
    """Characters marked in any of ``masks`` (as long as the shortest): one
    integer OR instead of a Python step per character."""
    n = min(map(len, masks))
    value = 0
    for mask in masks:
        value |= int.from_bytes(mask[:n], "little")
    return bytearray(value.to_bytes(n, "little"))

def polarity_mask(t: Text, lex: Lexicon) -> bytearray:
    """Negation and refusal words ("无法", "unable"): they are the refusal
    check's to judge, not content."""
    mask = bytearray(len(t.text))
    for key in ("refusals", "negations"):
        for m in lex.patterns[key].finditer(t.folded):
            mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask

def negative(segment: str, lex: Lexicon, preserving: bool = True) -> bool:
    """Whether ``segment`` says no: a refusal or a negation, not a phrase that
    only looks negative ("no problem"). With ``preserving``, also a word that
    keeps a limit standing ("only", "sorry"); without it, "sorry, the 45 €
    fee applies" still charges the fee."""
    p = lex.patterns
    segment = lex.mask_not_negations(segment)
    return bool(p["refusals"].search(segment) or p["negations"].search(segment)
                or (preserving and p["preserving"].search(segment)) or p["post_negations"].search(segment))

# Facts whose number alone also names them as a topic.
_COUNTED = frozenset({"amount", "measure"})


def topics(t: Text, a: int, b: int, lex: Lexicon) -> set[str]:
    """What a clause is about: 4-letter word stems (or CJK bigrams) and fact
    keys, leaving out negation and affirmation words themselves. A word that
    is a fact counts once, as its fact: "tomorrow" is ``rel:1``, not also
    "tomo", or one word would make the two shared topics of a clause "about
    the same thing"."""
    seg = t.low[a:b]
    topics: set[str] = set()
    facts = [f for f in t.facts if a <= f.span.start < b]
    if lex.word_boundaries:
        in_fact = [(f.span.start - a, f.span.end - a) for f in facts]
        for m in _WORD.finditer(seg):
            w = m.group(0)
            if any(s <= m.start() < e for s, e in in_fact):
                continue
            if w not in lex.topic_stopwords and not lex.patterns["negations"].fullmatch(w) \
                    and not lex.patterns["affirmations"].fullmatch(w):
                topics.add(w[:4])
    else:
        for run in _CJK_RUN.findall(seg):
            for i in range(len(run) - 1):
                bg = run[i:i + 2]
                if bg in lex.topic_stopwords:
                    continue
                if not lex.patterns["negations"].search(bg) and not lex.patterns["affirmations"].search(bg):
                    topics.add(bg)
    for f in facts:
        topics.add(f.key)
        # "il fido a 5000" and "i 5000 € richiesti" speak of the same sum
        if f.kind in _COUNTED and (n := lex.leading_number(f.text)):
            topics.add("n:" + n)
    return topics


# How far from a fact its neighbour may be, in characters.
_NEIGHBOUR_REACH = 16


def neighbours(t: Text, f: Fact, lex: Lexicon) -> set[str]:
    """What stands right beside a fact in its clause: the content word just
    before and just after it (their comparison keys) and any fact that
    touches it. "il torneo di domenica" gives {torneo}; "domenica alle 6"
    gives the time of "alle 6". A fact said back in the words that stood
    beside it is a quotation, not a new claim about it."""
    a, b = t.clause(f.span.start)
    words = lex.content.tokens(t.low)
    before = [w for w in words if a <= w.start and w.end <= f.span.start and f.span.start - w.end <= _NEIGHBOUR_REACH]
    after = [w for w in words if w.start >= f.span.end and w.start < b and w.start - f.span.end <= _NEIGHBOUR_REACH]
    out = {w.key for w in (before[-1:] + after[:1])}
    out |= {g.key for g in t.facts if g is not f and a <= g.span.start < b
            and (0 <= g.span.start - f.span.end <= _NEIGHBOUR_REACH // 2
                 or 0 <= f.span.start - g.span.end <= _NEIGHBOUR_REACH // 2)}
    return out
