"""The honesty guard: is a candidate an honest rewrite of its draft?

It runs inside every Rewrite (on the model's output and on the fallback's) and
behind the Verify RPC, so it is deterministic, data-driven and linear: the
lexicons are compiled once in ``__init__`` and each check is a handful of
regex passes over the two texts.

Six checks, each producing plain-language findings an agent can read:

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
* conditions: every condition or limit of the draft ("if unused", "only
  for annual plans", "within 30 days") survives as a marker of the same kind
  about the same thing; a lost one is a DROPPED_FACT naming the condition.
* refusals: when the draft refuses something, the candidate's clauses about
  the same topic must still be negative or still state the limit ("available
  within 30 days... this order is past that window", "back in stock in 2
  weeks"); a topical clause that affirms ("we can", "take care of", "sì",
  "没问题") with neither is a flipped refusal.
* statements (``service/statements.py``): a negative statement of the draft
  ("the parcel hasn't shipped", "don't restart the router") that the
  candidate says is so ("has shipped", "feel free to restart") is a flipped
  refusal too, unless the candidate asks, requests, conditions or schedules
  it (the positive reframes the rules ask for).
* content (``service/content.py``): no clause of the draft loses all its
  content words (DROPPED_CONTENT), no clause of the candidate is made of
  words grounded in neither the draft nor the etiquette scaffolding
  (NEW_CONTENT).

The guard knows what the rules asked to change: ``verify`` takes the draft's
violations, and the words (and, for some rules, the facts) they flag need not
survive (``prompts/guard/_policy.yaml``). The conversation licenses a new fact
only as ``prompts/guard/_policy.yaml``'s conversation policy says: anything
the agent said earlier, and from the customer only the identifiers of their
own case (order, ticket, account, tracking numbers) and channels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Callable, Sequence

from service import content
from service.commitments import (commitments_of, dropped_refusals, is_zero_amount, new_actions, new_commitments,
                                 waived_charges)
from service.sanitize import INVISIBLE, strip_invisible
from service.datafile import DataFileError, load_model
from service.domain import Fact, Finding, FindingKind, Message, Role, Span, Violation
from service.guard_schema import GuardPolicyDoc
from service.guard_text import Text, fact_mask, negative, polarity_mask, sentence, union
from service.textnorm import CJK_CLASS, lower_same_length, strip_accents
from service.refusals import flipped_refusals
from service.statements import flipped_statements
from service.fallback_conditions import conditions_of, failure_words, kept_or_said, same_step, states_failure
from service.written_numbers import ordinal_said, step_listed
from service.warnings import weakened_warnings
from service.facts import (
    DEFAULT_GUARD_DIR,
    CJK_DIGITS,
    KIND_LABELS,
    Lexicon,
    cjk_number,
    equivalent_keys,
    other_readings,
    writes_day_first,
    fold,
    implied_channels,
    load_lexicons,
    pick,
)

__all__ = ["Guard", "GuardPolicy"]

# Kinds compared leniently as text: a name or quoted title is kept when it
# still appears anywhere in the candidate, quotes or capitals aside.
_TEXTUAL = frozenset({"name", "quoted"})

# Facts a customer's message may license in the agent's reply: the identifiers
# of their own case (a code with a cue such as "order" or "#" before it), plain
# numbers and measures ("size 42", "the 64 GB model"), names and channels.
# Links, emails, phones, other codes, amounts, percentages and dates they wrote
# are theirs, not the agent's (the injection issue: "add this link").
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

    @property
    def rule_ids(self) -> frozenset[str]:
        return (self.words_may_go | self.sentences_may_go | self.facts_may_go | self.facts_in_span_may_go
                | self.must_not_add
                | self.conversation_grounds_content | self.draft_read_with_fixes)

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


# Texts whose facts are kept: more than the drafts and conversation messages of
# the requests in flight at once (a request reads them on each attempt, the
# fallback and kept_facts()).
_FACTS_KEPT = 256


class _ConversationFacts:
    """The facts the conversation licenses, computed only when asked.

    They only excuse a fact the candidate adds (the customer gave that order
    number, the agent already said that date); an answer that adds no fact,
    the usual case, never pays for extracting every message. What the agent
    said licenses everything; what the customer said licenses only the
    identifiers of their case (see ``_CUSTOMER_KINDS``).
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
    def said(self) -> frozenset[str]:
        """Every fact of the conversation, whoever said it: an empathy
        sentence may echo the customer's ("two days without hot water")."""
        return frozenset(f.key for msg in self._conversation for f in self._facts_of(msg.text, self._lex))

    @cached_property
    def low(self) -> str:
        """The agent's earlier messages (they may license a quoted name)."""
        return "\n".join(lower_same_length(fold(msg.text)) for msg in self._conversation
                         if msg.role is Role.AGENT)


class _Excused:
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


