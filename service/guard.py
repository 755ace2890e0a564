"""The honesty guard: is a candidate an honest rewrite of its draft?

It runs inside every Rewrite (on the model's output and on the fallback's) and
behind the Verify RPC, so it is deterministic, data-driven and linear: the
lexicons are compiled once in ``__init__`` and each check is a handful of
regex passes over the two texts.

Six checks, each producing plain-language findings an agent can read:

* facts (``service/fact_check.py``): every fact of the draft is kept (compared by normalised key, so
  harmless rewording passes) and no fact is added unless the conversation has
  it. Capitalised names found without quotes ("Canada") are only checked for
  being kept, never for being new, because a rewrite legitimately adds the
  customer's, the agent's or the brand's name.
* commitments: a refund, discount, free item, compensation, upgrade,
  replacement, guarantee or a deadline ("by Friday") the draft did not make.
  Negated mentions ("we can't refund") are not commitments. The conversation
  never licenses a commitment: a customer asking for a refund is not the
  agent promising one.
* conditions (``service/condition_check.py``): every condition or limit of the draft ("if unused", "only
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
survive (``prompts/guard/_policy.yaml``, read by ``service/guard_context.py``). The conversation licenses a new fact
only as ``prompts/guard/_policy.yaml``'s conversation policy says: anything
the agent said earlier, and from the customer only the identifiers of their
own case (order, ticket, account, tracking numbers) and channels.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from service import content
from service.certainty import estimates_made_certain
from service.commitments import (
    commitments_of,
    dropped_refusals,
    new_actions,
    new_commitments,
    waived_charges,
)
from service.condition_check import TECHNICAL_TERM, jargon_word, condition_findings
from service.datafile import DataFileError
from service.enumerations import added_conjuncts, added_list_items, choices_widened
from service.domain import Fact, Finding, FindingKind, Message, Role, Span, Violation
from service.fact_check import empathic, fact_findings
from service.facts import (
    DEFAULT_GUARD_DIR,
    Lexicon,
    fold,
    load_lexicons,
    other_readings,
    pick,
    writes_day_first,
)
from service.guard_context import (
    ConversationFacts,
    Excused,
    GuardPolicy,
    recent,
)
from service.guard_text import Text, fact_mask, negative, polarity_mask, union
from service.history import invented_history
from service.figures import bounds_flipped, estimates_made_exact
from service.outcomes import new_outcomes
from service.refusals import flipped_refusals
from service.sanitize import INVISIBLE, strip_invisible
from service.statements import flipped_statements, pending_said_done, requirement_made_optional
from service.textnorm import lower_same_length
from service.warnings import approximated_limits, weakened_warnings

__all__ = ["Guard", "GuardPolicy"]


# Texts whose facts are kept: more than the drafts and conversation messages of
# the requests in flight at once (a request reads them on each attempt, the
# fallback and kept_facts()).
_FACTS_KEPT = 256


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
        excused = Excused(d, violations, self._policy, lex, conversation)
        context = ConversationFacts(conversation, lex, self._facts_of_draft)
        findings = fact_findings(d, c, context, excused)
        findings += condition_findings(d, c, lex, excused)
        # Kinds of promise the draft makes once its shorthand is spelled out
        # ("t mando") or its borrowed English read ("ha refund immediato").
        also_made = self._commitments_as_spelled_out(draft, violations, lex) | self._borrowed_commitments(d, lex)
        findings += new_commitments(d, c, lex, also_made)
        if not any(f.kind is FindingKind.NEW_COMMITMENT for f in findings):
            findings += waived_charges(d, c, lex)
        findings += dropped_refusals(d, c, lex, excused.sentences)
        findings += flipped_refusals(d, c, lex, [v.rule_id for v in violations])
        findings += weakened_warnings(d, c, lex)
        findings += approximated_limits(d, c, lex)
        findings += estimates_made_certain(d, c, lex)
        findings += bounds_flipped(d, c, lex)
        findings += estimates_made_exact(d, c, lex)
        findings += choices_widened(d, c, lex)
        findings += new_outcomes(d, c, lex)
        findings += invented_history(d, c, lex, conversation)
        findings += flipped_statements(d, c, lex, excused.opinions, context.asked)
        findings += pending_said_done(d, c, lex)
        findings += requirement_made_optional(d, c, lex)
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


    # -- content ---------------------------------------------------------------
    def _content(self, d: Text, c: Text, lex: Lexicon, excused: "Excused",
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
            # a question asserts nothing; nor does a clause that heads a list
            # ("possiamo proporle due soluzioni: ...", "可以按下面的步骤重置：")
            lambda a, b: c.is_question(a) or _heads_a_list(c, a, b, lex))
        jargon = excused.replaced_spans

        borrowed = TECHNICAL_TERM if lex.word_boundaries else _LATIN_WORD

        def technical(clause: content.Clause) -> int:
            """How many jargon terms a draft clause holds (words that look
            technical, violations the rules ask to reword)."""
            terms = {m.group(0) for m in borrowed.finditer(d.text, clause.start, clause.end)
                     if not d_skip[m.start()]}
            if lex.content.borrowed:   # written in lower case: "Light" in "tariffa Light" is a name
                terms |= {w for m in _BORROWED_WORD.finditer(d.text, clause.start, clause.end)
                          if (w := m.group(0)) in lex.content.borrowed}
            return len(terms) + sum(clause.start <= a < clause.end for a, _ in jargon)
        # the conversation's words, read only if a clause asks
        heard = _words_of(cl, lambda: "\n".join(m.text for m in conversation))

        def in_etiquette(clause: content.Clause, t: content.Token) -> bool:
            """Whether ``t`` stands in an etiquette or empathy clause of the rewrite."""
            return any(scaffold[clause.start:clause.end]) or empathic(c, t.start, lex)

        def acknowledged(clause: content.Clause, t: content.Token) -> bool:
            return bool(conversation) and in_etiquette(clause, t) and heard(t.key)
        # The question the draft answers: the customer's last message, if it
        # asks and the draft says no "no" to it.
        question = next((m.text for m in reversed(conversation) if m.role is Role.CUSTOMER), "")
        if not ("?" in question or "？" in question) or negative(d.folded, lex, preserving=False):
            question = ""
        asked = _words_of(cl, lambda: question)
        reasons = [lex.patterns[k] for k in ("causes", "consequences", "causes_before", "speculation")]
        explains: dict[int, bool] = {}   # by clause start: asked once per clause, not per word

        def restates_question(clause: content.Clause, t: content.Token) -> bool:
            """A word of the customer's question said back as the draft's
            answer ("is breakfast included?" + "yep" -> "breakfast is
            included", "体检报告出来了吗？" + "出来了" -> "您的体检报告已经出来了").
            Not in a clause that explains: the customer's words of any
            message also ground the stories a model invents from them
            ("the hinge was mounted crooked", "probably the brake pads"),
            which measured 7 held-out lies lost; this reading lost none."""
            if not question:
                return False
            if clause.start not in explains:
                explains[clause.start] = any(rx.search(c.folded, clause.start, clause.end) for rx in reasons)
            return not explains[clause.start] and asked(t.key)

        def etiquette_word(clause: content.Clause, t: content.Token) -> bool:
            """The customer's own word in an empathy clause, or one of the common
            words that clause is built of, if it does not speak of the company
            ("sorry our team didn't catch it" admits). Only the content
            comparison asks this, and it also takes the customer's question said
            back; a reason (``_causes``) asks only ``acknowledged``."""
            return restates_question(clause, t) or acknowledged(clause, t) or (
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
        # an item the customer named ("my P60 and the two invoices") is theirs, not invented
        out += added_list_items(c, lex, c_claim_words, lambda t: drafts_word(t) or heard(t.key), verdict.explained)
        out += added_conjuncts(c, lex, c_claim_words, lambda t: drafts_word(t) or heard(t.key), out)
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
            if not guess and not named_before and len(unexplained) < len(words) and _reason_by_preposition(
                    d, c, lex, [t for t in c_words if c.sentence_of(a)[0] <= t.start < m.start()],
                    [t for t in c_words if m.end() <= t.start < b], replaced, (c.sentence_of(a)[0], m.start())):
                continue   # "bloccata x 3 PIN errati" -> "bloccata perché il PIN è stato inserito in modo errato"
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


def _reason_by_preposition(d: Text, c: Text, lex: Lexicon, effect: Sequence[content.Token],
                           reason: Sequence[content.Token], replaced: Sequence[tuple[int, int]] = (),
                           effect_span: tuple[int, int] | None = None) -> bool:
    """Whether the draft gives the reason with a preposition ("carta bloccata
    x 3 PIN errati", "retenida por 3DS fallido", "suspended for late
    payment"), which a rewrite may say with "because": in one clause of
    the draft, a word of the rewrite's ``effect`` stands before a
    ``cause_prepositions`` word, and every content word after it is one
    of the rewrite's ``reason`` (which may say more: "il codice segreto
    (PIN) è stato inserito in modo errato"). "for 2 missed payments" is
    not given by "because our fraud team flagged two payments".
    Jargon after the preposition (a ``replaced`` span the rules asked to
    reword, or a word that looks technical: "x abandonar 3 ranked") is
    said in plain words none of which the draft has: only the reason's
    other words must be the rewrite's (the caller asks that the rewrite's
    reason share a word with the draft). A reason that is all jargon
    ("suspended for AML") licenses no reason at all: "because a neighbour
    reported you" would pass with it. The effect may be
    named by a fact both give ("El 502 es x un timeout" -> "El error 502
    se produce porque..."): the facts in ``effect_span`` count as its words."""
    if not reason:
        return False
    effect_facts = {f.key for f in c.facts if effect_span and effect_span[0] <= f.span.start < effect_span[1]}
    if not effect and not effect_facts:
        return False
    cl = lex.content
    reason_low = c.low[reason[0].start:reason[-1].end]
    in_reason = cl.matcher(cl.vocabulary(reason, reason_low), reason_low)
    d_tokens: list[content.Token] | None = None

    def jargon(t: content.Token) -> bool:
        return any(a <= t.start < b for a, b in replaced) or jargon_word(d.text[t.start:t.end], lex)
    for pm in lex.patterns["cause_prepositions"].finditer(d.folded):
        if d_tokens is None:
            d_tokens = cl.tokens(d.low)
        ca, cb = d.clause(pm.start())
        before = d.low[ca:pm.start()]
        has_before = cl.matcher(cl.vocabulary([t for t in d_tokens if ca <= t.start < pm.start()], before), before)
        given = [t for t in d_tokens if pm.end() <= t.start < cb]
        plain = [t for t in given if not jargon(t)]
        if not given or not (any(has_before(t.key) for t in effect)
                             or any(ca <= f.span.start < pm.start() and f.key in effect_facts for f in d.facts)):
            continue
        if plain and all(in_reason(t.key) for t in plain):
            return True
    return False


def _words_of(cl: content.ContentLexicon, text: Callable[[], str]) -> Callable[[str], bool]:
    """Whether a content word is among those of ``text`` (strictly: the word,
    or a two-character piece of a Chinese one), the text read and tokenised
    only when first asked: most rewrites never ask."""
    memo: list[tuple[set[str], str]] = []

    def said(key: str) -> bool:
        if not memo:
            low = lower_same_length(fold(text()))
            memo.append((cl.vocabulary(cl.tokens(low), low), low))
        vocab, low = memo[0]
        return cl.matches(key, vocab, low, strict=True)
    return said


def _heads_a_list(c: Text, a: int, b: int, lex: Lexicon) -> bool:
    """Whether the clause announces, right before a colon, the list that
    follows ("two options:", "le seguenti:", 以下): what it says, the list
    says, and the list is judged clause by clause."""
    return c.text[b:].lstrip(" \t").startswith((":", "：")) and bool(lex.patterns["list_announcers"].search(c.folded, a, b))


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


# In a language written without Latin letters, any Latin word is a borrowed term ("bug", "App").
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A lower-case word of ASCII letters, as a borrowed English word is written.
_BORROWED_WORD = re.compile(r"(?<![\w'’@/.-])[a-z]{3,}(?![\w'’@/-])")


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


