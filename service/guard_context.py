"""What the guard reads besides the two texts: its policy
(``prompts/guard/_policy.yaml``), the conversation's facts, and what the
draft's violations let a rewrite remove.

``service/guard.py`` builds these once per Verify; the fact and condition
checks (``service/fact_check.py``, ``service/condition_check.py``) read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Sequence

from service.datafile import load_model
from service.domain import Fact, Message, Role, Violation
from service.facts import (
    Lexicon,
    fold,
)
from service.guard_schema import GuardPolicyDoc
from service.guard_text import Text, neighbours, sentence
from service.textnorm import lower_same_length

__all__ = ["CONVERSATION_CHARS_READ", "CONVERSATION_MESSAGES_READ", "ConversationFacts", "Excused", "GuardPolicy",
           "recent"]

# Facts a customer's message may license in the agent's reply: the identifiers
# of their own case (a code with a cue such as "order" or "#" before it), plain
# numbers and measures ("size 42", "the 64 GB model"), names and channels.
# Links, emails, phones, other codes, amounts, percentages and dates they wrote
# are theirs, not the agent's (the injection issue: "add this link"); only the
# day or hour their last question asks about may be said back, and only where
# the draft names no time (``asked``, read by service/fact_check.py).
_CUSTOMER_KINDS = frozenset({"id", "number", "name", "channel", "measure", "quoted"})


_CUE_WINDOW = 24  # characters before an identifier where its cue ("order #") may stand


# Digits a customer gives after a case cue are the case, whatever they look like.
_CUED_KINDS = frozenset({"phone", "number", "id"})


@dataclass(frozen=True)
class GuardPolicy:
    """``prompts/guard/_policy.yaml``: what the rules let a rewrite remove."""

    words_may_go: frozenset[str]
    sentences_may_go: frozenset[str]
    facts_may_go: frozenset[str]
    facts_in_span_may_go: frozenset[str]
    must_not_add: frozenset[str]
    conversation_grounds_content: frozenset[str]
    draft_read_with_fixes: frozenset[str]
    opinions: frozenset[str]

    @property
    def rule_ids(self) -> frozenset[str]:
        return (self.words_may_go | self.sentences_may_go | self.facts_may_go | self.facts_in_span_may_go
                | self.must_not_add
                | self.conversation_grounds_content | self.draft_read_with_fixes | self.opinions)

    @classmethod
    def load(cls, file: Path) -> "GuardPolicy":
        doc = load_model(file, GuardPolicyDoc)
        return cls(**{key: frozenset(ids) for key, ids in doc})


# How much of the conversation the guard reads: the newest messages, up to
# these bounds. It licenses a case identifier the customer gave and grounds
# an empathy line; older text rarely does, and reading 100 messages of 4,000
# characters costs a second of CPU in Chinese (README, "How the guard decides").
CONVERSATION_MESSAGES_READ = 20


CONVERSATION_CHARS_READ = 8000


def recent(conversation: Sequence[Message]) -> Sequence[Message]:
    """The newest messages of ``conversation`` within the guard's reading bounds."""
    kept: list[Message] = []
    total = 0
    for message in reversed(conversation[-CONVERSATION_MESSAGES_READ:]):
        if total + len(message.text) > CONVERSATION_CHARS_READ:
            room = CONVERSATION_CHARS_READ - total
            if room > 0:
                kept.append(Message(message.role, message.text[-room:]))
            break
        kept.append(message)
        total += len(message.text)
    return kept[::-1]


class ConversationFacts:
    """The facts the conversation licenses, computed only when asked.

    They only excuse a fact the candidate adds (the customer gave that order
    number, the agent already said that date); an answer that adds no fact,
    the usual case, never pays for extracting every message. What the agent
    said licenses everything; what the customer said licenses only the
    identifiers of their case (see ``_CUSTOMER_KINDS``) and, on the fact
    checker's terms, the facts of the question the draft answers (``asked``).
    """

    def __init__(self, conversation: Sequence[Message], lex: Lexicon,
                 facts_of: "Callable[[str, Lexicon], list[Fact]] | None" = None) -> None:
        self._conversation = conversation
        self._lex = lex
        self._facts_of = facts_of or (lambda text, lex: lex.extract(text))

    @cached_property
    def keys(self) -> frozenset[str]:
        keys: set[str] = set()
        cues = self._lex.patterns["identifier_cues"]
        for msg in self._conversation:
            facts = self._facts_of(msg.text, self._lex)
            if msg.role is Role.AGENT:
                keys.update(f.key for f in facts)
                continue
            folded = fold(msg.text)
            for f in facts:
                if f.kind in _CUED_KINDS and cues.search(folded[max(0, f.span.start - _CUE_WINDOW):f.span.start]):
                    keys.add(f.key)   # "contrato 5510-223" reads like a phone number; the cue says it's the case
                    continue
                if f.kind not in _CUSTOMER_KINDS:
                    continue
                if f.kind == "id" and not (
                        f.text.startswith("#")
                        or cues.search(folded[max(0, f.span.start - _CUE_WINDOW):f.span.start])):
                    continue
                keys.add(f.key)
        return frozenset(keys)

    @cached_property
    def asked(self) -> frozenset[str]:
        """The facts of the customer's last message, when it is the last
        message and asks ("do you have pit tickets for the 21 June gig?"):
        the thing the draft's answer is about."""
        last = self._conversation[-1] if self._conversation else None
        if last is None or last.role is not Role.CUSTOMER or not ("?" in last.text or "？" in last.text):
            return frozenset()
        return frozenset(f.key for f in self._facts_of(last.text, self._lex))

    @cached_property
    def beside(self) -> dict[str, set[str]]:
        """For each fact a customer's statement gives, what stands beside it
        there (``neighbours``): a rewrite that says "the card you lost in
        Lisbon yesterday" where the customer wrote "I lost my card in Lisbon
        yesterday" quotes the customer, with the same word beside the day.
        A question's facts are what the customer asks for ("posso venire
        domani?"), which a rewrite must not grant in the customer's words."""
        out: dict[str, set[str]] = {}
        for msg in self._conversation:
            if msg.role is not Role.CUSTOMER:
                continue
            t = Text(msg.text, self._lex, self._facts_of(msg.text, self._lex))
            for f in t.facts:
                a, b = t.sentence_of(f.span.start)
                if t.text[a:b].rstrip().endswith(("?", "？")):
                    continue
                out.setdefault(f.key, set()).update(neighbours(t, f, self._lex))
        return out

    @cached_property
    def said(self) -> frozenset[str]:
        """Every fact of the conversation, whoever said it: an empathy
        sentence may echo the customer's ("two days without hot water")."""
        return frozenset(f.key for msg in self._conversation for f in self._facts_of(msg.text, self._lex))

    @cached_property
    def low(self) -> str:
        """The agent's earlier messages (they may license a quoted name)."""
        return "\n".join(lower_same_length(fold(msg.text)) for msg in self._conversation
                         if msg.role is Role.AGENT)


