"""The deterministic, rule-based rewrite used when the model can't be.

It does only what rules can do safely: apply the rulebook's literal
suggestions (slang, shouting, jargon, gendered address, absolutes), tidy the
spacing and punctuation those edits leave behind, and add structure from
per-language data (a greeting on the first agent message, a short empathy
lead when the customer is upset, a closing question when the customer thanked
or the issue is resolved, the customer's name when the rulebook says the reply
should use it, the offer of a hand-over the customer asked for when the draft
doesn't refuse it). It never rewrites a fact: a suggestion that would
change one is skipped, and the result is checked with the same guard as the
model's output. If that check ever fails, edits are re-applied one at a time
(the first eight), keeping only those that stay honest, down to the untouched
draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Sequence

from service.datafile import DataFileError, load_model
from service.domain import Fact, Message, Role, Violation
from service.facts import fold
from service.fallback_schema import LanguageDoc
from service.fallback_sentences import (
    Escalation,
    OneWord,
    Policy,
    Rephrase,
    address_by_name,
    flagged_sentences,
    load_escalation,
    load_one_word,
    load_policy,
    load_rephrase,
    one_word_sentence,
    rephrasings,
    splits,
)
from service.guard import Guard, recent
from service.rulebook.engine import literal_replacement
from service.rulebook.loader import load_rules
from service.rulebook.model import Rule
from service.textnorm import CJK

DEFAULT_FALLBACK_DIR = Path(__file__).resolve().parent.parent / "prompts" / "fallback"

_TEXTUAL = frozenset({"name", "quoted"})
_ONE_BY_ONE = 8
_SENTENCE_EDITS = 6


@dataclass(frozen=True)
class _LangData:
    greeting: dict[str, str]
    name_in_greeting: str
    closing_question: str
    name_in_closing: str
    empathy: str
    instead: dict[str, str]
    sentence_end: str
    joiner: str
    greeting_re: re.Pattern[str]
    thanks_re: re.Pattern[str]
    upset_re: re.Pattern[str]
    apology_re: re.Pattern[str]
    closing_re: re.Pattern[str]
    name_cues: tuple[re.Pattern[str], ...]
    rephrase: tuple[Rephrase, ...]
    split: tuple[Rephrase, ...]
    one_word: tuple[OneWord, ...]
    question_re: re.Pattern[str] | None
    word_boundaries: bool
    address: tuple[Rephrase, ...] = ()
    escalation: Escalation | None = None


def _load(file: Path) -> _LangData:
    doc = load_model(file, LanguageDoc)
    if doc.language != file.stem:
        raise DataFileError(file, "language", f"{doc.language!r} does not match the file name")
    wb = file.stem != "zh" and doc.joiner != ""

    def regex_list(key: str, items: Sequence[str], bounded: bool = True) -> re.Pattern[str]:
        body = "|".join(f"(?:{x})" for x in items)
        if bounded and wb:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        try:
            return re.compile(body, re.IGNORECASE)
        except re.error as exc:
            raise DataFileError(file, key, f"invalid regex: {exc}") from exc

    cues = []
    for i, x in enumerate(doc.name_cues):
        try:
            rx = re.compile(x)
        except re.error as exc:
            raise DataFileError(file, f"name_cues[{i}]", f"invalid regex: {exc}") from exc
        if rx.groups != 1:
            raise DataFileError(file, f"name_cues[{i}]", "needs exactly one group: the name")
        cues.append(rx)
    return _LangData(
        greeting=doc.greeting.model_dump(),
        name_in_greeting=doc.name_in_greeting, closing_question=doc.closing_question,
        name_in_closing=doc.name_in_closing, empathy=doc.empathy,
        instead=dict(doc.instead),
        sentence_end=doc.sentence_end, joiner=doc.joiner,
        greeting_re=regex_list("greeting_cues", doc.greeting_cues),
        thanks_re=regex_list("thanks_cues", doc.thanks_cues),
        upset_re=regex_list("upset_cues", doc.upset_cues, bounded=False),
        apology_re=regex_list("apology_cues", doc.apology_cues, bounded=False),
        closing_re=regex_list("closing_cues", doc.closing_cues, bounded=False), name_cues=tuple(cues),
        rephrase=load_rephrase(file, doc.rephrase),
        split=load_rephrase(file, doc.split, "split"),
        one_word=load_one_word(doc.one_word),
        question_re=regex_list("question_cues", doc.question_cues, bounded=False) if doc.question_cues else None,
        word_boundaries=wb,
        address=load_rephrase(file, doc.address, "address"),
        escalation=load_escalation(file, doc.escalation),
    )


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    replacement: str


class FallbackRewriter:
    """Rule-based rewrite of a draft; its output always passes the guard."""

    def __init__(self, data_dir: Path = DEFAULT_FALLBACK_DIR, guard: Guard | None = None,
                 replacement: Callable[[Violation], str | None] | None = None,
                 rules: Mapping[str, Rule] | None = None) -> None:
        """``guard`` and ``rules`` default to those loaded from the sibling
        ``guard`` and ``rules`` directories (the server passes its own).

        A rule's ``fix`` says whether the fallback may touch its violations at
        all (``replace``/``delete``; ``model`` = leave it for the agent), so a
        rule's data, not a list here, decides. ``replacement`` (e.g.
        ``Rulebook.replacement``) tells an empty suggestion meaning "delete
        this" from "no safe replacement" (None); without it the same reading
        of the rules' data is used.
        """
        files = sorted(f for f in Path(data_dir).glob("*.yaml") if not f.name.startswith("_"))
        if not files:
            raise DataFileError(data_dir, "(directory)", "no <lang>.yaml fallback files found")
        self._data = {f.stem: _load(f) for f in files}
        self._policy: Policy = load_policy(Path(data_dir))
        if "en" not in self._data:
            raise DataFileError(data_dir, "en", "the English data (en.yaml) is required as the default")
        sibling = Path(data_dir).parent / "guard"
        self._guard = guard or (Guard(sibling) if sibling.is_dir() else Guard())
        if rules is None:
            rules_dir = Path(data_dir).parent / "rules"
            rules = load_rules(rules_dir if rules_dir.is_dir() else DEFAULT_FALLBACK_DIR.parent / "rules")
        self._rules: Mapping[str, Rule] = rules
        self._fixable = frozenset(rid for rid, rule in rules.items() if rule.fix != "model")
        self._replacement = replacement or (lambda v: literal_replacement(self._rules.get(v.rule_id), v))

    def rewrite(self, draft: str, violations: Sequence[Violation], conversation: Sequence[Message] = (),
                customer_name: str = "", agent_name: str = "", brand_name: str = "",
                language: str = "en") -> str:
        return self.rewrite_checked(draft, violations, conversation, customer_name, agent_name, brand_name,
                                    language)[0]

    def rewrite_checked(self, draft: str, violations: Sequence[Violation], conversation: Sequence[Message] = (),
                        customer_name: str = "", agent_name: str = "", brand_name: str = "",
                        language: str = "en") -> tuple[str, bool]:
        """The rewrite and whether it passed the guard; False means every
        attempt failed it and the text is the draft, unchanged (should not
        happen). The pipeline need not ask the guard a second time."""
        base = (language or "en").replace("_", "-").split("-")[0].lower()
        data = self._data.get(base) or self._data["en"]
        facts = self._guard.facts(draft, base)
        name = customer_name.strip() or _name_from(conversation, data)
        edits = self._edits(draft, violations, facts, conversation, name, base, data)
        structure = _Structure.decide(conversation, draft, data, name, agent_name.strip(), brand_name.strip(),
                                      violations, self._policy)

        def honest(text: str) -> bool:
            return not self._guard.verify(draft, text, conversation, base, violations)

        # Sentence edits (a dropped or rephrased sentence) are each checked on
        # their own first: one the guard rejects must not cost the word fixes
        # (at most _SENTENCE_EDITS of them in all: each is one guard call).
        candidates = self._sentence_edits(draft, violations, base, data, conversation)
        reframes, dismissals = _escalation_edits(draft, structure, data)
        sentence_edits = [e for e in sorted(candidates + _apart(reframes, candidates),
                                            key=lambda e: e.start)[:_SENTENCE_EDITS]
                          if honest(self._compose(draft, [e], None, data))]
        # The words that only talk the customer out of a hand-over go with the
        # offer, and the check of the whole rewrite covers them: a draft that
        # repeats them costs no guard call each.
        dismissals = _apart(dismissals, sentence_edits)
        sentence_edits = sorted(sentence_edits + dismissals, key=lambda e: e.start)
        # Long sentences cut at clause breaks: one guard call for all the cuts.
        cuts = [e for e in self._split_edits(draft, violations, base, data)
                if not any(e.start < s.end and s.start < e.end for s in sentence_edits)]
        if cuts and honest(self._compose(draft, cuts, None, data)):
            sentence_edits = sorted(sentence_edits + cuts, key=lambda e: e.start)

        def merged(whole: list[_Edit]) -> list[_Edit]:
            return sorted(whole + [e for e in edits if not any(e.start < s.end and s.start < e.end for s in whole)],
                          key=lambda e: e.start)

        if not self._compose(draft, merged(sentence_edits), None, data):
            # Every sentence was only sarcasm or blame: an empty reply is no
            # reply; they stay for the agent (``remaining`` says so), with the
            # word fixes inside them.
            sentence_edits = [e for e in sentence_edits if e.replacement]
        edits = merged(sentence_edits)
        out = self._compose(draft, edits, structure, data)
        if honest(out):
            return out, True
        if structure.offer:
            # The offer of a hand-over is the one addition the guard may still
            # refuse; without it, the words that talked the customer out of
            # one stay too (they were only dropped for the offer).
            edits = [e for e in edits if e not in dismissals]
            structure = structure.without_offer()
            out = self._compose(draft, edits, structure, data)
            if honest(out):
                return out, True
        # Should not happen; if it does, keep only the edits that stay honest,
        # trying the first _ONE_BY_ONE of them: each try is a guard call (20 ms
        # on a maximum-size draft), and a draft may have hundreds of edits.
        kept: list[_Edit] = []
        for e in edits[:_ONE_BY_ONE]:
            if honest(self._compose(draft, kept + [e], None, data)):
                kept.append(e)
        out = self._compose(draft, kept, structure, data)
        if honest(out):
            return out, True
        out = self._compose(draft, kept, None, data)
        return (out, True) if honest(out) else (draft, False)

    # -- edits -------------------------------------------------------------
    def _edits(self, draft: str, violations: Sequence[Violation], facts: list[Fact],
               conversation: Sequence[Message], name: str, language: str, data: _LangData) -> list[_Edit]:
        allowed = _Allowed(self._guard, facts, conversation, language)
        edits: list[_Edit] = []
        last_end = -1
        for v in sorted(violations, key=lambda v: (v.span.start, -v.span.end)):
            s, e = v.span.start, v.span.end
            if v.rule_id not in self._fixable or not 0 <= s < e <= len(draft) or s < last_end:
                continue
            if draft[s:e] != v.excerpt:
                continue  # the span does not point at the excerpt: don't guess
            repl = self._replacement_for(v, data, name)
            if repl is None:
                continue
            if data.word_boundaries and _cuts_a_word(draft, s, e):
                continue  # "U" inside "Unfortunately" is not the slang "u"
            if not self._keeps_facts(repl, [f for f in facts if f.span.start < e and s < f.span.end],
                                     allowed, language):
                continue
            edits.append(_Edit(s, e, repl))
            last_end = e
        return edits

    def _sentence_edits(self, draft: str, violations: Sequence[Violation], language: str,
                        data: _LangData, conversation: Sequence[Message] = ()) -> list[_Edit]:
        """Sentences to drop (flagged by a rule of ``drop_sentence_when`` and
        stating no fact) and phrases to rephrase (the language's
        ``rephrase`` data), at most ``_SENTENCE_EDITS`` of them: each is one
        guard call. A reply that is one bare word becomes the language's full
        sentence of the same meaning (``one_word``), when the conversation
        shows what it answers."""
        edits: list[_Edit] = []
        for s, e in flagged_sentences(draft, violations, self._policy.drop_sentence_when):
            if not self._guard.facts(draft[s:e], language):
                edits.append(_Edit(s, e, ""))
        for s, e, text in rephrasings(draft, data.rephrase):
            if not any(s < x.end and x.start < e for x in edits):
                edits.append(_Edit(s, e, text))
        if not edits and any(v.rule_id in self._policy.expand_word_when for v in violations):
            last = next((m.text for m in reversed(conversation) if m.role is Role.CUSTOMER), "")
            asked = bool(last and data.question_re and data.question_re.search(last))
            full = one_word_sentence(draft, data.one_word, asked, bool(last.strip()))
            if full:
                edits.append(_Edit(0, len(draft), full))
        return sorted(edits, key=lambda x: x.start)[:_SENTENCE_EDITS]

    def _split_edits(self, draft: str, violations: Sequence[Violation], language: str,
                     data: _LangData) -> list[_Edit]:
        """Cuts of the sentences a rule of ``split_sentence_when`` flags as too
        long, at the language's ``split`` clause breaks, down to that rule's
        own limit (``max_sentence_words``, or ``max_sentence_cjk_chars`` when
        the language has no word boundaries)."""
        if not data.split:
            return []
        cuts: list[_Edit] = []
        for rid in sorted(self._policy.split_sentence_when):
            rule = self._rules.get(rid)
            if rule is None:
                continue
            spans = flagged_sentences(draft, violations, frozenset({rid}))
            key = "max_sentence_words" if data.word_boundaries else "max_sentence_cjk_chars"
            if not spans or key not in rule.params:
                continue
            size: Callable[[str], int] = (_word_count if data.word_boundaries
                                          else lambda t: len(CJK.findall(t)))
            cuts.extend(_Edit(s, e, r) for s, e, r in splits(draft, spans, data.split, size,
                                                              int(rule.params[key])))
        return cuts

    def _replacement_for(self, v: Violation, data: _LangData, name: str) -> str | None:
        """The rulebook's literal replacement, unless the language data says
        what stands ``instead`` of a deleted or unreplaceable excerpt of the
        rule: the customer's name for a gendered address ("{name}", only when
        the name is known), a thank-you for a question the customer already
        answered. The excerpt's surrounding spaces stay."""
        repl = self._replacement(v)
        if repl:
            return repl
        template = data.instead.get(v.rule_id)
        if template is None or ("{name}" in template and not name):
            return repl
        core = v.excerpt.strip()
        lead = v.excerpt[:len(v.excerpt) - len(v.excerpt.lstrip())]
        return lead + template.format(name=name) + v.excerpt[len(lead) + len(core):]

    def _keeps_facts(self, replacement: str, covered: list[Fact], allowed: "_Allowed", language: str) -> bool:
        new = self._guard.facts(replacement, language)
        keys = {f.key for f in new}
        low = fold(replacement).casefold()
        for f in covered:
            if f.key in keys or f.kind == "channel":  # a channel inside flagged wording is wording
                continue
            if f.kind in _TEXTUAL and f.text.strip("\"“”«»‘’「」『』《》").casefold() in low:
                continue
            return False
        return all(f.kind == "name" or allowed.has(f.key) for f in new)

    # -- composition -------------------------------------------------------
    def _compose(self, draft: str, edits: list[_Edit], structure: "_Structure | None", data: _LangData) -> str:
        body = draft
        for e in sorted(edits, key=lambda e: e.start, reverse=True):
            body = body[:e.start] + e.replacement + body[e.end:]
        body = _tidy(body, data)
        if structure is None:
            return body
        return structure.apply(body, data)


