"""The honesty guard: is a candidate an honest rewrite of its draft?

It runs inside every Rewrite (on the model's output and on the fallback's) and
behind the Verify RPC, so it is deterministic, data-driven and linear: the
lexicons are compiled once in ``__init__`` and each check is a handful of
regex passes over the two texts.

Four checks, each producing plain-language findings an agent can read:

* facts: every fact of the draft is kept (compared by normalised key, so
  harmless rewording passes) and no fact is added unless the conversation has
  it. Capitalised names found without quotes ("Canada") are only checked for
  being kept, never for being new, because a rewrite legitimately adds the
  customer's, the agent's or the brand's name.
* commitments: a refund, discount, free item, compensation, upgrade,
  replacement, guarantee or a deadline ("by Friday") the draft did not make.
  Negated mentions ("we can't refund") are not commitments. The conversation
  never licenses a commitment: a customer asking for a refund is not the
  agent promising one.
* refusals: when the draft refuses something, the candidate's clauses about
  the same topic must still be negative; a topical clause that affirms
  ("we can", "sì", "可以") with no negation left is a flipped refusal.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

from service.domain import Fact, Finding, FindingKind, Message, Span
from service.facts import (
    DEFAULT_GUARD_DIR,
    KIND_LABELS,
    TIME_KINDS,
    GuardDataError,
    Lexicon,
    fold,
    load_lexicons,
    pick,
)

__all__ = ["Guard", "GuardDataError"]

_CLAUSE_PUNCT = re.compile(r"[.!?;,:。！？；，、\n…]+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Kinds compared leniently as text: a name or quoted title is kept when it
# still appears anywhere in the candidate, quotes or capitals aside.
_TEXTUAL = frozenset({"name", "quoted"})

COMMITMENT_LABELS = {
    "refund": "a refund", "discount": "a discount", "free": "something free",
    "compensation": "compensation", "upgrade": "an upgrade", "replacement": "a replacement",
    "guarantee": "a guarantee", "deadline": "a deadline", "fix_or_delivery_time": "a time for a fix or a delivery",
}


@dataclass(frozen=True)
class _Commitment:
    category: str       # "refund", ... or "deadline:<fact key>"
    span: Span
    text: str


_DRAFT_FACTS_KEPT = 32  # > the requests in flight at once between verify() and kept_facts()


class _Text:
    """One text prepared for the checks: folded copy, facts, clause bounds."""

    def __init__(self, text: str, lex: Lexicon, facts: list[Fact] | None = None) -> None:
        self.text = text
        self.folded = fold(text)
        self.low = _lower_same_length(self.folded)
        self.facts = lex.extract(text) if facts is None else facts
        bounds = {0, len(text)}
        for m in _CLAUSE_PUNCT.finditer(self.folded):
            bounds.add(m.start())
            bounds.add(m.end())
        for m in lex.patterns["clause_breaks"].finditer(self.folded):
            bounds.add(m.start())
        self.bounds = sorted(bounds)

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


class _ConversationFacts:
    """The conversation's fact keys and folded text, computed only when asked.

    They only excuse a fact the candidate adds (the customer gave that order
    number, the agent already said that date); an answer that adds no fact,
    the usual case, never pays for extracting every message.
    """

    def __init__(self, conversation: Sequence[Message], lex: Lexicon) -> None:
        self._conversation = conversation
        self._lex = lex

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(f.key for msg in self._conversation for f in self._lex.extract(msg.text))

    @cached_property
    def low(self) -> str:
        return "\n".join(_lower_same_length(fold(msg.text)) for msg in self._conversation)


class Guard:
    """Deterministic honesty checks over (draft, candidate, conversation)."""

    def __init__(self, data_dir: Path = DEFAULT_GUARD_DIR) -> None:
        self._lexicons = load_lexicons(Path(data_dir))
        if "en" not in self._lexicons:
            raise GuardDataError(data_dir, "en", "the English lexicon (en.yaml) is required as the default")
        # The facts of the last few drafts: verify() and kept_facts() read the
        # same draft within one request, so it is extracted once.
        self._draft_facts: dict[tuple[str, int], list[Fact]] = {}

    def _facts_of_draft(self, draft: str, lex: Lexicon) -> list[Fact]:
        key = (draft, id(lex))
        facts = self._draft_facts.get(key)
        if facts is None:
            facts = lex.extract(draft)
            if len(self._draft_facts) >= _DRAFT_FACTS_KEPT:
                del self._draft_facts[next(iter(self._draft_facts))]
            self._draft_facts[key] = facts
        return facts

    # -- public API --------------------------------------------------------
    def verify(self, draft: str, candidate: str, conversation: Sequence[Message] = (),
               language: str = "en") -> list[Finding]:
        """Findings that make ``candidate`` dishonest; empty list = honest."""
        lex = pick(self._lexicons, language)
        d, c = _Text(draft, lex, self._facts_of_draft(draft, lex)), _Text(candidate, lex)
        findings = self._facts(d, c, _ConversationFacts(conversation, lex))
        findings += self._commitments(d, c, lex)
        findings += self._refusals(d, c, lex)
        return findings

    def kept_facts(self, draft: str, language: str = "en") -> list[str]:
        """The draft's facts as written, once each, in order."""
        seen: set[str] = set()
        out = []
        lex = pick(self._lexicons, language)
        for f in self._facts_of_draft(draft, lex):
            if f.key not in seen:
                seen.add(f.key)
                out.append(f.text)
        return out

    def facts(self, text: str, language: str = "en") -> list[Fact]:
        """Facts of any text with this guard's lexicons (the fallback uses it)."""
        return pick(self._lexicons, language).extract(text)

    # -- facts -------------------------------------------------------------
    def _facts(self, d: _Text, c: _Text, context: "_ConversationFacts") -> list[Finding]:
        out: list[Finding] = []
        cand_keys = {f.key for f in c.facts}
        seen: set[str] = set()
        for f in d.facts:
            if f.key in seen:
                continue
            seen.add(f.key)
            if f.key in cand_keys:
                continue
            if f.kind in _TEXTUAL and _inner(f) in c.low:
                continue
            out.append(Finding(
                FindingKind.DROPPED_FACT,
                f"The rewrite leaves out the {KIND_LABELS[f.kind]} {_shown(f)} that the draft gives "
                f"(draft characters {f.span.start}-{f.span.end}).",
                f.span))
        draft_keys = {f.key for f in d.facts}
        seen = set()
        for f in c.facts:
            if f.kind == "name" or f.key in draft_keys or f.key in seen or f.key in context.keys:
                continue
            seen.add(f.key)
            if f.kind == "quoted" and (_inner(f) in d.low or _inner(f) in context.low):
                continue
            out.append(Finding(
                FindingKind.NEW_FACT,
                f"The rewrite adds the {KIND_LABELS[f.kind]} {_shown(f)} (rewrite characters "
                f"{f.span.start}-{f.span.end}), which is neither in the draft nor in the conversation.",
                f.span))
        return out

    # -- commitments -------------------------------------------------------
    def _commitments(self, d: _Text, c: _Text, lex: Lexicon) -> list[Finding]:
        made = {k.category for k in _find_commitments(d, lex)}
        out = []
        reported: set[str] = set()
        for k in _find_commitments(c, lex):
            if k.category in made or k.category in reported:
                continue
            reported.add(k.category)
            label = COMMITMENT_LABELS.get(k.category.split(":")[0], k.category)
            out.append(Finding(
                FindingKind.NEW_COMMITMENT,
                f'The rewrite promises {label} ("{k.text}", rewrite characters '
                f"{k.span.start}-{k.span.end}) that the draft does not promise.",
                k.span))
        return out

    # -- refusals ----------------------------------------------------------
    def _refusals(self, d: _Text, c: _Text, lex: Lexicon) -> list[Finding]:
        p = lex.patterns
        refusals: dict[frozenset[str], re.Match[str]] = {}
        for m in p["refusals"].finditer(d.folded):
            a, b = d.clause(m.start())
            refusals.setdefault(frozenset(_topics(d, a, b, lex)), m)   # same topics, same verdict
        if not refusals:
            return []
        spans = c.clauses()
        starts = [a for a, _ in spans]
        topics = [_topics(c, a, b, lex) for a, b in spans]
        negative = [_negative(c.folded[a:b], lex) for a, b in spans]
        says_yes = [bool(p["affirmations"].search(c.folded[a:b])) for a, b in spans]
        for k in _find_commitments(c, lex):
            i = bisect.bisect_right(starts, k.span.start) - 1
            if i >= 0:
                says_yes[i] = True
        by_topic: dict[str, list[int]] = {}
        for i, ts in enumerate(topics):
            for t in ts:
                by_topic.setdefault(t, []).append(i)
        out = []
        flagged: set[int] = set()
        for about, m in refusals.items():
            topical = sorted({i for t in about for i in by_topic.get(t, ())}) or range(len(spans))
            if any(negative[i] for i in topical):
                continue
            for i in topical:
                # A clause about the same thing (two shared topics), no longer
                # negative, says the opposite even without "we can"/"sì".
                if says_yes[i] or len(about & topics[i]) >= 2:
                    if i not in flagged:
                        flagged.add(i)
                        a, b = spans[i]
                        out.append(Finding(
                            FindingKind.FLIPPED_REFUSAL,
                            f'The draft refuses ("{d.text[m.start():m.end()]}", draft characters '
                            f'{m.start()}-{m.end()}) but the rewrite says "{c.text[a:b].strip()}" '
                            f"(rewrite characters {a}-{b}), which reads as a yes.",
                            Span(a, b)))
                    break
        return out


