"""The guard's condition check: every condition or limit of the draft ("if
unused", "only for annual plans", "within 30 days") survives as a marker of
the same kind about the same thing; a lost one is a DROPPED_FACT naming
the condition. A condition said as a requirement or as another condition
("if unopened" -> "it needs to be unopened") is kept.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Callable, Sequence

from service import content
from service.domain import Fact, Finding, FindingKind, Span
from service.fact_check import clock_of_hours, counted_values, spelled
from service.facts import (
    Lexicon,
    equivalent_keys,
)
from service.fallback_conditions import conditions_of, failure_words, kept_or_said, same_step, states_failure
from service.guard_context import Excused
from service.guard_text import Text, negative
from service.textnorm import CJK_CLASS

__all__ = ["TECHNICAL_TERM", "condition_findings"]

# -- conditions --------------------------------------------------------
def condition_findings(d: Text, c: Text, lex: Lexicon, excused: "Excused") -> list[Finding]:
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
    cand_values = counted_values(c, lex)
    # Before "的话", a greeting ("亲亲, 这样的话") or another marker ("超过的话")
    # is no condition of its own; built only when such a marker occurs.
    not_before: bytearray | None = None
    p_conditional = lex.patterns["conditional_markers"]

    def fact_kept(f: Fact) -> bool:
        return bool(f.key in cand_facts or ((same := equivalent_keys(f)) and same <= cand_facts)
                    or (f.kind == "number" and (f.key[2:] in cand_values
                                                                   or spelled(f.key[2:], c, lex)))
                    or clock_of_hours(f, lex) & cand_facts)

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
        if group == "restriction" and not only_if:
            # "refund only w receipts" -> "refunded provided you send the
            # receipts": a condition of a restriction's strength, no requirement
            return _restated_nearby(
                c, lex, about, negative(d.folded[lo:hi], lex), facts=facts, exclusive=True, strength_only=True,
                alternatives=bool(lex.patterns["alternatives"].search(d.folded, *d.sentence_of(at))))
        if group != "condition" and not only_if:
            return False
        if only_if and _conjunct_lost(d, lex, lo, clause_end, condition_words(lo, clause_end),
                                      in_cand, fact_kept, every_part=True):
            return False
        # "dopo che riceviamo la denuncia" is a condition and a time: "dopo
        # aver ricevuto la denuncia" restates it with the time's marker
        timed = "time_limit" in lex.conditions and lex.conditions["time_limit"].match(d.folded, at) is not None
        return _restated_nearby(
            c, lex, about, negative(d.folded[lo:hi], lex), facts=facts, exclusive=only_if,
            required=bool(lex.patterns["requirements"].fullmatch(d.folded, at, lo)), timed=timed,
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
            words = [t for t in words if not jargon_word(d.text[t.start:t.end], lex)] or words
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
            # a restriction kept by its fact only ("only in Spain" -> "in Spain"), not
            # where each sentence with that fact widens it ("in Spain and also abroad")
            kept = not failed and not _conjunct_lost(d, lex, lo, b, words, keeps, fact_kept) and (
                (any(fact_kept(f) for f in about_facts) and (marked or not only_if)
                 and (marked or group != "restriction" or not _widened(c, lex, about_facts)))
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
TECHNICAL_TERM = re.compile(r"(?<![A-Za-z0-9_-])(?:[A-Z]{2,}[a-z]?s?|[a-z]+[A-Z][A-Za-z]*|[A-Za-z]+_[A-Za-z_]+)(?![A-Za-z0-9_-])")


def jargon_word(word: str, lex: Lexicon) -> bool:
    """A word that looks technical (an acronym, camelCase) or is borrowed
    into the draft's language ("provisioning" in Italian)."""
    return bool(TECHNICAL_TERM.fullmatch(word)) or (word.islower() and word in lex.content.borrowed)


def _widened(c: Text, lex: Lexicon, facts: Sequence[Fact]) -> bool:
    """Whether every sentence of the rewrite that holds one of ``facts``
    has a widening or focus word (``non_exclusive``: "also", "también",
    "anche", 也): "solo vale en España" said "puedes usarlo en España y
    también en itinerancia" no longer restricts."""
    keys = {f.key for f in facts}
    held = [c.sentence_of(g.span.start) for g in c.facts if g.key in keys]
    return bool(held) and all(lex.patterns["non_exclusive"].search(c.folded, a, b) for a, b in held)


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


def _restated_nearby(c: Text, lex: Lexicon, about: Sequence[content.Token], says_no: bool,
                     facts: Sequence[Fact] = (), exclusive: bool = False, alternatives: bool = False,
                     required: bool = False, timed: bool = False, strength_only: bool = False) -> bool:
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
    24 hours before"). A requirement (``required``: "理赔需要维修发票") is
    also said again as a request for the same things ("请提供维修发票")."""
    cl = lex.content
    # A condition or a requirement restates a condition; "within 30 days" is a
    # limit of its own and "only" a restriction, neither a restatement of "if unassembled"
    # A restriction ("only if X") is said again only as what is required or
    # a condition of that strength ("as long as"); "if X" alone leaves other ways open.
    # A plain condition is also said with a stronger marker ("se il file
    # arriva" -> "a patto che il file arrivi"), and one that is also a time
    # ("dopo che") with the time's marker.
    markers = ([lex.patterns["requirements"], lex.patterns["exclusive_conditions"]] if exclusive else
               [rx for group, rx in lex.conditions.items() if group == "condition" or (timed and group == "time_limit")]
               + [lex.patterns["requirements"], lex.patterns["exclusive_conditions"]])
    if strength_only:   # a plain restriction: only "as long as", "purché", 前提是
        markers = [lex.patterns["exclusive_conditions"]]
    if required:
        markers = [*markers, lex.patterns["requests"]]
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
        kept = sum(has(t.key) for t in about)
        if kept == len(about) if strength_only else 2 * kept > len(about):
            return True
    return False


def _detached(d: Text, c: Text, lex: Lexicon, marker: re.Pattern[str], at: int, lo: int, hi: int,
              about: Sequence[content.Token], excused: "Excused") -> bool:
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