class Guard:
    """Deterministic honesty checks over (draft, candidate, conversation)."""

    def __init__(self, data_dir: Path = DEFAULT_GUARD_DIR) -> None:
        self._lexicons = load_lexicons(Path(data_dir))
        self._policy = GuardPolicy.load(Path(data_dir) / "_policy.yaml")
        if "en" not in self._lexicons:
            raise DataFileError(data_dir, "en", "the English lexicon (en.yaml) is required as the default")
        # The facts of the last few drafts: verify() and kept_facts() read the
        # same draft within one request, so it is extracted once.
        self._draft_facts: dict[tuple[str, int], list[Fact]] = {}

    def _facts_of_draft(self, draft: str, lex: Lexicon) -> list[Fact]:
        key = (draft, id(lex))
        facts = self._draft_facts.get(key)
        if facts is None:
            facts = lex.extract(draft)
            if len(self._draft_facts) >= _FACTS_KEPT:
                del self._draft_facts[next(iter(self._draft_facts))]
            self._draft_facts[key] = facts
        return facts

    # -- public API --------------------------------------------------------
    def content_caches_clear(self) -> None:
        """Forget the words computed for earlier texts (benchmarks measure a cold request)."""
        for lex in self._lexicons.values():
            with lex.content._cache_lock:
                lex.content._cache.clear()

    @property
    def policy(self) -> GuardPolicy:
        return self._policy

    def verify(self, draft: str, candidate: str, conversation: Sequence[Message] = (),
               language: str = "en", violations: Sequence[Violation] = ()) -> list[Finding]:
        """Findings that make ``candidate`` dishonest; empty list = honest.

        ``violations`` are the draft's (from the rulebook): what they flag
        the rewrite may remove, as ``_policy.yaml`` says."""
        lex = pick(self._lexicons, language)
        conversation = recent(conversation)
        if INVISIBLE.search(draft) or INVISIBLE.search(candidate):
            # Zero-width and bidi controls are never part of what a text says
            # (service/sanitize.py); spans then count in the text without them.
            draft, candidate = strip_invisible(draft), strip_invisible(candidate)
            violations = ()
        c = Text(candidate, lex)
        d = Text(draft, lex, _as_its_writer_reads(self._facts_of_draft(draft, lex), c.facts, lex))
        excused = _Excused(d, violations, self._policy, lex, conversation)
        findings = self._facts(d, c, _ConversationFacts(conversation, lex, self._facts_of_draft), excused)
        findings += self._conditions(d, c, lex, excused)
        # Kinds of promise the draft makes once its shorthand is spelled out
        # ("t mando") or its borrowed English read ("ha refund immediato").
        also_made = self._commitments_as_spelled_out(draft, violations, lex) | self._borrowed_commitments(d, lex)
        findings += new_commitments(d, c, lex, also_made)
        if not any(f.kind is FindingKind.NEW_COMMITMENT for f in findings):
            findings += waived_charges(d, c, lex)
        findings += dropped_refusals(d, c, lex, excused.sentences)
        findings += flipped_refusals(d, c, lex, [v.rule_id for v in violations])
        findings += weakened_warnings(d, c, lex)
        findings += flipped_statements(d, c, lex)
        findings += self._content(d, c, lex, excused, violations, conversation, also_made)
        return _once_per_promise(findings)

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
    def _facts(self, d: Text, c: Text, context: "_ConversationFacts", excused: "_Excused") -> list[Finding]:
        lex = d._lex
        out: list[Finding] = []
        cand_keys = {f.key for f in c.facts}
        # The rewrite's address keeps the draft's word for its channel ("verify
        # your email" -> "verify lee.park@example.com"); the address itself is
        # still a fact of its own.
        cand_said = cand_keys | {k for g in c.facts for k in (*equivalent_keys(g), *implied_channels(g))}
        cand_values = _counted_values(c, lex)
        carried: set[str] = set()
        seen: set[str] = set()
        for f in d.facts:
            if f.key in seen:
                continue
            seen.add(f.key)
            if f.key in cand_said or (equivalent_keys(f) and equivalent_keys(f) <= cand_said):
                continue
            if f.kind in _TEXTUAL and _contains(c.low, _inner(f)):
                continue
            if f.kind == "name" and _spelled_out(f.text, c.low):
                continue  # "IdP" -> "identity provider", "Dept" -> "Department"
            if excused.fact_may_go(f) or (f.kind == "name" and excused.replaced(f.text, c)):
                continue
            if f.kind == "channel" and _beside_contact(d, f) and not _contact_rechanneled(d, c, f):
                continue  # "or email support@acme.com": the address itself is the destination
            if f.kind == "number" and (f.key[2:] in cand_values or _spelled(f.key[2:], c, lex)):
                continue  # "a los 30" -> "a los 30 días", "3 volte" -> "tre tentativi"
            if f.kind == "number" and step_listed(d, f, c):
                continue  # "1 tieni premuto reset 2 aspetta" -> a list: "1. Tieni premuto..."
            if f.kind == "number" and ordinal_said(d, f, c, lex):
                continue  # "the 2nd line" -> "the second line", "1er piso" -> "primer piso"
            if f.key.startswith("evt:") and not any(g.key.startswith("evt:") for g in c.facts):
                continue  # "on the day you leave" -> "on the 28th, when you leave": only a day moved counts
            if f.kind == "time" and _same_clock(f, c.facts, lex):
                continue  # "19:30" -> "七点半": the same time on a 12-hour clock
            if f.kind == "phone" and _same_phone(f, c.facts):
                continue  # "1-800-555-0199" -> "(800) 555-0199"
            if f.kind == "number" and _clock_reading(f) in cand_keys:
                continue  # "departs 0745" -> "at 7:45 am", "8.30" -> "8:30"
            if is_zero_amount(f.key) and any(k.category == "free" for k in commitments_of(c)):
                continue  # "costs 0 EUR" -> "is free"
            if _clock_of_hours(f) and any(g.key in _clock_of_hours(f) for g in c.facts):
                continue  # "check-out hasta 12h" -> "hasta las doce del mediodía"
            if (value := _unit_kept_apart(f, c, lex)) is not None:
                carried.add(value)
                continue  # "app says 10 min" -> "about 10 more minutes", "300Mbps" -> "300 Mbps"
            if f.kind == "weekday" and _closed_days_said_as_open(d, c, lex):
                continue  # "nn apre sabato e domenica" -> "aperto dal lunedì al venerdì"
            out.append(Finding(
                FindingKind.DROPPED_FACT,
                f"The rewrite leaves out the {KIND_LABELS[f.kind]} {_shown(f)} that the draft gives "
                f"(draft characters {f.span.start}-{f.span.end}).",
                f.span))
        draft_keys = {f.key for f in d.facts}
        draft_said = draft_keys | {k for g in d.facts for k in equivalent_keys(g)} | {
            k for g in d.facts for k in implied_channels(g)}
        seen = set()
        for f in c.facts:
            if f.kind == "name" or f.key in draft_said or f.key in seen:
                continue
            if f.key.startswith("evt:") and not any(k.startswith("evt:") for k in draft_said):
                continue  # "go same day" -> "go out the same day": only a day moved counts
            # The draft's own ways of saying a fact are asked first; the
            # conversation's facts (every message extracted) only for what is left.
            if equivalent_keys(f) and equivalent_keys(f) <= draft_said:
                continue  # "min 1 month, max 3" said "one to three months"; "18€/24h" said "per 24 hours"
            if f.kind in _UNIT_KINDS and "n:" + lex.leading_number(f.text) in draft_keys:
                continue  # the draft's bare "30", now "30 days"
            if f.kind == "time" and f.key.endswith(":00") and _hours(f) & draft_keys:
                continue  # "open 8-8", now "8 AM to 8 PM"; "fascia 8-12", now "tra le otto e mezzogiorno"
            if f.kind == "time" and _same_clock(f, d.facts, lex):
                continue
            if f.kind == "phone" and _same_phone(f, d.facts):
                continue
            if f.kind == "weekday" and f.text.casefold() in lex.weekday_spans and not any(
                    g.kind == "weekday" for g in d.facts):
                continue  # "visit this weekend" names no schedule where the draft gives none
            if f.kind == "time" and any(f.key in _clock_of_hours(g) for g in d.facts):
                continue
            if f.kind == "time" and any(_clock_reading(g) == f.key for g in d.facts if g.kind == "number"):
                continue
            if f.key in context.keys:
                continue
            if f.kind == "number" and f.key[2:] in carried:
                continue  # that "10" is the draft's "10 min", said with words between number and unit
            if f.kind != "channel" and _empathic(c, f.span.start, lex) and f.key in context.said:
                continue  # "I'm sorry it's been two days": the customer's own words, acknowledged
            if f.kind != "channel" and _negated(c, f, lex) and f.key in context.said:
                continue  # "a two-week freeze isn't something we can offer": the customer's request, refused
            seen.add(f.key)
            if f.kind == "quoted" and (_inner(f) in d.low or _inner(f) in context.low):
                continue
            # A channel is changed (email -> SMS, card -> store credit) only
            # where the draft names one; "the card payment was declined" for
            # "the POS declined it" explains, it doesn't redirect.
            # An address names its channel too ("write to help@acme.com" -> "call us").
            if f.kind == "channel" and (not any(k.startswith("chan:") for k in draft_said) or _negated(c, f, lex)):
                continue
            if f.key == "chan:phone" and _dialled(c, f, draft_keys):
                continue  # "call 03456002290" -> "By phone: 0345 600 2290": the draft's number was the phone's
            out.append(Finding(
                FindingKind.NEW_FACT,
                f"The rewrite adds the {KIND_LABELS[f.kind]} {_shown(f)} (rewrite characters "
                f"{f.span.start}-{f.span.end}), which the draft does not have (from the conversation a rewrite "
                f"may take only what the agent said and the customer's case identifiers).",
                f.span))
        return out + _widened_recipients(d, c, lex)

    def _borrowed_commitments(self, d: Text, lex: Lexicon) -> set[str]:
        """The commitment categories of the English words an Italian, Spanish
        or Chinese draft borrows ("ha refund immediato sulla carta", "可以免费
        upgrade"): the rewrite's "rimborso" then restates the draft's refund.
        Read only where the draft has Latin words the rewrite may have put in
        the reader's language (the no-jargon rule asks for that)."""
        english = self._lexicons.get("en")
        if english is None or lex is english:
            return set()
        # Italian and Spanish words are ASCII too: only a word of the
        # language's borrowed-English list ("refund", "upgrade") is a sign.
        borrowed = (any(w in lex.content.borrowed for w in _BORROWED_WORD.findall(d.text)) if lex.word_boundaries
                    else _LATIN_WORD.search(d.text) is not None)
        if not borrowed:
            return set()
        # Its facts are the draft's: only the commitment words are read.
        return {k.category for k in commitments_of(Text(d.text, english, facts=[]))
                if not k.category.startswith("deadline:") and k.category != "fix_or_delivery_time"}

    def _commitments_as_spelled_out(self, draft: str, violations: Sequence[Violation], lex: Lexicon) -> set[str]:
        """The commitment categories of the draft read with the literal fixes of
        ``draft_read_with_fixes`` rules applied ("t mando el link" is "te mando
        el link", an action the rewrite's "te envío el enlace" restates)."""
        fixes = sorted((v.span.start, v.span.end, v.suggestion) for v in violations
                       if v.rule_id in self._policy.draft_read_with_fixes and v.suggestion)
        if not fixes:
            return set()
        parts, pos = [], 0
        for start, end, plain in fixes:
            if start >= pos:
                parts += [draft[pos:start], plain]
                pos = end
        # Its facts are the draft's: only the commitment words are read again.
        return {k.category for k in commitments_of(Text("".join(parts) + draft[pos:], lex, facts=[]))}

    # -- conditions --------------------------------------------------------
    def _conditions(self, d: Text, c: Text, lex: Lexicon, excused: "_Excused") -> list[Finding]:
        """Every condition of the draft survives as a marker of the same group
        about the same thing (one of the words after the marker is still in
        the candidate), else a DROPPED_FACT naming the condition."""
        out: list[Finding] = []
        in_cand = lex.content.carried_by(c.low)
        d_words = lex.content.tokens(d.low)
        cand_facts = {g.key for g in c.facts}
        # Where each condition ends: at the next condition marker of its
        # clause ("only with annual billing | and once we've verified"), so
        # keeping the second doesn't count for the first.
        draft_marks = {group: list(rx.finditer(d.folded)) for group, rx in lex.conditions.items()}
        mark_spans = {m.span() for found in draft_marks.values() for m in found}
        marks = sorted({a for a, _ in mark_spans})
        unknowns = [m.span() for m in lex.patterns["unknowns"].finditer(d.folded)]
        asks = [m.span() for m in lex.patterns["not_conditions"].finditer(d.folded)] + unknowns
        cand_values = _counted_values(c, lex)
        # Before "的话", a greeting ("亲亲, 这样的话") or another marker ("超过的话")
        # is no condition of its own; built only when such a marker occurs.
        not_before: bytearray | None = None
        p_conditional = lex.patterns["conditional_markers"]

        def fact_kept(f: Fact) -> bool:
            return bool(f.key in cand_facts or ((same := equivalent_keys(f)) and same <= cand_facts)
                        or (f.kind == "number" and (f.key[2:] in cand_values
                                                                       or _spelled(f.key[2:], c, lex)))
                        or _clock_of_hours(f) & cand_facts)

        def condition_words(lo: int, hi: int) -> list[content.Token]:
            """The draft's content words between ``lo`` and ``hi`` that a condition must keep."""
            return [t for t in d_words if lo <= t.start < hi and t.key not in lex.content.framing
                    and not excused.words[t.start]]

        def restated(group: str, only_if: bool, at: int, lo: int, hi: int, clause_end: int,
                     about: Sequence[content.Token], facts: Sequence[Fact]) -> bool:
            """A condition said as a requirement or another condition ("if
            unopened" as "it needs to be unopened", "only if X" as "as long
            as X"). A time limit keeps its own marker, and so does a
            restriction that is no "only if": two reviews' fresh pairs found
            "only students" said "students and teachers need an ID" and the
            like, which no closed list of widening words tells apart from
            "students need an ID". "Only if A and B" said "if A" must keep
            every part of its clause, one-word parts too."""
            if group != "condition" and not only_if:
                return False
            if only_if and _conjunct_lost(d, lex, lo, clause_end, condition_words(lo, clause_end),
                                          in_cand, fact_kept, every_part=True):
                return False
            return _restated_nearby(
                c, lex, about, negative(d.folded[lo:hi], lex), facts=facts, exclusive=only_if,
                alternatives=only_if and bool(lex.patterns["alternatives"].search(d.folded, *d.sentence_of(at))))
        out += _dropped_uncertainty(d, c, lex, unknowns)
        cand_fallbacks: list[tuple[str, int, int]] | None = None   # read only once a draft condition needs them
        for group, rx in lex.conditions.items():
            cand_marked: bool | None = None   # read only for a condition the draft states
            for m in draft_marks[group]:
                if not _whole_word(d, m, lex):
                    continue  # "前" inside "前端" (front end) is no "before"
                if any(a <= m.start() and m.end() <= b for a, b in asks):
                    continue  # "check if the cable is plugged in" asks; it sets no condition
                # A condition survives flagged wording ("always refund if unused");
                # only a sentence the rules let go (sarcasm, blame) takes it along.
                if any(excused.sentences[m.start():m.end()]):
                    continue
                a, b = d.clause(m.start())
                clause_end = b
                before = lex.patterns["condition_before"].fullmatch(d.folded, m.start(), m.end())
                only_if = False
                if before:
                    # "会员的话, 免运费": the condition is what comes before
                    lo, b = max([a, *(x for x in marks if x < m.start())]), m.start()
                    if not_before is None:
                        not_before = lex.content.scaffolding_mask(d.low)
                        for ma, mb in mark_spans:
                            not_before[ma:mb] = b"\x01" * (mb - ma)
                elif group == "restriction" and (whole := p_conditional.match(d.folded, m.start())):
                    # "only if X": the restriction is X, kept by "only", a requirement
                    # or "as long as X", not by a bare or softened "if X"
                    lo, b = whole.end(), next((x for x in marks if whole.end() <= x < b), b)
                    only_if = True
                else:
                    lo, b = m.end(), next((x for x in marks if m.end() <= x < b), b)
                words = condition_words(lo, b)
                # Jargon need not be kept in its own words ("appena il pagamento
                # viene riconciliato il provisioning riattiva l'outbound"), while
                # the condition's other words still hold it ("only in CSV" keeps CSV).
                words = [t for t in words if not _jargon_word(d.text[t.start:t.end], lex)] or words
                keeps: Callable[[str], bool] = in_cand
                failed = False   # a failure condition the rewrite no longer states
                stated = False   # ...or states with a marker of its own ("otherwise", 否则)
                if group == "condition" and (fallback := failure_words(d, lex, lo, b)):
                    # "if still broken" -> "if it still doesn't work": the failure is
                    # said in other words, once for each such condition of the rewrite;
                    # "if that doesn't work", with no other word, is kept only so, or
                    # in its own words ("si sigue igual")
                    said, phrases = fallback
                    failure = {t.key for t in words if said[t.start] and not in_cand(t.key)}
                    if failure or not words:
                        if cand_fallbacks is None:
                            cand_fallbacks = conditions_of(c, lex)
                        sa, sb = d.sentence_of(m.start())
                        consequence = [t for t in condition_words(sa, sb) if not said[t.start]]
                        stating = next((x for x in cand_fallbacks if states_failure(x[0], phrases, lex)
                                        and same_step(c, lex, x[1], x[2], consequence)), None)
                        if stating is not None:
                            cand_fallbacks.remove(stating)
                            keeps = partial(kept_or_said, in_cand, frozenset(failure))
                            stated = True
                        else:   # said only in failure words, and none of them kept
                            failed = all(said[t.start] for t in words)
                about = [t for t in words if not (before and not_before is not None and not_before[t.start])][:5]
                about_facts = [f for f in d.facts if lo <= f.span.start < b and f.kind != "channel"]
                if not about and not about_facts and not failed:
                    continue  # nothing to keep beyond the facts, which are checked as facts
                # "Only the product is refunded" survives as "the product is
                # refunded; shipping is not": a restriction may be kept by contrast.
                # A time limit is said in many ways ("after 30 days" -> "past
                # the 30 days", "晚于"): its words (or its time, a fact) must stay.
                if cand_marked is None:
                    cand_marked = rx.search(c.folded) is not None
                marked = cand_marked or stated or group == "time_limit" or (
                    group == "restriction" and _contrasted(c, about, lex))
                # A channel ("phone") alone doesn't keep "only to the phone
                # number already on the account".
                kept_words = sum(keeps(t.key) for t in about)
                # Half of what the condition is about must remain: "if it arrives
                # unopened in its original box" is not kept by "once we receive it".
                # "only if X": X's facts kept by a bare "if" no longer say "only"
                kept = not failed and not _conjunct_lost(d, lex, lo, b, words, keeps, fact_kept) and (
                    (any(fact_kept(f) for f in about_facts) and (marked or not only_if))
                    or (marked and about and 2 * kept_words >= len(about))
                    or ((about or about_facts) and restated(group, only_if, m.start(), lo, b, clause_end, about, about_facts)))
                # A condition kept in words may have moved onto another statement.
                # a restated "only if X" ("as long as X") has moved when it governs another statement
                moved = kept and group in ("condition", "restriction") and bool(about) and _detached(
                    d, c, lex, rx if group == "condition" else lex.conditions["condition"], m.start(), lo, b, about,
                    excused)
                if kept and not moved:
                    continue
                start, end = min(lo, m.start()), max(b, m.end())
                shown = d.text[start:end].strip()[:80]
                out.append(Finding(
                    FindingKind.DROPPED_FACT,
                    (f'The rewrite keeps the condition "{shown}" (draft characters {start}-{end}) but no longer '
                     "on what it governs in the draft: it now governs another statement." if moved else
                     f'The rewrite leaves out the condition "{shown}" that the draft states '
                     f"(draft characters {start}-{end})."),
                    Span(start, end)))
        return out

    # -- content ---------------------------------------------------------------
    def _content(self, d: Text, c: Text, lex: Lexicon, excused: "_Excused",
                 violations: Sequence[Violation] = (), conversation: Sequence[Message] = (),
                 also_made: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
        cl = lex.content
        d_skip = fact_mask(d)
        c_skip = fact_mask(c)
        d_vocab_tokens = cl.tokens(d.low, d_skip)
        draft_text = d.low
        if excused.vocabulary_extra:
            d_vocab_tokens = d_vocab_tokens + cl.tokens(excused.vocabulary_extra)
            draft_text = d.low + "\n" + excused.vocabulary_extra
        d_vocab = cl.vocabulary(d_vocab_tokens, draft_text)
        c_vocab = cl.vocabulary(cl.tokens(c.low, c_skip), c.low)
        d_judged = union(d_skip, excused.words, cl.scaffolding_mask(d.low), polarity_mask(d, lex))
        broken = [v.rule_id for v in violations]
        # Empathy words ("in bocca al lupo", "wishing you") are etiquette,
        # like the scaffolding: never content of their own.
        feeling = bytearray(len(c.low))
        for m in lex.patterns["empathy"].finditer(c.folded):
            feeling[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        scaffold = cl.scaffolding_mask(c.low)
        c_etiquette = union(scaffold, cl.rule_scaffolding_mask(c.low, broken))
        c_judged = union(c_skip, c_etiquette, polarity_mask(c, lex), feeling)
        cand_keys = {f.key for f in c.facts}
        draft_keys = {f.key for f in d.facts}
        refusal = lex.patterns["refusals"]
        # A clause that refuses is checked by _refusals (the limit may be
        # reworded entirely: "not possible to talk to a supervisor" -> "I
        # can't transfer you"); a clause with a kept fact is anchored.
        cand_refuses = negative(c.folded, lex)
        d_clauses = content.clauses_with_tokens(
            d.clauses(), cl.tokens(d.low, d_judged),
            # A prohibition ("吊牌不能拆", "the seal must not be broken") is a
            # warning to keep, not a refusal another "no" may stand for.
            lambda a, b: (cand_refuses and bool(refusal.search(d.folded, a, b))
                          and not lex.patterns["prohibitions"].search(d.folded, a, b)) or any(
                a <= f.span.start < b and f.key in cand_keys and f.kind != "channel" for f in d.facts),
            # a clause after a semicolon is a statement of its own ("...; the first is paid at enrolment")
            sentence=lambda a, b: d.issentence(a, b) or d.folded[max(0, a - 2):a].rstrip().endswith((";", "；")),
            warning=lambda a, b: bool(lex.patterns["prohibitions"].search(d.folded, a, b)),
            instruction=lambda a, b: bool(lex.patterns["instructions"].match(d.folded[a:b].lower())))
        c_clauses = content.clauses_with_tokens(
            c.clauses(), cl.tokens(c.low, c_judged),
            lambda a, b: any(a <= f.span.start < b and f.key in draft_keys for f in c.facts),
            lambda a, b: c.is_question(a))
        jargon = excused.replaced_spans

        borrowed = _TECHNICAL if lex.word_boundaries else _LATIN_WORD

        def technical(clause: content.Clause) -> int:
            """How many jargon terms a draft clause holds (words that look
            technical, violations the rules ask to reword)."""
            terms = {m.group(0) for m in borrowed.finditer(d.text, clause.start, clause.end)
                     if not d_skip[m.start()]}
            if lex.content.borrowed:   # written in lower case: "Light" in "tariffa Light" is a name
                terms |= {w for m in _BORROWED_WORD.finditer(d.text, clause.start, clause.end)
                          if (w := m.group(0)) in lex.content.borrowed}
            return len(terms) + sum(clause.start <= a < clause.end for a, _ in jargon)
        heard: list[tuple[set[str], str]] = []   # the conversation's words, read only if needed

        def in_etiquette(clause: content.Clause, t: content.Token) -> bool:
            """Whether ``t`` stands in an etiquette or empathy clause of the rewrite."""
            return any(scaffold[clause.start:clause.end]) or _empathic(c, t.start, lex)

        def acknowledged(clause: content.Clause, t: content.Token) -> bool:
            if not conversation or not in_etiquette(clause, t):
                return False
            if not heard:
                conv_low = "\n".join(lower_same_length(fold(m.text)) for m in conversation)
                heard.append((cl.vocabulary(cl.tokens(conv_low), conv_low), conv_low))
            vocab, conv_low = heard[0]
            return cl.matches(t.key, vocab, conv_low, strict=True)
        def etiquette_word(clause: content.Clause, t: content.Token) -> bool:
            """The customer's own word in an empathy clause, or one of the common
            words that clause is built of, if it does not speak of the company
            ("sorry our team didn't catch it" admits). Only the content
            comparison asks this; a reason (``_causes``) asks ``acknowledged``."""
            return acknowledged(clause, t) or (
                c.low[t.start:t.end] in cl.common and in_etiquette(clause, t)
                and not lex.patterns["self_reference"].search(c.folded, clause.start, clause.end))
        verdict = content.compare(cl, d_clauses, d_vocab, draft_text, c_clauses, c_vocab, c.low, technical,
                                  etiquette_word, reframe=negative(d.folded, lex))
        # A reason's words are all content, "sold out" included: the
        # polarity mask only keeps a negation from counting as a new clause.
        # A reason and a promised action are read over the same words.
        c_claim_words = cl.tokens(c.low, union(c_skip, c_etiquette))
        out = self._causes(d, c, lex, d_vocab, draft_text, c_claim_words, jargon, acknowledged)

        def drafts_word(t: content.Token) -> bool:
            """The draft's word (by stem, or the glossary's replacement), or the customer's in an empathy clause."""
            return cl.matches(t.key, d_vocab, draft_text, strict=True) or acknowledged(
                content.Clause(*c.clause(t.start), ()), t)
        out += new_actions(d, c, lex, c_claim_words, drafts_word, also_made)
        for clause, words in verdict.dropped:
            shown = d.text[clause.start:clause.end].strip()
            out.append(Finding(
                FindingKind.DROPPED_CONTENT,
                f'The rewrite no longer says "{shown}" (draft characters {clause.start}-{clause.end}): '
                f"none of its words ({', '.join(d.text[t.start:t.end] for t in words[:5])}) is left.",
                Span(clause.start, clause.end)))
        for clause, words in verdict.new:
            shown = c.text[clause.start:clause.end].strip()
            out.append(Finding(
                FindingKind.NEW_CONTENT,
                f'The rewrite adds "{shown}" (rewrite characters {clause.start}-{clause.end}), which the '
                f"draft does not say: {', '.join(c.text[t.start:t.end] for t in words[:5])}.",
                Span(clause.start, clause.end)))
        return out

    def _causes(self, d: Text, c: Text, lex: Lexicon, d_vocab: set[str], draft_text: str,
                c_words: list[content.Token], replaced: Sequence[tuple[int, int]],
                acknowledged: Callable[[content.Clause, content.Token], bool]) -> list[Finding]:
        """An explanation the draft does not give ("because the courier
        lost it", "因征信记录问题") is invented content even inside a clause
        that is otherwise faithful: its words after the cue must be the draft's,
        or, in an empathy clause, the customer's own ("sorry you've been
        without power since early this morning"). ``c_words``: the
        candidate's content words outside its facts and etiquette phrases."""
        out = []
        # A draft that gives a reason itself ("you entered the wrong address,
        # so...") may have it reworded: one of its words must remain.
        cues = [m for key in ("causes", "consequences", "causes_before") for m in lex.patterns[key].finditer(d.folded)]
        reasoned = bool(cues)
        # The draft's reason was itself jargon or blame the rules asked to
        # reword ("per un timeout lato server"): its plain version is all new words.
        if any(m.start() <= a < d.clause(m.start())[1] for m in cues for a, _ in replaced):
            return []
        cues_in_candidate = [(m, False, False) for m in lex.patterns["causes"].finditer(c.folded)]
        cues_in_candidate += [(m, True, False) for m in lex.patterns["causes_before"].finditer(c.folded)]
        cues_in_candidate += [(m, False, True) for m in lex.patterns["speculation"].finditer(c.folded)]
        for m, named_before, guess in cues_in_candidate:
            a, b = c.clause(m.start())
            if named_before:   # "施工挖断了光缆导致的": the cause precedes its marker
                words = [t for t in c_words if a <= t.start < m.start()][-6:]
                b = m.end()
            else:
                words = [t for t in c_words if m.end() <= t.start < b][:6]
            clause = content.Clause(a, b, ())
            unexplained = [t for t in words if not lex.content.matches(t.key, d_vocab, draft_text, strict=True)
                           and not acknowledged(clause, t)]
            if reasoned and not guess and len(unexplained) < len(words):
                continue
            if not guess and len(unexplained) < len(words) and _rewords_replaced(d, lex, words, c, replaced):
                continue  # "flagged by AML screening" -> "because it was flagged by our anti-money-laundering checks"
            if unexplained and 2 * len(unexplained) > len(words):
                start = words[0].start if named_before else m.start()
                shown = c.text[start:b].strip()
                out.append(Finding(
                    FindingKind.NEW_CONTENT,
                    f'The rewrite gives a reason the draft does not give: "{shown}" (rewrite characters '
                    f"{start}-{b}).", Span(start, b)))
        return out


def _as_its_writer_reads(draft_facts: list[Fact], cand_facts: Sequence[Fact], lex: Lexicon) -> list[Fact]:
    """The draft's facts, with its ambiguous slash dates ("09/04") read day
    first where the language reads them month first (US English; Chinese,
    month first too, is written so by everyone) but the
    writer shows the day-first convention (a 24-hour clock, pounds or
    euros, no dollars) and the rewrite writes every one of them out that
    way ("9 April"). All of the draft's dates are read one way, never some
    each way: "09/04 ... 04/09" is two dates, whichever the order."""
    if lex.date_order != "mdy" or not lex.word_boundaries or not writes_day_first(draft_facts):
        return draft_facts
    ambiguous = [f for f in draft_facts if other_readings(f)]
    written_out = {g.key for g in cand_facts if g.kind == "date" and not other_readings(g)}
    if not ambiguous or not all(other_readings(f) <= written_out for f in ambiguous):
        return draft_facts
    return [replace(f, key=next(iter(other_readings(f)))) if other_readings(f) else f for f in draft_facts]


def _once_per_promise(findings: list[Finding]) -> list[Finding]:
    """The findings with one NEW_COMMITMENT per promise: a promise the
    commitment lexicon names ("we'll cover the repair") is also a
    first-person future whose action the draft lacks; it is reported once."""
    kept: list[Finding] = []
    for f in findings:
        if f.kind is FindingKind.NEW_COMMITMENT and any(
                g.kind is FindingKind.NEW_COMMITMENT and g.span.start < f.span.end and f.span.start < g.span.end
                for g in kept):
            continue
        kept.append(f)
    return kept


def _counted_values(c: Text, lex: Lexicon) -> set[str]:
    """The numbers a text's facts count, which keep a draft's bare number:
    "30" by "30 days", and "3-5 bd" by either end of "3–5 business days"."""
    return {v for g in c.facts if (v := lex.leading_number(g.text))} | {
        end for g in c.facts if g.kind == "duration" for end in _range_ends(g)}


def _range_ends(f: Fact) -> tuple[str, ...]:
    """The two numbers of a range of durations ("dur:5-7:business_day" ->
    "5", "7"); none for a single one."""
    ends = f.key.split(":")[1].split("-") if f.key.count(":") == 2 else []
    return tuple(ends) if len(ends) == 2 else ()


def _dropped_uncertainty(d: Text, c: Text, lex: Lexicon, unknowns: Sequence[tuple[int, int]]) -> list[Finding]:
    """A doubt of the draft (``unknowns``: "No sé si la incluirán", "ni idea
    de cuándo vuelven", "不知道什么时候到") sets no condition, but it is a
    limit the customer must still read, even where the rules ask to reword
    a bare "I don't know": some sentence of the rewrite says no or hedges
    ("no tenemos fecha de reposición", "补货时间还不确定"), or the rewrite
    has turned a doubt into a certainty. Any such sentence will do: a doubt
    is reworded more freely than a condition ("not sure when it will
    arrive" -> "no delivery date yet")."""
    if not unknowns or any(negative(c.folded[a:b], lex, preserving=False) or lex.patterns["hedges"].search(c.folded, a, b)
                           for a, b in c.sentences()):
        return []
    a, b = d.clause(unknowns[0][0])
    shown = d.text[a:b].strip()[:80]
    return [Finding(
        FindingKind.DROPPED_FACT,
        f'The rewrite leaves out the uncertainty "{shown}" that the draft states '
        f"(draft characters {a}-{b}): it now reads as certain.",
        Span(a, b))]


# Jargon-looking words: acronyms (KYC, OTA), camelCase (iCloud), snake_case
# (pending_kyc). Codes with digits (3DS, IB 3125, GA-4412) are facts, not jargon.
_TECHNICAL = re.compile(r"(?<![A-Za-z0-9_-])(?:[A-Z]{2,}[a-z]?s?|[a-z]+[A-Z][A-Za-z]*|[A-Za-z]+_[A-Za-z_]+)(?![A-Za-z0-9_-])")
# In a language written without Latin letters, any Latin word is a borrowed term ("bug", "App").
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A lower-case word of ASCII letters, as a borrowed English word is written.
_BORROWED_WORD = re.compile(r"(?<![\w'’@/.-])[a-z]{3,}(?![\w'’@/-])")


def _jargon_word(word: str, lex: Lexicon) -> bool:
    """A word that looks technical (an acronym, camelCase) or is borrowed
    into the draft's language ("provisioning" in Italian)."""
    return bool(_TECHNICAL.fullmatch(word)) or (word.islower() and word in lex.content.borrowed)


# A quantity written as its digits and one unit word ("10 min", "300Mbps", "20分钟").
_DIGITS_AND_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s?([^\W\d_]+)")
# How far after the number, and over how many words, the unit may come.
_UNIT_REACH = 3


def _unit_kept_apart(f: Fact, c: Text, lex: Lexicon) -> str | None:
    """The value of a draft duration or id written as digits and a unit
    ("10 min", "300Mbps") that the rewrite writes with words between them
    ("about 10 more minutes", "300 Mbps"), where the extractor reads only a
    bare number; None otherwise.

    The rewrite must write the same digits outside every fact that gives
    them a unit, and within the next few words a word the draft's unit
    starts ("min" -> "minutes", "Mbps" -> "Mbps", "分钟" -> "分钟"), before any
    clause break. Another unit there ("2 full weeks" for "2 days", "10多个小时"
    for "10分钟") or none ("wait 10.") keeps nothing."""
    if f.kind not in ("duration", "id"):
        return None
    m = _DIGITS_AND_UNIT.fullmatch(f.text.strip())
    if m is None:
        return None
    value, unit = lex.value(m.group(1)), m.group(2).casefold()
    units = [(g.span.start, g.span.end) for g in c.facts if g.kind != "number"]
    for n in _NUMBER_IN_TEXT.finditer(c.low):
        if lex.value(n.group(0)) != value or any(a <= n.start() < b for a, b in units):
            continue
        end = c.clause(n.start())[1]
        after = c.low[n.end():end]
        if lex.word_boundaries:
            if any(w.startswith(unit) for w in after.split()[:_UNIT_REACH]):
                return value
        elif unit in after[:len(unit) + _UNIT_REACH]:
            return value
    return None


_NUMBER_IN_TEXT = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])")