def _lower_same_length(s: str) -> str:
    """Lower case without changing indices ("İ".lower() is two code points)."""
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _shown(f: Fact) -> str:
    """The fact in quotes for a message, without doubling a quoted name's own."""
    return f.text if f.kind == "quoted" else f'"{f.text}"'


def _inner(f: Fact) -> str:
    """A name's text as the texts are searched: folded, lower case, unquoted."""
    return _lower_same_length(fold(f.text[1:-1].strip() if f.kind == "quoted" else f.text))


def _negative(segment: str, lex: Lexicon) -> bool:
    p = lex.patterns
    segment = lex.mask_not_negations(segment)
    return bool(p["refusals"].search(segment) or p["negations"].search(segment)
                or p["preserving"].search(segment) or p["post_negations"].search(segment))


def _topics(t: _Text, a: int, b: int, lex: Lexicon) -> set[str]:
    """What a clause is about: 4-letter word stems (or CJK bigrams) and fact
    keys, leaving out negation and affirmation words themselves."""
    seg = t.low[a:b]
    topics: set[str] = set()
    if lex.word_boundaries:
        for w in _WORD.findall(seg):
            if w not in lex.topic_stopwords and not lex.patterns["negations"].fullmatch(w) \
                    and not lex.patterns["affirmations"].fullmatch(w):
                topics.add(w[:4])
    else:
        for run in _CJK_RUN.findall(seg):
            for i in range(len(run) - 1):
                bg = run[i:i + 2]
                if not lex.patterns["negations"].search(bg) and not lex.patterns["affirmations"].search(bg):
                    topics.add(bg)
    topics.update(f.key for f in t.facts if a <= f.span.start < b)
    return topics


def _find_commitments(t: _Text, lex: Lexicon) -> list[_Commitment]:
    """Non-negated commitments in a text, with deadlines keyed by their time fact."""
    p = lex.patterns
    out: list[_Commitment] = []
    for cat, rx in lex.commitments.items():
        for m in rx.finditer(t.folded):
            a, b = t.clause(m.start())
            if (p["negations"].search(lex.mask_not_negations(t.folded[a:m.start()]))
                    or p["post_negations"].search(t.folded[m.end():b])):
                continue
            out.append(_Commitment(cat, Span(m.start(), m.end()), t.text[m.start():m.end()]))
    for f in t.facts:
        if f.kind not in TIME_KINDS:
            continue
        a, b = t.clause(f.span.start)
        before = t.folded[max(a, f.span.start - 30):f.span.start]
        if not (p["deadline_before"].search(before) or p["deadline_after"].match(t.folded[f.span.end:b])):
            continue
        head = lex.mask_not_negations(t.folded[a:f.span.start])
        if p["negations"].search(head) or p["hedges"].search(t.folded[a:b]):
            continue
        out.append(_Commitment("deadline:" + f.key, f.span, f.text))
    return out
