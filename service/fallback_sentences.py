"""Sentence-level data and edits of the fallback rewrite.

Word-level fixes (``service.fallback``) can't help a sentence that is only
sarcasm, blame, pressure or an opinion, nor a guarantee or a curt refusal
whose words are each fine. This module holds what the fallback does to whole
sentences, all of it data:

- ``prompts/fallback/_policy.yaml`` (one file, rule ids are not per language):
  which rules' violations make a fact-free sentence go, and which rulebook
  findings ask for the greeting and the empathy lead;
- ``rephrase`` in ``prompts/fallback/<lang>.yaml``: regex -> template pairs
  that state the same fact without the promise, or the same limit without the
  curtness ("I guarantee it will ship" -> "it is scheduled to ship");
- ``address`` in the same files: where the customer's name goes when the
  rulebook says the reply should use it ("Thank you, sir." -> "Thank you,
  Mr. Okafor."; else after a leading "Sure," or at the end of the first sentence);
- ``escalation``: what the rewrite does when the customer asked for a
  supervisor or a person and the draft doesn't hand them over (see
  ``fallback_schema.EscalationDoc``).

Every edit made here is checked by the guard like any other: the caller keeps
only those that leave the rewrite honest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from service.datafile import DataFileError, load_model
from service.domain import Violation
from service.fallback_schema import EscalationDoc, OneWordDoc, PolicyDoc, RephraseDoc

POLICY_FILE = "_policy.yaml"


@dataclass(frozen=True)
class OneWord:
    words: frozenset[str]
    to: str
    after_question: bool


_NOT_WORD = re.compile(r"[\W_]+")


def load_one_word(docs: Sequence[OneWordDoc]) -> tuple[OneWord, ...]:
    """The ``one_word`` list of a language file: bare words -> the full sentence."""
    return tuple(OneWord(frozenset(w.casefold() for w in doc.words), doc.to, doc.after == "question")
                 for doc in docs)


def one_word_sentence(text: str, groups: Sequence[OneWord], asked: bool, answered: bool) -> str | None:
    """The full sentence for a reply that is one bare word of a group whose
    condition holds (``asked``: the customer's last message is a question;
    ``answered``: there is one), first group first; None otherwise."""
    core = _NOT_WORD.sub("", text).casefold()
    for g in groups:
        if core in g.words and (asked if g.after_question else answered):
            return g.to
    return None


@dataclass(frozen=True)
class Escalation:
    refuses: re.Pattern[str]
    offer: str
    dismiss: tuple[Rephrase, ...]
    reframe: tuple[Rephrase, ...]
    help_here: str
    hands_over: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Policy:
    drop_sentence_when: frozenset[str]
    greet_when: frozenset[str]
    empathy_when: frozenset[str]
    split_sentence_when: frozenset[str] = frozenset()
    expand_word_when: frozenset[str] = frozenset()
    address_by_name_when: frozenset[str] = frozenset()
    escalation_when: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rephrase:
    regex: re.Pattern[str]
    template: str


def load_policy(directory: Path) -> Policy:
    p = load_model(Path(directory) / POLICY_FILE, PolicyDoc)
    return Policy(frozenset(p.drop_sentence_when), frozenset(p.greet_when), frozenset(p.empathy_when),
                  frozenset(p.split_sentence_when), frozenset(p.expand_word_when),
                  frozenset(p.address_by_name_when), frozenset(p.escalation_when))


def load_rephrase(file: Path, docs: Sequence[RephraseDoc], list_key: str = "rephrase") -> tuple[Rephrase, ...]:
    """The ``rephrase`` (or ``split``, ``address``) list of a language file,
    compiled (case-insensitive). Every ``address`` template must place the
    name (``{name}``)."""
    out = []
    for i, doc in enumerate(docs):
        out.append(_compiled(file, f"{list_key}[{i}]", doc))
        if list_key == "address" and "{name}" not in doc.to:
            raise DataFileError(file, f"{list_key}[{i}].to", "an address template must hold {name}")
    return tuple(out)


def _compiled(file: Path, key: str, doc: RephraseDoc) -> Rephrase:
    try:
        rx = re.compile(doc.re, re.IGNORECASE)
        rx.sub(doc.to, "")  # a bad group reference in the template fails here only if used
        for ref in re.findall(r"\\(\d+)", doc.to):
            if int(ref) > rx.groups:
                raise re.error(f"template refers to group {ref}, the regex has {rx.groups}")
    except re.error as exc:
        raise DataFileError(file, key, f"invalid regex or template: {exc}") from exc
    return Rephrase(rx, doc.to)


def load_escalation(file: Path, doc: EscalationDoc | None) -> Escalation | None:
    """The ``escalation`` block of a language file, compiled (None when the language has none)."""
    if doc is None:
        return None

    def pattern(key: str, items: list[str]) -> re.Pattern[str]:
        try:
            return re.compile("|".join(f"(?:{x})" for x in items), re.IGNORECASE)
        except re.error as exc:
            raise DataFileError(file, f"escalation.{key}", f"invalid regex: {exc}") from exc

    return Escalation(
        refuses=pattern("refuses", doc.refuses), offer=doc.offer,
        dismiss=tuple(_compiled(file, f"escalation.dismiss[{i}]", RephraseDoc(re=x, to=""))
                      for i, x in enumerate(doc.dismiss)),
        reframe=tuple(_compiled(file, f"escalation.reframe[{i}]", d) for i, d in enumerate(doc.reframe)),
        help_here=doc.help_here,
        hands_over=pattern("hands_over", doc.hands_over) if doc.hands_over else None)


def address_by_name(text: str, rules: Sequence[Rephrase], name: str) -> str | None:
    """``text`` with the customer's name placed by the first ``address`` rule
    that matches (once), or None when none does."""
    for r in rules:
        m = r.regex.search(text)
        if m:
            return text[:m.start()] + m.expand(r.template).replace("{name}", name) + text[m.end():]
    return None


_SENTENCE = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+[\"'”’)]*|\n|$)\s*")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, each with the spaces after it."""
    out = []
    for m in _SENTENCE.finditer(text):
        if m.end() > m.start() and text[m.start():m.end()].strip():
            out.append((m.start(), m.end()))
    return out