class _Allowed:
    """The fact keys a replacement may bring: the draft's, then the
    conversation's, extracted only when a replacement brings a fact the draft
    lacks (rare), and only from the messages the guard reads
    (``service.guard.recent``): a fact further back would fail the guard
    anyway. Extracting every message of a maximum-size conversation (100 of
    4,000 characters) took 0.9 s, in every fallback."""

    def __init__(self, guard: Guard, facts: list[Fact], conversation: Sequence[Message], language: str) -> None:
        self._draft = {f.key for f in facts}
        self._guard = guard
        self._conversation = conversation
        self._language = language
        self._from_conversation: set[str] | None = None

    def has(self, key: str) -> bool:
        if key in self._draft:
            return True
        if self._from_conversation is None:
            self._from_conversation = {f.key for m in recent(self._conversation)
                                       for f in self._guard.facts(m.text, self._language)}
        return key in self._from_conversation


@dataclass(frozen=True)
class _Structure:
    greeting: str
    empathy: bool
    closing: str
    name: str
    agent: str
    # The customer's name to place in the reply when the rulebook asks for it ("" = no).
    address: str = ""
    # After the body: the offer of the hand-over the customer asked for, or,
    # when the draft refuses it, what the agent can do instead.
    offer: str = ""
    help: str = ""

    @staticmethod
    def decide(conversation: Sequence[Message], draft: str, data: _LangData, name: str,
               agent: str, brand: str, violations: Sequence[Violation], policy: Policy) -> "_Structure":
        found = {v.rule_id for v in violations}
        # The rulebook decides what an opening is (no agent turn yet and the
        # customer has only said hello): a conversation excerpt without agent
        # turns is not proof that the agent never spoke.
        first = bool(found & policy.greet_when) and not any(m.role is Role.AGENT for m in conversation)
        last_customer = next((m.text for m in reversed(conversation) if m.role is Role.CUSTOMER), "")
        thanked = bool(last_customer and data.thanks_re.search(last_customer))
        greeting = ""
        # A customer who is thanking us is ending a conversation whose earlier
        # turns the caller didn't send: no "Hi, thanks for reaching out" then.
        if first and not thanked:
            key = "agent_brand" if agent and brand else "agent" if agent else "brand" if brand else "plain"
            greeting = data.greeting[key].format(
                name=data.name_in_greeting.format(name=name) if name else "", agent=agent, brand=brand)
        empathy = bool(((last_customer and data.upset_re.search(last_customer)) or found & policy.empathy_when)
                       and not data.apology_re.search(draft))
        closing = ""
        if thanked and not data.closing_re.search(draft):
            closing = data.closing_question.format(name=data.name_in_closing.format(name=name) if name else "")
        address = name if name and data.address and found & policy.address_by_name_when else ""
        offer = help_here = ""
        esc = data.escalation
        if esc is not None and found & policy.escalation_when:
            # A draft that says the hand-over can't happen is never offered
            # one: it keeps its limit, and what the agent can do follows.
            if esc.refuses.search(draft):
                help_here = esc.help_here
            else:
                offer = esc.offer
        return _Structure(greeting, empathy, closing, name, agent, address, offer, help_here)

    def without_offer(self) -> "_Structure":
        return replace(self, offer="")

    def apply(self, body: str, data: _LangData) -> str:
        head = []
        # A draft that already introduces the agent keeps its own greeting.
        if self.greeting and not (self.agent and self.agent in body):
            body = _strip_greeting(body, data, self.name)
            head.append(self.greeting)
        if self.empathy:
            head.append(data.empathy)
        esc = data.escalation
        helps = self.help and not (esc is not None and esc.hands_over is not None and esc.hands_over.search(body))
        tail = [x for x in (self.offer or (self.help if helps else ""), self.closing) if x]

        def join(body: str) -> str:
            return data.joiner.join(head + ([body] if body else []) + tail)

        out = join(body)
        if self.address and body and self.address.casefold() not in out.casefold():
            # Once, in the draft's own words (the greeting or the closing
            # question would have named the customer already).
            named = address_by_name(body, data.address, self.address)
            if named is not None:
                out = join(_tidy(named, data))
        return out


