"""Commitments: what a text promises, and which of the candidate's the draft does not make.

A refund, discount, something free or waived, compensation, an upgrade, a
replacement, a guarantee, an admission of liability, an action ("we'll take
care of it"), a deadline, a promised time for a fix or a delivery. Negated
("we can't refund"), lapsed ("past the free warranty") or purpose-only ("to
start the refund we need...") mentions are not commitments. The patterns are
per-language data in ``prompts/guard/<lang>.yaml``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from typing import Callable

from service.content import Token
from service.domain import Fact, Finding, FindingKind, Span
from service.facts import TIME_KINDS, Lexicon, dotted_date, equivalent_keys
from service.guard_text import Text, negative

__all__ = ["COMMITMENT_LABELS", "Commitment", "commitments_of", "costs_nothing", "dropped_refusals", "find_commitments", "is_zero_amount",
           "new_actions", "new_commitments", "waived_charges"]

COMMITMENT_LABELS = {
    "refund": "a refund", "discount": "a discount", "free": "something free",
    "compensation": "compensation", "upgrade": "an upgrade", "replacement": "a replacement",
    "guarantee": "a guarantee", "deadline": "a deadline", "fix_or_delivery_time": "a time for a fix or a delivery",
    "liability": "an admission of liability", "action": "an action the draft does not promise",
}


_LEAD_WORDS = re.compile(r"[^\W\d_]+")
_ASIDE = re.compile(r"[^,]{0,40}?,\s*[^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s*,")


@dataclass(frozen=True)
class Commitment:
    category: str       # "refund", ... or "deadline:<fact key>"
    span: Span
    text: str


def commitments_of(t: Text) -> list[Commitment]:
    """A text's commitments, found once per text (three checks read them)."""
    if "commitments" not in t.memo:
        named: set[str] = set()
        t.memo["commitments"] = find_commitments(t, t.lex, named)
        t.memo["named"] = named
    found: list[Commitment] = t.memo["commitments"]
    return found


def named_categories(t: Text) -> set[str]:
    """The categories a text names at all, even to refuse them ("no refunds
    after 30 days"): noted while its commitments are found, not scanned again."""
    commitments_of(t)
    named: set[str] = t.memo["named"]
    return named