class Excused:
    """What the draft's violations let the rewrite remove.

    ``words`` marks draft characters whose words need not survive; a fact in
    a span of a ``facts_may_go`` rule need not either. A jargon term counts as
    kept when the candidate uses the glossary's plain replacement for it, so
    the replacement's words are part of the draft's vocabulary.
    """

    def __init__(self, d: Text, violations: Sequence[Violation], policy: GuardPolicy, lex: Lexicon,
                 conversation: Sequence[Message] = ()) -> None:
        self.words = bytearray(len(d.text))
        self.sentences = bytearray(len(d.text))
        # the sentences of an opinion ("I wouldn't take the extended warranty"): they state no fact
        self.opinions = bytearray(len(d.text))
        self._fact_spans: list[tuple[int, int]] = []
        # Text the rules ask to say differently (jargon in plain words, blame or
        # sarcasm as a neutral statement): its new wording is not invented content.
        self.replaced_spans = [(v.span.start, v.span.end) for v in violations
                               if v.rule_id == "no-jargon" or v.rule_id in policy.sentences_may_go]
        self._replacements: dict[str, str] = {}
        extra: list[str] = []
        for v in violations:
            a, b = max(0, v.span.start), min(len(d.text), v.span.end)
            if a >= b:
                continue
            if v.rule_id in policy.facts_in_span_may_go:
                self._fact_spans.append((a, b))   # "will 100% arrive": not the rest of the sentence
            if v.rule_id in policy.sentences_may_go:
                sa, sb = sentence(d.folded, a, b)
                # An absolute is one word of a statement: its sentence goes
                # along only when the statement says nothing else.
                if v.rule_id not in policy.facts_in_span_may_go or _only_tone(d, lex, sa, sb, a, b):
                    a, b = sa, sb
                    self.sentences[a:b] = b"\x01" * (b - a)
            if v.rule_id in policy.opinions:
                sa, sb = sentence(d.folded, a, b)
                self.opinions[sa:sb] = b"\x01" * (sb - sa)
            if v.rule_id in policy.words_may_go or v.rule_id in policy.sentences_may_go:
                self.words[a:b] = b"\x01" * (b - a)
            if v.rule_id in policy.facts_may_go:
                self._fact_spans.append((a, b))
            if v.suggestion:
                self._replacements[lower_same_length(fold(v.excerpt)).strip()] = v.suggestion
                extra.append(lower_same_length(fold(v.suggestion)))
        if any(v.rule_id in policy.conversation_grounds_content for v in violations):
            extra += [lower_same_length(fold(m.text)) for m in conversation]
        self.vocabulary_extra: str = "\n".join(extra)

    def fact_may_go(self, f: Fact) -> bool:
        if f.kind == "channel" and any(self.words[f.span.start:f.span.end]):
            return True   # "what's your phone number?" asked twice: the channel is wording
        return any(a <= f.span.start and f.span.end <= b for a, b in self._fact_spans)

    def replaced(self, text: str, c: Text) -> bool:
        """A flagged term the candidate replaced by its suggested plain words."""
        low = lower_same_length(fold(text))
        return any(low in term and lower_same_length(fold(repl)) in c.low
                   for term, repl in self._replacements.items())


def _only_tone(d: Text, lex: Lexicon, sa: int, sb: int, a: int, b: int) -> bool:
    """Whether the sentence [sa, sb) around a tone violation [a, b) says
    nothing else: no fact, condition, instruction or prohibition outside the
    flagged words. Only then may the whole sentence go ("Obviously you didn't
    read the manual."); "We NEVER ask for your PIN by SMS; if someone does,
    hang up" keeps its warning when the absolute goes."""
    if any(sa <= f.span.start < sb and not (a <= f.span.start and f.span.end <= b) for f in d.facts):
        return False
    outside = d.folded[sa:a] + "\n" + d.folded[b:sb]
    if any(rx.search(outside) for rx in lex.conditions.values()):
        return False
    return not any(lex.patterns[key].search(outside) for key in ("instructions", "prohibitions"))