_UNIT_KINDS = frozenset({"duration", "amount", "measure", "percentage"})
_TIME_KEY = re.compile(r"time:(\d\d):(\d\d)")


# Who may act or receive: the draft's "only the account holder" is a fact.
_RECIPIENT_KEYS = frozenset({"chan:holder", "chan:booking_contact", "chan:passenger", "chan:admin"})
# How near an "or" must be to a recipient to join another party to it.
_ALTERNATIVE_REACH = 30


def _beside_alternative(t: Text, f: Fact, lex: Lexicon) -> re.Match[str] | None:
    a, b = t.clause(f.span.start)
    lo, hi = max(a, f.span.start - _ALTERNATIVE_REACH), min(b, f.span.end + _ALTERNATIVE_REACH)
    return lex.patterns["alternatives"].search(t.folded, lo, hi)


def _widened_recipients(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A recipient the draft names alone that the candidate joins to another
    party with "or" ("firmato dall'intestatario" -> "firmato da lei o
    dall'intestatario", "a la titular o a un familiar autorizado")."""
    out: list[Finding] = []
    for f in c.facts:
        if f.key not in _RECIPIENT_KEYS:
            continue
        said = [g for g in d.facts if g.key == f.key]
        if not said or any(_beside_alternative(d, g, lex) for g in said):
            continue
        m = _beside_alternative(c, f, lex)
        if m is not None:
            a, b = min(m.start(), f.span.start), max(m.end(), f.span.end)
            out.append(Finding(
                FindingKind.NEW_FACT,
                f'The rewrite lets another party act besides the {_shown(f)} the draft names alone: '
                f'"{c.text[a:b].strip()}" (rewrite characters {a}-{b}).',
                Span(a, b)))
            break
    return out


_COMPACT_CLOCK = re.compile(r"(?P<h>[01]?\d|2[0-3])[.:]?(?P<m>[0-5]\d)")


# What joins the first and last day of a run of weekdays ("Monday to
# Friday", "lun-ven", "dal lunedì al venerdì", "de lunes a viernes", 周一至周六).
_DAY_RANGE = re.compile(r"\s*(?:-|–|~|至|到)\s*|\s+(?:to|through|thru|till|until|al|a|fino a|hasta)\s+")


def _closed_days_said_as_open(d: Text, c: Text, lex: Lexicon) -> bool:
    """Whether the days the draft says no to ("closed on Sundays", "nn apre
    sabato e domenica", 周日不开门) are said as the run of days that is open,
    every other day of the week and none of them ("open Monday to
    Saturday"): the same schedule, positively framed, as the rules ask."""
    closed = {f.key for f in d.facts if f.kind == "weekday" and negative(d.folded[slice(*d.clause(f.span.start))], lex,
                                                                          preserving=False)}
    if not closed:
        return False
    days = sorted((f for f in c.facts if f.kind == "weekday"), key=lambda f: f.span.start)
    week = {f"wd:{i}" for i in range(1, 8)}
    for first, last in zip(days, days[1:]):
        a, b = int(first.key[3:]), int(last.key[3:])
        if a < b and _DAY_RANGE.fullmatch(c.folded[first.span.end:last.span.start]):
            run = {f"wd:{i}" for i in range(a, b + 1)}
            if not run & closed and run | closed == week:
                return True
    return False


def _clock_reading(f: Fact) -> str:
    """The clock time a bare number may be written for: "0745" and "1930"
    (24-hour, no separator), "8.30" (the Italian and Spanish dot). Used only
    as an equivalence: the other text must say that very time."""
    m = _COMPACT_CLOCK.fullmatch(f.text)
    if m is None or (len(f.text) == 4 and "." not in f.text and len(m.group("h")) != 2):
        return ""
    return f"time:{int(m.group('h')):02d}:{m.group('m')}"


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


def _half_day_unknown(f: Fact, lex: Lexicon) -> bool:
    """A time written without am/pm, a day-part word or a 24-hour form ("7:30", "七点半");
    "noon" and "midnight" say which twelve they are."""
    m = _TIME_KEY.fullmatch(f.key)
    if not m or int(m.group(1)) > 12:
        return False
    low = f.text.lower()
    if any(w in low for w in lex.am_pm) or any(w in f.text for w in lex.time_prefixes) or any(
            w in low for w in (*lex.clock_words, *lex.day_parts)):
        return False
    return not re.match(r"\s*0\d", f.text)


def _contrasted(c: Text, about: Sequence[content.Token], lex: Lexicon) -> bool:
    """Whether a restriction survives as a contrast: a sentence that says no
    and carries a word of what the restriction was about ("we refund the
    product; the shipping is not refunded")."""
    wanted = {t.key for t in about}
    words = lex.content.tokens(c.low)
    for start, end in c.sentences():
        if negative(c.folded[start:end], lex) and wanted & {w.key for w in words if start <= w.start < end}:
            return True
    return False


def _hours(f: Fact) -> frozenset[str]:
    """A whole-hour time as the bare numbers that may have written it
    ("20:00" may be "8" or "20")."""
    m = _TIME_KEY.fullmatch(f.key)
    if not m:
        return frozenset()
    h = int(m.group(1))
    return frozenset({f"n:{h}", f"n:{h - 12}" if h > 12 else f"n:{h + 12}", *(["n:12"] if h in (0, 12) else [])})


def _spelled_out(short: str, cand_low: str) -> bool:
    """Whether the candidate writes an acronym or abbreviation out: words
    whose initials spell it ("IdP" -> "identity provider") or one word that
    starts with it and holds its letters in order ("Dept" -> "department")."""
    capitals = re.sub(r"[^A-Z]", "", short)
    letters = (capitals if len(capitals) >= 2 else re.sub(r"[^A-Za-z]", "", short)).lower()
    if len(letters) < 2:
        return False
    words = re.findall(r"[a-z]+", cand_low)
    initials = "".join(w[0] for w in words)
    # Each spelled-out word a real word (four letters or more): "IT" is not "in the".
    if len(letters) <= 5 and any(
            initials[i:i + len(letters)] == letters and all(len(w) >= 4 for w in words[i:i + len(letters)])
            for i in range(len(initials))):
        return True
    pattern = ".*".join(map(re.escape, letters[1:]))
    return any(w.startswith(letters[0]) and len(w) > len(letters) and re.match(rf"{re.escape(letters[0])}.*{pattern}", w)
               and w[:2] == letters[:2] for w in words)


def _clock_of_hours(f: Fact) -> frozenset[str]:
    """The clock times an "Nh" or "NhMM" duration may mean ("hasta 12h" is
    noon, not twelve hours; "concierto 21h30" is half past nine): N:MM and,
    for N up to 12, N+12:MM."""
    m = re.fullmatch(r"dur:(\d+):min", f.key)
    if f.kind != "duration" or not m or not re.search(r"\d\s?h(?:\b|[0-5]\d\b)", f.text.lower()):
        return frozenset()
    h, minutes = divmod(int(m.group(1)), 60)
    if minutes and not re.search(r"\dh[0-5]\d\b", f.text.lower()):
        return frozenset()
    if not 0 < h <= 24:
        return frozenset()
    return frozenset({f"time:{h % 24:02d}:{minutes:02d}", *([f"time:{h + 12:02d}:{minutes:02d}"] if h < 12 else [])})


def _rewords_replaced(d: Text, lex: Lexicon, words: Sequence[content.Token], c: Text,
                      replaced: Sequence[tuple[int, int]]) -> bool:
    """Whether an explanation keeps a word of a draft clause that holds a
    term the rules asked to reword (jargon, blame): that clause, said in
    plain words, is the draft's own reason ("flagged by AML screening",
    "il certificato SAML del vostro IdP è scaduto")."""
    if not replaced:
        return False
    cl = lex.content
    said = cl.matcher(cl.vocabulary(words), c.low) if cl.word_boundaries else None
    for t in cl.tokens(d.low):
        a, b = d.clause(t.start)
        if not any(a <= x < b or x <= a < y for x, y in replaced):
            continue
        if said(t.key) if said is not None else any(cl.matches(t.key, {w.key}, c.low, strict=True) for w in words):
            return True
    return False


def _whole_word(t: Text, m: re.Match[str], lex: Lexicon) -> bool:
    """Whether a marker found in a text written without spaces starts and
    ends on the word segmenter's boundaries (always true with spaces)."""
    if lex.word_boundaries:
        return True
    cuts = lex.content.cuts(t.low)   # the segmentation its content words come from
    # Each end is on a cut, or is not a Chinese character at all.
    return (m.start() in cuts or not _CJK_RUN.match(t.low, m.start())) and \
        (m.end() in cuts or not _CJK_RUN.match(t.low, m.end() - 1))


_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def _empathic(t: Text, pos: int, lex: Lexicon) -> bool:
    """Whether the clause holding ``pos`` acknowledges how the customer
    feels ("that's a stressful way to start a trip", "祝您考试顺利"). Only
    the clause: "sorry for the wait: the restaurant had a rush" is an
    apology followed by an invented cause."""
    a, b = t.clause(pos)
    return bool(lex.patterns["empathy"].search(t.folded, a, b))


_CONTACT_KINDS = frozenset({"email", "phone", "url"})


def _beside_contact(t: Text, f: Fact) -> bool:
    """Whether a channel word shares its clause with an address, number or link it names."""
    a, b = t.clause(f.span.start)
    return any(g.kind in _CONTACT_KINDS and a <= g.span.start < b for g in t.facts)


def _dialled(c: Text, f: Fact, draft_keys: set[str]) -> bool:
    """Whether the rewrite's phone channel ``f`` stands in one sentence with
    digits the draft gives ("call 03456002290" -> "Por teléfono: 0345 600
    2290"): the rewrite says what the draft's number was, it adds no way
    to reach anyone. Another channel of the draft is still dropped."""
    a, b = c.sentence_of(f.span.start)
    return any(g.kind in ("phone", "number") and g.key in draft_keys and a <= g.span.start < b for g in c.facts)


def _contact_rechanneled(d: Text, c: Text, f: Fact) -> bool:
    """Whether the rewrite names another channel beside the same address or
    number the draft's channel ``f`` stands with: "mandi un SMS al 347
    1122334" -> "chiami il 347 1122334" keeps the number, not the SMS."""
    a, b = d.clause(f.span.start)
    contacts = {g.key for g in d.facts if g.kind in _CONTACT_KINDS and a <= g.span.start < b}
    for g in c.facts:
        if g.key in contacts:
            ca, cb = c.clause(g.span.start)
            if any(h.kind == "channel" and h.key != f.key and ca <= h.span.start < cb for h in c.facts):
                return True
    return False


_CJK_COUNT = re.compile(rf"(?<![{CJK_DIGITS}\d])[{CJK_DIGITS}]+(?![{CJK_DIGITS}\d])")


def _spelled(value: str, t: Text, lex: Lexicon) -> bool:
    """Whether a text writes the number ``value`` as a word ("3" -> "tre",
    "照片2张" -> "两张照片", "2° piano" -> "secondo piano")."""
    words = [w for table in (lex.number_words, lex.ordinal_words) for w, v in table.items()
             if str(v) == value and len(w) > 2]
    if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", t.low) for w in words):
        return True
    return not lex.word_boundaries and any(
        str(cjk_number(m.group(0))) == value for m in _CJK_COUNT.finditer(t.folded))


def _negated(t: Text, f: Fact, lex: Lexicon) -> bool:
    """Whether a fact stands in a clause that says no ("a transfer in this chat isn't available")."""
    a, b = t.clause(f.span.start)
    return negative(t.folded[a:b], lex)


# A country code or trunk prefix is at most three digits ("+1", "+39", "(0)"),
# and a phone number without it still has seven.
_PHONE_PREFIX_DIGITS = 3
_PHONE_MIN_DIGITS = 7


def _same_phone(f: Fact, others: Sequence[Fact]) -> bool:
    """Whether ``others`` give the phone number ``f`` with or without its
    country code or trunk prefix: "+1 800 555 0199" is "(800) 555-0199"."""
    a = f.key[2:]
    for g in others:
        if g.kind != "phone":
            continue
        short, long = sorted((a, g.key[2:]), key=len)
        if len(short) >= _PHONE_MIN_DIGITS and long.endswith(short) and len(long) - len(short) <= _PHONE_PREFIX_DIGITS:
            return True
    return False


def _same_clock(f: Fact, others: Sequence[Fact], lex: Lexicon) -> bool:
    """Whether a time matches one of ``others`` twelve hours apart where one
    of the two leaves the half of the day unsaid."""
    m = _TIME_KEY.fullmatch(f.key)
    if not m:
        return False
    h, mins = int(m.group(1)) % 12, m.group(2)
    for g in others:
        n = _TIME_KEY.fullmatch(g.key)
        if n and int(n.group(1)) % 12 == h and n.group(2) == mins and (
                _half_day_unknown(f, lex) or _half_day_unknown(g, lex)):
            return True
    return False


def _restated_nearby(c: Text, lex: Lexicon, about: Sequence[content.Token], says_no: bool,
                     facts: Sequence[Fact] = (), exclusive: bool = False, alternatives: bool = False) -> bool:
    """Whether one sentence of the rewrite states a condition or a
    requirement in any words of the language's lists, says no where the
    draft's condition does, and keeps more than half of what that condition
    is about: "we refund it if the product is unopened" -> "for a refund the
    product needs to be unopened". A time limit ("within 30 days" for "if
    unassembled") keeps its own marker. A restriction (``exclusive``:
    "only if added at pickup") is restated only by a requirement or a
    condition of that strength ("as long as", "purché": a bare "if" leaves
    other ways open) in a sentence that keeps it exclusive: no softener,
    focus or widening word ("especially when", "ideally", "also"), and
    no "or" the draft's sentence does not have ("convenzionate, oppure
    un'officina di fiducia"). A condition's ``facts`` all in the sentence
    restate it too ("only if done 24h before" -> "as long as you do it
    24 hours before")."""
    cl = lex.content
    # A condition or a requirement restates a condition; "within 30 days" is a
    # limit of its own and "only" a restriction, neither a restatement of "if unassembled"
    # A restriction ("only if X") is said again only as what is required or
    # a condition of that strength ("as long as"); "if X" alone leaves other ways open.
    markers = ([lex.patterns["requirements"], lex.patterns["exclusive_conditions"]] if exclusive else
               [rx for group, rx in lex.conditions.items() if group == "condition"] + [lex.patterns["requirements"]])
    for a, b in {c.sentence_of(m.start()) for rx in markers for m in rx.finditer(c.folded)}:
        if negative(c.folded[a:b], lex) != says_no:
            continue  # "if you have another policy" does not restate "se nn ha un'altra polizza"
        if exclusive and (lex.patterns["non_exclusive"].search(c.folded, a, b)
                          or lex.patterns["softeners"].search(c.folded, a, b)
                          or (not alternatives and lex.patterns["alternatives"].search(c.folded, a, b))):
            continue
        if facts and all(any(a <= g.span.start < b and (g.key == f.key or g.key in equivalent_keys(f))
                             for g in c.facts) for f in facts):
            return True
        if not about:
            continue
        near = [t for t in cl.tokens(c.low) if a <= t.start < b]
        has = cl.matcher(cl.vocabulary(near, c.low[a:b]), c.low[a:b])
        if 2 * sum(has(t.key) for t in about) > len(about):
            return True
    return False


def _detached(d: Text, c: Text, lex: Lexicon, marker: re.Pattern[str], at: int, lo: int, hi: int,
              about: Sequence[content.Token], excused: "_Excused") -> bool:
    """Whether the rewrite restates a condition in a sentence of its own,
    away from what it governs: "Router gratis si renuevas 12 meses. Envío 3
    días" -> "El router es gratis. Si renuevas 12 meses, el envío tarda 3
    días". What it governs is the rest of the draft's sentence; the words of it
    the rewrite keeps must share a sentence with the condition's
    restatement (a sentence with a marker of the group and more than half of
    what the condition is about), when there is one. Only a marker whose
    scope can move counts (``conditional_markers``: "if", not "must be");
    a restatement that leans on the sentence before ("This applies if...",
    ``back_references``) is about that sentence; and what follows
    "otherwise" in it speaks of the other case."""
    p = lex.patterns
    if not p["conditional_markers"].match(d.folded, at):
        return False
    cl = lex.content
    sa, sb = d.sentence_of(at)
    first, last = min(lo, at), hi
    # A time limit inside the condition is the condition's ("if you return
    # it within 30 days"): its span runs to the clause's end, unless the
    # condition opens a clause that is its whole sentence and so also holds
    # what it governs ("Si lo entrega antes del 20/06 puede defenderlo").
    clause_start, clause_end = d.clause(at)
    opens = not d.folded[clause_start:first].strip(_PUNCTUATION)
    whole = not d.folded[clause_end:sb].strip(_PUNCTUATION)   # "...defenderlo!!" or ".\n" end it too
    if not (opens and whole):
        last = max(last, clause_end)
    # Words the rules ask to reword still say what is governed ("You'll get a
    # full refund, provided..." is a promise to soften, and still the refund's).
    d_tokens = [t for t in cl.tokens(d.low) if t.key not in cl.framing]
    governed = {t.key for t in d_tokens if sa <= t.start < sb and not first <= t.start < last}
    if not governed:
        return False
    own = {t.key for t in about}
    # the draft's other statements: a restatement that carries one of them
    # and none of what the condition governs has moved the condition onto it
    others = {t.key for t in d_tokens if not sa <= t.start < sb} - governed - own
    if "sentence_matchers" not in c.memo:   # built once per candidate, for every condition
        c_tokens = cl.tokens(c.low)
        c.memo["sentence_matchers"] = [
            (ra, rb, cl.matcher(cl.vocabulary([t for t in c_tokens if ra <= t.start < rb], c.low[ra:rb]),
                                c.low[ra:rb]), [t for t in c_tokens if ra <= t.start < rb])
            for ra, rb in c.sentences()]
    sentences = c.memo["sentence_matchers"]
    moved, elsewhere = False, False
    for i, (ra, rb, has, tokens) in enumerate(sentences):
        kept_governed = any(has(k) for k in governed)
        found = p["conditional_markers"].search(c.folded, ra, rb)
        if found and marker.search(c.folded, ra, rb) and 2 * sum(has(k) for k in own) > len(own):
            if kept_governed:
                return False   # one restatement still governs it: kept
            if p["back_references"].search(c.folded, ra, rb):
                if i and any(sentences[i - 1][2](k) for k in governed):
                    return False   # "...waive the fee. This applies if you pay by Friday"
                continue
            other_case = p["otherwise_markers"].search(c.folded, ra, rb)
            end = other_case.start() if other_case else rb
            # the condition's own clause ("only if you return it within 30 days
            # of delivery") says nothing moved; what it now governs is outside it
            own_a, own_b = c.clause(found.start())
            moved = moved or any(t.key in others for t in tokens if t.start < end and not own_a <= t.start < own_b)
        elif kept_governed:
            elsewhere = True
    return moved and elsewhere


_PUNCTUATION = " \t\n.!?;,:。！？；，：、…"


def _conjunct_lost(d: Text, lex: Lexicon, lo: int, hi: int, words: Sequence[content.Token],
                   in_cand: Callable[[str], bool], fact_kept: Callable[[Fact], bool],
                   every_part: bool = False) -> bool:
    """Whether a condition of several parts ("only if there was violence and
    you report it within 48h") lost one part: every part joined by "and"
    must keep a word or a fact, since keeping the others states a looser
    condition. ``words`` are the condition's content words. ``every_part``:
    a part of one word is judged too (an "only if" said without its "only"
    must keep all of what it required)."""
    cuts = [lo, *(m.end() for m in lex.patterns["conjunctions"].finditer(d.folded, lo, hi)), hi]
    if len(cuts) < 3:
        return False
    for a, b in zip(cuts, cuts[1:]):
        part_words = [t for t in words if a <= t.start < b]
        part_facts = [f for f in d.facts if a <= f.span.start < b and f.kind != "channel"]
        # a part of one word ("the keys are returned") may be said in other
        # words ("the keys are back"); two or more, one of them must stay
        judged = part_facts or len({t.key for t in part_words}) >= (1 if every_part else 2)
        if judged and not any(fact_kept(f) for f in part_facts) and not any(in_cand(t.key) for t in part_words):
            return True
    return False


def _shown(f: Fact) -> str:
    """The fact in quotes for a message, without doubling a quoted name's own."""
    return f.text if f.kind == "quoted" else f'"{f.text}"'


def _inner(f: Fact) -> str:
    """A name's text as the texts are searched: folded, lower case, unquoted."""
    return lower_same_length(fold(f.text[1:-1].strip() if f.kind == "quoted" else f.text))


def _contains(haystack_low: str, needle_low: str) -> bool:
    """Substring test that ignores diacritics ("Gran Via" is kept by "Gran Vía")."""
    return needle_low in haystack_low or strip_accents(needle_low) in strip_accents(haystack_low)