_WORD = re.compile(r"\w+")


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    """True when [start, end) begins or ends in the middle of a word."""
    return (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
        (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def _escalation_edits(draft: str, structure: _Structure, data: _LangData) -> tuple[list[_Edit], list[_Edit]]:
    """(reframes, dismissals): after a refusal of the hand-over, the refusal
    said as the limit; with the offer of one, the words that only talked the
    customer out of it, which go."""
    esc = data.escalation
    if esc is None or not (structure.offer or structure.help):
        return [], []
    found = [_Edit(s, e, t) for s, e, t in rephrasings(draft, esc.dismiss if structure.offer else esc.reframe)]
    return ([], found) if structure.offer else (found, [])


def _apart(edits: list[_Edit], others: list[_Edit]) -> list[_Edit]:
    """``edits`` that overlap none of ``others``."""
    return [e for e in edits if not any(e.start < o.end and o.start < e.end for o in others)]


def _name_from(conversation: Sequence[Message], data: _LangData) -> str:
    for m in conversation:
        if m.role is not Role.CUSTOMER:
            continue
        for rx in data.name_cues:
            hit = rx.search(m.text)
            if hit:
                return hit.group(1)
    return ""


def _strip_greeting(body: str, data: _LangData, name: str) -> str:
    """Drop the draft's own bare greeting ("Hi Priya," "Buenos días,") before ours,
    which already greets and names the customer. Anything else stays."""
    lead = re.match(rf"{re.escape(name)}\s*", body) if name else None
    offset = lead.end() if lead else 0
    m = data.greeting_re.match(body, offset)
    if not m:
        return body
    rest = body[m.end():]
    who = rf"(?:\s*{re.escape(name)}|\s+there)?" if name else r"(?:\s+there)?"
    tail = re.match(who + r"\s*(?:[,!.，！。]\s*|$)", rest)
    if not tail:
        return body
    return _capitalise_first(rest[tail.end():])


_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?，。；：！？)])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_REPEAT_BANG = re.compile(r"([!?！？])[!?！？]+")
_REPEAT_COMMA = re.compile(r"([,;，；])(?:\s*[,;，；])+")
_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")
_LEADING_JUNK = re.compile(r"^[\s,;:.，；：。、]+")
_COMMA_BEFORE_END = re.compile(r"[,;，；]\s*([.!?。！？])")
_SENTENCE_START = re.compile(r"(^|[.!?。！？]\s+)([¿¡\"“]?[a-zà-öø-ÿ])")
_CJK_SPACE_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _tidy(text: str, data: _LangData) -> str:
    """Clean up what deletions and replacements leave: spaces, punctuation, case."""
    t = _MULTI_SPACE.sub(" ", text)
    t = _SPACE_BEFORE_PUNCT.sub(r"\1", t)
    t = _REPEAT_BANG.sub(r"\1", t)
    t = _REPEAT_COMMA.sub(r"\1", t)
    t = _DOUBLE_DOT.sub(".", t)
    t = _COMMA_BEFORE_END.sub(r"\1", t)
    t = _LEADING_JUNK.sub("", t).strip()
    if not data.word_boundaries:
        t = _CJK_SPACE_CJK.sub("，", t)
    t = _SENTENCE_START.sub(_upper_match, t)
    t = re.sub(r"[,;:，；：]\s*$", "", t).rstrip()
    if t and (t[-1].isalnum() or "\u4e00" <= t[-1] <= "\u9fff"):
        t += data.sentence_end
    return t


def _upper_match(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2)[:-1] + m.group(2)[-1].upper()


def _capitalise_first(text: str) -> str:
    return _SENTENCE_START.sub(_upper_match, text, count=1)