# -- commitments -------------------------------------------------------
def new_commitments(d: Text, c: Text, lex: Lexicon, spelled_out: set[str] | frozenset[str] = frozenset()
                    ) -> list[Finding]:
    """Commitments of the candidate the draft does not make (by category).
    ``spelled_out``: categories the draft makes once its chat shorthand is
    written out ("t mando" = "te mando")."""
    # A deadline on a time the draft states ("no returns after 30 days" ->
    # "returns within 30 days") restates the draft's limit; it promises nothing new.
    # A deadline on a time the draft states restates it ("refunds within
    # 30 days", "check-in from 14:00"); a promised fix or delivery at that
    # time is its own commitment (fix_or_delivery_time).
    made = {k.category for k in commitments_of(d)} | set(spelled_out) | {
        "deadline:" + key for f in d.facts if f.kind in TIME_KINDS or equivalent_keys(f)
        for key in (f.key, *equivalent_keys(f))} | {
        "deadline:" + key for f in d.facts if (key := dotted_date(f, lex.word_boundaries))}   # "12.31前"
    if any(costs_nothing(d, f) for f in d.facts):
        made.add("free")   # "costs 0 EUR", "costa 0" is said "is free"
    # The draft already ties a time to a delivery or a refund ("the order
    # arrives in 35-45 min", "refunded automatically within 30 days"):
    # a rewrite saying it "will arrive" then restates it.
    if any(f.kind in TIME_KINDS and (lex.patterns["delivery_verbs"].search(d.folded, *d.clause(f.span.start))
                                     or any(d.clause(k.span.start) == d.clause(f.span.start)
                                            for k in commitments_of(d)))
           for f in d.facts):
        made.add("fix_or_delivery_time")
    # A category the draft uses is made as many times as the draft makes it,
    # counted by clause: "switch to the digital bill for free" does not make
    # "and the 5 EUR already charged, we'll cancel them" (free, a second time).
    clauses_of: dict[str, set[tuple[int, int]]] = {}
    for k in commitments_of(d):
        clauses_of.setdefault(k.category, set()).add(d.clause(k.span.start))
    allowed = {cat: len(clauses) for cat, clauses in clauses_of.items()}
    used: dict[str, set[tuple[int, int]]] = {}
    draft_times = {f.key for f in d.facts if f.kind in TIME_KINDS}
    # Times a note already gives a delivery, with no verb ("pronto mer 14",
    # "ready to collect from 3pm"): those times, and no other, it makes.
    noted = {f.key for f in d.facts if f.kind in TIME_KINDS
             and lex.patterns["delivery_words"].search(d.folded, *d.clause(f.span.start))}
    # Categories the draft names, even to refuse them ("no refunds after 30 days")
    named = named_categories(d)
    out = []
    reported: set[str] = set()
    for k in commitments_of(c):
        if k.category in reported or _subject_refused(c, k.span.start, k.span.end, lex):
            continue
        if k.category not in allowed and _names_the_drafts(d, c, k, lex):
            continue  # "免费版不支持" -> "免费版暂不包含": the free plan, named, not promised
        if k.category in named and _restates_limit(d, c, k):
            continue  # "no refunds after 30 days" -> "refunds are available within 30 days"
        if k.category in named and _under_drafts_condition(d, c, k):
            continue  # "no refunds unless cancelled" -> "tickets are refunded only if the event is cancelled"
        if k.category == "fix_or_delivery_time" and _restated_time(d, c, k, draft_times):
            continue  # "staff back at 13:30" -> "staff will be back at 13:30": the draft's own time
        if k.category == "fix_or_delivery_time" and any(
                f.span.start == k.span.start and f.key in noted for f in c.facts):
            continue  # "pronto mer 14" -> "sarà pronto mercoledì 14": that time, a delivery's in the note
        if k.category in allowed:
            clauses = used.setdefault(k.category, set())
            clauses.add(c.clause(k.span.start))
            if len(clauses) <= allowed[k.category]:
                continue
        elif k.category in made:
            continue
        reported.add(k.category)
        label = COMMITMENT_LABELS.get(k.category.split(":")[0], k.category)
        out.append(Finding(
            FindingKind.NEW_COMMITMENT,
            f'The rewrite promises {label} ("{k.text}", rewrite characters '
            f"{k.span.start}-{k.span.end}) that the draft does not promise.",
            k.span))
    return out


# What a customer is told they will not get, in money or kind: a rewrite
# that no longer names it at all leaves them free to believe they will.
_REFUSABLE = ("refund", "free", "discount", "compensation", "replacement", "upgrade")
# A waiver or a discount refused is also kept by what it was about: "we
# can't waive the cancellation fee" -> "the cancellation fee still applies",
# the reframe positive-framing asks for, names neither.
_KEPT_BY_SUBJECT = ("free", "discount")


def dropped_refusals(d: Text, c: Text, lex: Lexicon, excused: bytearray) -> list[Finding]:
    """The draft's "no" to a refund, a waiver, a discount... that the rewrite
    drops without a word: "the charge from 2 May can't be refunded" ->
    "I've cancelled the subscription, you're all set"; "不能退款" gone from
    "可以换货，但不能退款". The rewrite keeps it by naming the category at all,
    refused or reframed ("refunds are available within 30 days; this order
    is past that window"). A refusal inside text the rules let go
    (``excused``: a sarcastic or blaming sentence) may go with it."""
    refused = [cat for cat in _REFUSABLE if cat in named_categories(d)
               and not any(k.category == cat for k in commitments_of(d))]
    if not refused:
        return []
    out: list[Finding] = []
    kept = named_categories(c)
    for cat in refused:
        if cat in kept:
            continue
        m = next((m for m in lex.commitments[cat].finditer(d.folded) if not any(excused[m.start():m.end()])), None)
        if m is None:
            continue
        a, b = d.clause(m.start())
        if cat in _KEPT_BY_SUBJECT and _subject_kept(d, c, lex, a, b, m):
            continue
        shown = d.text[a:b].strip()[:80]
        out.append(Finding(
            FindingKind.DROPPED_CONTENT,
            f'The rewrite no longer says "{shown}" (draft characters {a}-{b}): the draft says no to '
            f"{COMMITMENT_LABELS[cat]}, and the rewrite does not mention it.",
            Span(a, b)))
    return out


