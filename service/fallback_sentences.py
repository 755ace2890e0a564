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
  ``EscalationDoc``).

Every edit made here is checked by the guard like any other: the caller keeps
only those that leave the rewrite honest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service.domain import Violation
from service.rulebook.model import CATALOGUE

POLICY_FILE = "_policy.yaml"


class FallbackDataError(Exception):
    """A fallback data file is missing or malformed; names the file and key."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        super().__init__(f"{file}: key '{key}': {problem}")
        self.file = str(file)
        self.key = key


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(ids: list[str]) -> list[str]:
    unknown = [i for i in ids if i not in CATALOGUE]
    if unknown:
        raise ValueError(f"not rule ids of the catalogue: {', '.join(unknown)}")
    return ids


class PolicyDoc(_Doc):
    """``_policy.yaml``: which rulebook findings drive the fallback's sentence work."""

    # A sentence flagged by one of these, holding no fact, goes.
    drop_sentence_when: list[str] = Field(min_length=1)
    # The greeting only when the rulebook says this is the opening and it lacks one.
    greet_when: list[str] = Field(min_length=1)
    # The empathy lead when the rulebook asks for it (besides the language's upset cues).
    empathy_when: list[str] = Field(min_length=1)
    # A sentence flagged by one of these (too long) is split at the language's
    # clause breaks (``split``), down to the rule's own sentence limit.
    split_sentence_when: list[str] = Field(default_factory=list)
    # A reply the rulebook finds to be one bare word ("ok", "no", "嗯") is said
    # as the language's full sentence of the same meaning (``one_word``).
    expand_word_when: list[str] = Field(default_factory=list)
    # The customer's name, when known, goes into a reply the rulebook finds
    # should use it (the language's ``address`` data says where).
    address_by_name_when: list[str] = Field(default_factory=list)
    # The customer asked for a supervisor or a person and the draft doesn't
    # hand them over: the language's ``escalation`` data.
    escalation_when: list[str] = Field(default_factory=list)

    @field_validator("drop_sentence_when", "greet_when", "empathy_when", "split_sentence_when",
                     "expand_word_when", "address_by_name_when", "escalation_when")
    @classmethod
    def _in_catalogue(cls, value: list[str]) -> list[str]:
        return _known(value)


class OneWordDoc(_Doc):
    words: list[str] = Field(min_length=1)
    to: str = Field(min_length=1)
    # "question": only when the customer's last message asks something (a bare
    # "yes"/"no" answers it); "message": when there is a customer message at all.
    after: str = Field(pattern="^(question|message)$")


@dataclass(frozen=True)
class OneWord:
    words: frozenset[str]
    to: str
    after_question: bool


_NOT_WORD = re.compile(r"[\W_]+")


_D = TypeVar("_D", bound=BaseModel)