def flagged_sentences(text: str, violations: Sequence[Violation], rules: frozenset[str]
                      ) -> list[tuple[int, int]]:
    """Sentences holding a finding of one of ``rules`` that lies inside the sentence
    (a finding spanning several sentences, such as a missing-empathy one over
    the whole draft, says nothing about one sentence)."""
    spans = [(v.span.start, v.span.end) for v in violations if v.rule_id in rules]
    return [(s, e) for s, e in sentences(text)
            if any(s <= vs and ve <= e for vs, ve in spans)]


def rephrasings(text: str, rules: Sequence[Rephrase]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, replacement) of every rephrase that matches, first rule first."""
    found: list[tuple[int, int, str]] = []
    for r in rules:
        for m in r.regex.finditer(text):
            if m.end() == m.start() or any(m.start() < e and s < m.end() for s, e, _ in found):
                continue
            before = text[:m.start()].rstrip()
            at_start = not before or before[-1] in ".!?。！？\n"
            found.append((m.start(), m.end(), _case_like(m.group(), m.expand(r.template), at_start)))
    return sorted(found)


def splits(text: str, spans: Sequence[tuple[int, int]], breaks: Sequence[Rephrase],
           size: Callable[[str], int], limit: int) -> list[tuple[int, int, str]]:
    """Clause breaks that cut each of ``spans`` (long sentences) into pieces of
    at most ``limit`` (``size`` counts words or characters), as
    (start, end, replacement): ", but " -> ". but " (the tidy-up capitalises).
    Each cut is the break that best balances the two halves; a piece with no
    break left stays long."""
    out: list[tuple[int, int, str]] = []
    for s, e in spans:
        cands: list[tuple[int, int, str]] = []
        for r in breaks:
            for m in r.regex.finditer(text, s, e):
                if s < m.start() < m.end() < e and not any(m.start() < ce and cs < m.end() for cs, ce, _ in cands):
                    cands.append((m.start(), m.end(), m.expand(r.template)))
        out.extend(_cut(text, s, e, sorted(cands), size, limit))
    return sorted(out)


def _cut(text: str, s: int, e: int, cands: list[tuple[int, int, str]], size: Callable[[str], int],
         limit: int) -> list[tuple[int, int, str]]:
    if size(text[s:e]) <= limit:
        return []
    inside = [c for c in cands if s < c[0] and c[1] < e]
    if not inside:
        return []
    best = min(inside, key=lambda c: max(size(text[s:c[0]]), size(text[c[1]:e])))
    return _cut(text, s, best[0], inside, size, limit) + [best] + _cut(text, best[1], e, inside, size, limit)


def _case_like(old: str, new: str, at_start: bool) -> str:
    """A rephrasing of a capitalised sentence start starts with a capital too
    (mid-sentence, a capital is the word's own: "I'm afraid I can't ...")."""
    if at_start and old[:1].isupper() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new