def _subject_kept(d: Text, c: Text, lex: Lexicon, a: int, b: int, m: re.Match[str]) -> bool:
    """Whether the rewrite keeps half the content words of the refusing
    clause ``d[a:b]`` besides the commitment word ``m`` itself."""
    cl = lex.content
    words = {t.key for t in cl.tokens(d.low) if a <= t.start < b and not m.start() <= t.start < m.end()}
    if not words:
        return False
    has = cl.carried_by(c.low)
    return 2 * sum(map(has, words)) >= len(words)


# Condition groups that make a "no" conditional ("if", "within"); a
# restriction ("only the difference is due") leaves it a waiver.
_CONDITIONAL = ("condition", "time_limit")


def waived_charges(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A charge the draft states that the rewrite says will not be taken:
    "3,20 € di interessi di mora" -> "gli interessi di 3,20 € non le
    verranno addebitati", "penale 45€" -> "non Le applicheremo la penale di
    45 €". A waiver says it in any words; what stays is the amount, now in a
    clause that says no. Not when the draft says no beside the amount too, or
    the rewrite's sentence sets a condition ("if you pay by Friday, the 5 EUR
    fee won't apply" restates "5 EUR fee after Friday"), or the draft makes
    something free already. The negation is read in the rewrite's clause,
    the draft's "no" and the rewrite's condition in the whole sentence ("El
    precio es 30 €, no incluye el envío")."""
    if any(k.category == "free" for k in commitments_of(d)):
        return []
    out: list[Finding] = _waived_by_pronoun(d, c, lex)
    if out:
        return out
    for f in c.facts:
        if f.kind != "amount" or is_zero_amount(f.key):
            continue
        in_draft = [g for g in d.facts if g.key == f.key]
        if not in_draft or any(negative(d.folded[s:e], lex, preserving=False)
                               for s, e in (d.sentence_of(g.span.start) for g in in_draft)):
            continue
        a, b = c.clause(f.span.start)
        if not negative(c.folded[a:b], lex, preserving=False) or any(
                lex.conditions[group].search(c.folded, *c.sentence_of(a)) for group in _CONDITIONAL if group in lex.conditions):
            continue
        out.append(Finding(
            FindingKind.NEW_COMMITMENT,
            f'The rewrite promises {COMMITMENT_LABELS["free"]} ("{c.text[a:b].strip()[:80]}", rewrite characters '
            f"{a}-{b}): the draft charges {f.text}, the rewrite says it will not be charged.",
            Span(a, b)))
        break
    return out


def _waived_by_pronoun(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A charge of the draft the rewrite names and then lets go with a
    pronoun: "the £12 is a late payment fee. As a one-off, we'll take it
    off your next bill", "a half-day charge of £40, but we won't be
    charging it", "a $15 late fee was added... I've taken care of it"
    (``pronoun_waivers``). The draft's amount must stand before the waiver
    in the rewrite, the draft must not say the waiver itself, and the
    waiver's sentence sets no condition after the amount ("if you pay by
    Friday we'll take it off"; the charge's own "not cancelled within 24
    hours" before it is the draft's)."""
    rx = lex.patterns["pronoun_waivers"]
    amounts = {f.key for f in d.facts if f.kind == "amount" and not is_zero_amount(f.key)}
    if not amounts or rx.search(d.folded):
        return []
    for m in rx.finditer(c.folded):
        named = [f.span.end for f in c.facts if f.key in amounts and f.span.end <= m.start()]
        if not named:
            continue
        # The charge's own condition, said with it ("appuntamenti non disdetti
        # entro 24 ore... una penale di 30 €"), is the draft's; one after it
        # ("if you pay by Friday") conditions the waiver.
        a, b = c.sentence_of(m.start())
        if any(lex.conditions[group].search(c.folded, max(a, named[-1]), b)
               for group in _CONDITIONAL if group in lex.conditions):
            continue
        return [Finding(
            FindingKind.NEW_COMMITMENT,
            f'The rewrite promises {COMMITMENT_LABELS["free"]} ("{c.text[m.start():m.end()]}", rewrite characters '
            f"{m.start()}-{m.end()}): the draft charges it, the rewrite lets it go.",
            Span(m.start(), m.end()))]
    return []


def _names_the_drafts(d: Text, c: Text, k: Commitment, lex: Lexicon) -> bool:
    """Chinese: the commitment word modifies a noun in a compound the draft
    also writes ("免费版", the free plan; "退款单", the refund form): a name
    of the draft's, whatever the draft says of it, not something promised."""
    if lex.word_boundaries:
        return False
    nxt = c.folded[k.span.end:k.span.end + 1]
    return bool(nxt) and nxt in _NAME_HEADS and c.folded[k.span.start:k.span.end + 1] in d.folded


# The nouns a commitment word names a thing with: 免费版 (the free plan), 退款单
# (the refund form), 优惠券 is a coupon itself. Not a verb: 免费退货 promises.
_NAME_HEADS = frozenset("版单卡号区")


def _restates_limit(d: Text, c: Text, k: Commitment) -> bool:
    """Whether the clause of a commitment the draft only names (to refuse
    it) states the draft's limit impersonally: a limit word and a fact of the
    draft ("refunds are available within 30 days of purchase"), no "we
    will"/"you can": the policy said positively, not a promise."""
    lex = c.lex
    a, b = c.clause(k.span.start)
    limit = lex.patterns["limits"].search(c.folded, a, b) or (
        "time_limit" in lex.conditions and lex.conditions["time_limit"].search(c.folded, a, b))
    draft_keys = {f.key for f in d.facts}
    # Impersonal only: "we will refund your order within 30 days" is a yes.
    says_yes = lex.patterns["personal_promises"].search(c.folded, a, b)
    return bool(limit) and not says_yes and any(a <= f.span.start < b and f.key in draft_keys for f in c.facts)


def _under_drafts_condition(d: Text, c: Text, k: Commitment) -> bool:
    """Whether a commitment the draft names (to refuse or to limit it) is said
    by the candidate under a condition of the draft's: a condition marker in
    the commitment's clause whose words the draft also says after one of its
    own condition markers, said as a restriction ("no refunds unless the event is
    cancelled" -> "tickets can be refunded only if the event is cancelled").
    The policy, reframed, promises nothing; a condition the draft never set
    ("if you ask us") does not count, and a first-person promise in the
    commitment's clause ("so I'll refund yours") is a yes whatever the
    condition."""
    lex = c.lex
    a, b = c.clause(k.span.start)
    if lex.patterns["personal_promises"].search(c.folded, a, b):
        return False
    # Only a restricted yes ("only if", "solo si", 只有) restates a limit; a bare
    # "if" gives what the draft refused under that same condition ("出险的话明年
    # 保费不打折" -> "出险的话明年保费也可以打9折").
    restriction = lex.conditions.get("restriction")
    if not (lex.patterns["exclusive_conditions"].search(c.folded, a, b)
            or (restriction is not None and restriction.search(c.folded, a, b))):
        return False
    # the draft's words that follow one of its condition markers in that marker's clause
    d_tokens = lex.content.tokens(d.low)
    conditioned = [(m.end(), d.clause(m.start())[1]) for rx in lex.conditions.values() for m in rx.finditer(d.folded)]
    draft_words = {t.key for t in d_tokens if any(x <= t.start < y for x, y in conditioned)}
    if not draft_words:
        return False
    for rx in lex.conditions.values():
        for m in rx.finditer(c.folded, a, b):   # the marker governs the commitment's own clause
            if m.start() <= k.span.start < m.end():
                continue
            stop = k.span.start if m.end() <= k.span.start else b
            words = lex.content.tokens(c.low[m.end():stop])[:_CONDITION_WORDS]
            if words and all(lex.content.matches(t.key, draft_words, d.low, strict=True) for t in words):
                return True
    return False


# How many words after a condition marker say what the condition is.
_CONDITION_WORDS = 4


def _restated_time(d: Text, c: Text, k: Commitment, draft_times: set[str]) -> bool:
    """A time the draft states, said again with a future verb and nothing
    more: every content word of the candidate's clause is in the draft
    clause with that time ("counter staff back at 13:30" -> "our counter
    staff will be back at 13:30", but not "we'll look at it on Friday" ->
    "it will be fixed by Friday")."""
    fact = next((f for f in c.facts if f.span.start == k.span.start and f.key in draft_times), None)
    if fact is None:
        return False
    lex = c.lex
    source = next(g for g in d.facts if g.key == fact.key)
    da, db = d.clause(source.span.start)
    ca, cb = c.clause(fact.span.start)
    said = {t.key for t in lex.content.tokens(d.low) if da <= t.start < db}
    words = [t for t in lex.content.tokens(c.low) if ca <= t.start < cb and not fact.span.start <= t.start < fact.span.end]
    return bool(words) and all(lex.content.matches(t.key, said, d.low[da:db], strict=True) for t in words)


def _subject_refused(t: Text, start: int, end: int, lex: Lexicon) -> bool:
    """Whether the candidate's commitment word opens its sentence as the
    subject of a refusal that comes after an aside: "Il rimborso del biglietto, invece,
    non è previsto", "El reembolso, en cambio, no está incluido", "Refunds,
    however, aren't available". The clause ends at the comma, the sentence
    does not: nothing but an article or a possessive stands before the word,
    and its sentence says no before any "but" turns it. Read on the
    candidate only: on a draft written as one run-on line ("refund done
    within 5 days cant speed it up") the same reach would unmake a promise
    the draft does make."""
    s0, s1 = t.sentence_of(start)
    lead = t.folded[s0:start]
    if (len(_LEAD_WORDS.findall(lead)) if lex.word_boundaries else len(lead.strip())) > 2:
        return False   # "我们会给您退款，运费不退": a yes, then another thing refused
    p = lex.patterns
    tail = t.folded[end:s1]
    aside = _ASIDE.match(tail)   # ", however,": the aside's own word turns nothing
    turn = p["clause_breaks"].search(tail, aside.end() if aside else 0)
    tail = lex.mask_not_negations(tail[:turn.start()] if turn else tail)
    return bool(p["post_negations"].search(tail) or p["refusals"].search(tail))


def is_zero_amount(key: str) -> bool:
    """An amount of nothing ("0€", "$0.00"): the same fact as "free"."""
    return key.startswith("amt:") and key.rsplit(":", 1)[-1] in ("0", "0.0", "0.00")


def costs_nothing(t: Text, f: Fact) -> bool:
    """An amount of nothing, or a bare 0 right after a word of cost ("la
    perizia per lei costa 0", "SF=0"): the same fact as "free"."""
    if is_zero_amount(f.key):
        return True
    if f.key != "n:0":
        return False
    if t.folded[:f.span.start].rstrip().endswith("="):
        return True
    a = t.clause(f.span.start)[0]
    return t._lex.patterns["cost_words"].search(t.folded, max(a, f.span.start - 16), f.span.start) is not None


# How far before an admission of liability a "no" still denies it, in
# characters: the word before it, or (Chinese) the 不/并不 of 不是.
_DENIAL_REACH = {True: 12, False: 3}


def find_commitments(t: Text, lex: Lexicon, named: set[str] | None = None) -> list[Commitment]:
    """Non-negated commitments in a text, with deadlines keyed by their time
    fact; ``named`` collects the categories mentioned at all, negated or not."""
    p = lex.patterns
    out: list[Commitment] = []
    for cat, rx in lex.commitments.items():
        for m in rx.finditer(t.folded):
            if named is not None:
                named.add(cat)
            a, b = t.clause(m.start())
            # "没出险的话打9折": a "no" inside the condition before 的话 is not the offer's
            a = max([a, *(x.end() for x in p["condition_before"].finditer(t.folded, a, m.start()))])
            # An admission is denied right before it ("non è colpa nostra", "不是我们的责任");
            # a failure further back is what it admits ("没能安排上大床房是我们的责任").
            head_from = max(a, m.start() - _DENIAL_REACH[lex.word_boundaries]) if cat == "liability" else a
            just_before = t.folded[max(a, m.start() - 30):m.start()]
            # A commitment said with its own "no" ("no te cobramos", "no charge") is
            # not undone by an earlier "no" of its clause ("al no llegar al 100%
            # el dinero vuelve ... y no te cobramos"): that one says something else.
            says_no_itself = bool(p["negations"].search(lex.mask_not_negations(m.group(0))))
            if ((not says_no_itself and p["negations"].search(lex.mask_not_negations(t.folded[head_from:m.start()])))
                    or p["post_negations"].search(t.folded[m.end():b])
                    or p["lapsed"].search(t.folded[a:m.start()])
                    or p["purpose"].search(just_before) or p["request_heads"].search(just_before)):
                continue
            out.append(Commitment(cat, Span(m.start(), m.end()), t.text[m.start():m.end()]))
    for f in t.facts:
        if f.kind not in TIME_KINDS:
            continue
        a, b = t.clause(f.span.start)
        verb = p["delivery_verbs"]
        if verb.search(t.folded, a, f.span.start) or verb.match(t.folded, f.span.end, b):
            head = lex.mask_not_negations(t.folded[a:f.span.start])
            if not (p["negations"].search(head) or p["hedges"].search(t.folded[a:b])):
                out.append(Commitment("fix_or_delivery_time", f.span, f.text))
        before = t.folded[max(a, f.span.start - 30):f.span.start]
        if not (p["deadline_before"].search(before) or p["deadline_after"].match(t.folded[f.span.end:b])):
            continue
        head = lex.mask_not_negations(t.folded[a:f.span.start])
        if p["negations"].search(head) or p["hedges"].search(t.folded[a:b]):
            continue
        out.append(Commitment("deadline:" + f.key, f.span, f.text))
    return out


# An action is new when at least this many of its words are, and more than half.
_NEW_ACTION_WORDS = 2
# How many words after the cue say what the action is.
_ACTION_WORDS = 6
# How far before the action's verb a "no" turns it into a refusal ("no podremos", "we will not
# send"); a "no" after the verb is part of the action ("make sure it doesn't happen again").
_NEGATION_REACH = 12


def new_actions(d: Text, c: Text, lex: Lexicon, c_words: list[Token],
                explained: Callable[[Token], bool], also_made: set[str] | frozenset[str] = frozenset()
                ) -> list[Finding]:
    """First-person futures of the candidate whose action the draft does not
    take: "we'll send you a replacement chair straight away", "le
    descontaremos ese día en su próxima factura", "我们会第一时间短信通知您".

    The commitment lexicon names kinds of promise (a refund, a call back);
    an agent's rewrite can promise anything, in words no list foresees. So
    every first-person future (``future_actions``, per language) is read:
    the words after it in its clause (in Italian and Spanish the future is
    the verb itself, so it counts too) are the action, and when most of them
    are nowhere in the draft (``explained`` says, by stem and the glossary's
    replacements), the draft did not promise it: at least two of its words
    are new, and more than half of its words and facts together. A fact of
    the draft's is the draft's own object ("te devolveremos 23,90 € a tu
    tarjeta en 3 a 5 días" for "reembolso de 23,90 € a tu tarjeta en 3-5
    días" keeps three facts against two new words), one it doesn't have is
    new; so a new verb on the draft's object and facts is a rewording. A future that the commitment
    lexicon reads as a kind of promise the draft makes too ("te lo
    mandamos", an action; ``also_made``: the kinds the draft makes in chat
    shorthand or borrowed English, "ha refund immediato") is that promise,
    judged by ``new_commitments``.
    ``c_words`` are the candidate's content words outside its facts and
    etiquette phrases."""
    d_keys = {f.key for f in d.facts}
    made = {k.category for k in commitments_of(d)} | set(also_made)
    restated = [k.span for k in commitments_of(c) if k.category in made]
    out: list[Finding] = []
    starts = [t.start for t in c_words]
    for start, b in _actions(c, lex):
        if any(span.start < b and start < span.end for span in restated):
            continue  # "el tracking te lo mandamos" -> "te enviaremos los datos de seguimiento": a kind the draft makes
        first = bisect.bisect_left(starts, start)
        words = [t for t in c_words[first:first + _ACTION_WORDS] if t.start < b]
        verb_end = words[0].end if words else b
        if negative(c.folded[max(c.clause(start)[0], start - _NEGATION_REACH):verb_end], lex):
            continue  # "sin ellos no podremos entregarte el coche" refuses; it promises nothing
        unexplained = [t for t in words if not explained(t)]
        # Its facts count with its words: the draft's are its object ("te
        # devolveremos 23,90 € a tu tarjeta"), a new one is new.
        facts = [f.key in d_keys for f in c.facts if start <= f.span.start < b and f.kind != "name"]
        if len(unexplained) >= _NEW_ACTION_WORDS and 2 * (len(unexplained) + facts.count(False)) > len(words) + len(facts):
            shown = c.text[start:b].strip()
            out.append(Finding(
                FindingKind.NEW_COMMITMENT,
                f'The rewrite promises an action the draft does not: "{shown}" (rewrite characters '
                f"{start}-{b}); the draft does not say {', '.join(c.text[t.start:t.end] for t in unexplained[:4])}.",
                Span(start, b)))
    return out


def _actions(t: Text, lex: Lexicon) -> list[tuple[int, int]]:
    """Where each first-person future's actions are said: from the verb (a
    one-word future, "invieremo") or the word after the auxiliary ("we'll",
    "vamos a", "我们会") to the end of its clause, and, where conjunctions
    join several, each conjunct as well: "we'll call you as soon as it
    lands | and have it delivered to your hotel" promises two things, and
    the draft's call (a fact, "call you") anchors only the first. The whole
    is read too, so an action split in short pieces is still seen.

    At most ``_MAX_ACTIONS`` futures are read, each split at most at
    ``_MAX_CONJUNCTS`` conjunctions, and each range once: a 4,000-character
    text of "我会和" repeated costs no more than a short one."""
    out: dict[tuple[int, int], None] = {}
    for m in itertools.islice(lex.patterns["future_actions"].finditer(t.folded), _MAX_ACTIONS):
        cue = m.group(0)
        # A one-word future is the verb itself ("invieremo"); "we'll" (an
        # apostrophe) and "vamos a", "我们会" only lead to it.
        start = m.start() if lex.word_boundaries and cue.isalpha() else m.end()
        end = t.clause(m.start())[1]
        out[(start, end)] = None
        joints = list(itertools.islice(lex.patterns["conjunctions"].finditer(t.folded, start, end), _MAX_CONJUNCTS))
        for joint in joints:
            out[(start, joint.start())] = None
            start = joint.end()
        if joints:
            out[(start, end)] = None
    return list(out)


# A text's first futures that are read, and the conjunctions that split one.
_MAX_ACTIONS = 32
_MAX_CONJUNCTS = 4