def _validated_list(file: Path, items: Any, list_key: str, model: type[_D], shape: str) -> list[tuple[int, _D]]:
    """The items of a list key, each validated by ``model``; an error names
    the file and the item's key (``rephrase[3].re``)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise FallbackDataError(file, list_key, f"expected a list of {shape}")
    out = []
    for i, item in enumerate(items):
        try:
            out.append((i, model.model_validate(item)))
        except ValidationError as exc:
            key, msg = _where(exc)
            raise FallbackDataError(file, f"{list_key}[{i}].{key}", msg) from None
    return out


def load_one_word(file: Path, items: Any) -> tuple[OneWord, ...]:
    """The ``one_word`` list of a language file: bare words -> the full sentence."""
    return tuple(OneWord(frozenset(w.casefold() for w in doc.words), doc.to, doc.after == "question")
                 for _, doc in _validated_list(file, items, "one_word", OneWordDoc, "{words, to, after}"))


def one_word_sentence(text: str, groups: Sequence[OneWord], asked: bool, answered: bool) -> str | None:
    """The full sentence for a reply that is one bare word of a group whose
    condition holds (``asked``: the customer's last message is a question;
    ``answered``: there is one), first group first; None otherwise."""
    core = _NOT_WORD.sub("", text).casefold()
    for g in groups:
        if core in g.words and (asked if g.after_question else answered):
            return g.to
    return None


class RephraseDoc(_Doc):
    re: str = Field(min_length=1)
    to: str


class EscalationDoc(_Doc):
    """``escalation`` of a language file: the customer asked for a supervisor
    or a person, and the rulebook finds the draft doesn't hand them over.

    Offering the hand-over as a question is not a promise (the guard reads it
    as scaffolding, and the rulebook's own honest rewrites offer it), but it
    must never contradict a draft that says the hand-over can't happen: the
    guard doesn't read such an offer as flipping that refusal in every
    language, so ``refuses`` decides here, before the guard is asked.
    """

    # Words by which a draft says the hand-over can't happen ("can't",
    # "not possible", "busy", "only through this chat"). Such a draft is never
    # offered one: its refusal is said as the limit (``reframe``) and what the
    # agent can do follows (``help_here``).
    refuses: list[str] = Field(min_length=1)
    # The offer, a question, added to a draft that doesn't refuse.
    offer: str = Field(min_length=1)
    # Words that only talk the customer out of it ("there's no need for a
    # manager", "it's pointless"): they go when the offer is made.
    dismiss: list[str] = Field(default_factory=list)
    # A curt refusal of the hand-over said as the limit ("I can't transfer
    # you" -> "a transfer isn't available here"); a draft that offers another
    # way (a call back from the manager) is then an honoured request.
    reframe: list[RephraseDoc] = Field(default_factory=list)
    # What the agent can do instead, after a refusal: help here...
    help_here: str = Field(min_length=1)
    # ...unless the rewrite hands the request on another way ("my manager
    # will call you back", "I'm passing this to our phone team").
    hands_over: list[str] = Field(default_factory=list)


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


def _where(exc: ValidationError) -> tuple[str, str]:
    err = max(exc.errors(), key=lambda e: len(e["loc"]))
    key = ".".join(str(p) for p in err["loc"]) or "(file)"
    return key, err["msg"]


def load_policy(directory: Path) -> Policy:
    file = Path(directory) / POLICY_FILE
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FallbackDataError(file, "(file)", f"cannot read: {exc}") from exc
    try:
        p = PolicyDoc.model_validate(doc)
    except ValidationError as exc:
        raise FallbackDataError(file, *_where(exc)) from None
    return Policy(frozenset(p.drop_sentence_when), frozenset(p.greet_when), frozenset(p.empathy_when),
                  frozenset(p.split_sentence_when), frozenset(p.expand_word_when),
                  frozenset(p.address_by_name_when), frozenset(p.escalation_when))


def load_rephrase(file: Path, items: Any, list_key: str = "rephrase") -> tuple[Rephrase, ...]:
    """The ``rephrase`` (or ``split``, ``address``) list of a language file,
    compiled (case-insensitive). Every ``address`` template must place the
    name (``{name}``)."""
    out = []
    for i, doc in _validated_list(file, items, list_key, RephraseDoc, "{re, to}"):
        out.append(_compiled(file, f"{list_key}[{i}]", doc))
        if list_key == "address" and "{name}" not in doc.to:
            raise FallbackDataError(file, f"{list_key}[{i}].to", "an address template must hold {name}")
    return tuple(out)


def _compiled(file: Path, key: str, doc: RephraseDoc) -> Rephrase:
    try:
        rx = re.compile(doc.re, re.IGNORECASE)
        rx.sub(doc.to, "")  # a bad group reference in the template fails here only if used
        for ref in re.findall(r"\\(\d+)", doc.to):
            if int(ref) > rx.groups:
                raise re.error(f"template refers to group {ref}, the regex has {rx.groups}")
    except re.error as exc:
        raise FallbackDataError(file, key, f"invalid regex or template: {exc}") from exc
    return Rephrase(rx, doc.to)


def load_escalation(file: Path, item: Any) -> Escalation | None:
    """The ``escalation`` block of a language file (None when the language has none)."""
    if item is None:
        return None
    try:
        doc = EscalationDoc.model_validate(item)
    except ValidationError as exc:
        key, msg = _where(exc)
        raise FallbackDataError(file, f"escalation.{key}", msg) from None

    def pattern(key: str, items: list[str]) -> re.Pattern[str]:
        try:
            return re.compile("|".join(f"(?:{x})" for x in items), re.IGNORECASE)
        except re.error as exc:
            raise FallbackDataError(file, f"escalation.{key}", f"invalid regex: {exc}") from exc

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
