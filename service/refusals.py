"""Refusals: when the draft says no, the candidate must not read as a yes.

A clause of the candidate about the refused thing (shared topic words) that
affirms ("we can", "take care of", "sin problema", "没问题"), promises, or
offers to try ("I'll see what I can do", "尽量帮您争取") is a flipped refusal,
unless a clause still refuses. A positive reframe that still states the
limit passes ("refunds within 30 days... this order is past that window",
"back in stock in 2 weeks"); a yes placed in the region the draft refused
("beyond 24 months") does not.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from service.commitments import commitments_of
from service.domain import Finding, FindingKind, Span
from service.facts import Lexicon
from service.guard_text import Text, negative, topics

__all__ = ["flipped_refusals"]


def flipped_refusals(d: Text, c: Text, lex: Lexicon, broken: Sequence[str] = ()) -> list[Finding]:
    """Clauses of the candidate that turn a refusal of the draft into a yes."""
    p = lex.patterns
    refusals: dict[frozenset[str], re.Match[str]] = {}
    region: set[str] = set()   # the limit words of the refusing clauses: "beyond", "after", "超过"
    # "不行的话" / "if that's not possible": a "no" inside a condition refuses nothing
    found = [m for m in p["refusals"].finditer(d.folded) if not _conditional(d, m, lex)]
    for k, m in enumerate(found):
        a, b = d.clause(m.start())
        # What this refusal is about: its words up to the next refusal in
        # the clause ("ya no se fabrica | y no podemos conseguirla"), else
        # the whole clause.
        nxt = found[k + 1].start() if k + 1 < len(found) and found[k + 1].start() < b else b
        refused = topics(d, m.start(), nxt, lex) or topics(d, a, b, lex)
        if len(refused) < 2:
            # "女朋友目前不能指定": what is refused may come before the "no"
            refused |= topics(d, a, m.start(), lex)
        refusals.setdefault(frozenset(refused), m)   # same topics, same verdict
        region.update(_limit_words(d.folded[a:b], lex))
    draft_tries = bool(p["attempts"].search(d.folded))
    if not refusals:
        return _new_attempt(d, c, lex) if not draft_tries else []
    spans = c.clauses()
    starts = [a for a, _ in spans]
    clause_topics = [topics(c, a, b, lex) for a, b in spans]
    refuses = [negative(c.folded[a:b], lex) for a, b in spans]
    for i in range(len(spans) - 2):   # "El reembolso, en cambio, no está incluido"
        if not refuses[i] and refuses[i + 2] and _aside(c, spans[i], spans[i + 1], spans[i + 2]):
            refuses[i] = refuses[i + 1] = True   # "The boots in black, size 10, have sold out"
    # a wait the draft's own refusal gives ("the 2 yr warranty doesn't cover
    # it" -> "the 2-year warranty covers it") restates the subject, no limit
    refused_times = {f.key for f in d.facts for m in found
                     if d.clause(m.start())[0] <= f.span.start < d.clause(m.start())[1]}
    kept_no = [refuses[i] or _states_limit(c, a, b, lex, refused_times) for i, (a, b) in enumerate(spans)]
    # The hand-over a rule asks for ("I can pass your request to a
    # supervisor") is not a yes to the refused transfer.
    asked = lex.content.rule_scaffolding_mask(c.low, broken)
    plain = "".join(" " if asked[i] else ch for i, ch in enumerate(c.folded)) if any(asked) else c.folded
    says_yes = [bool(p["affirmations"].search(plain[a:b])) for a, b in spans]
    attempts = [_offers_to_try(plain, a, b, lex) for a, b in spans]
    for commitment in commitments_of(c):
        i = bisect.bisect_right(starts, commitment.span.start) - 1
        if i >= 0:
            says_yes[i] = True
    # A yes placed in the region the draft refused ("can't extend it beyond
    # 24 months" -> "yes, we can extend it beyond 24 months") states no
    # limit: it grants the refused thing. "No refunds after 30 days" ->
    # "refunds within 30 days" names the other side of the limit, a reframe.
    for i, (a, b) in enumerate(spans):
        if says_yes[i] and not refuses[i] and region & _limit_words(c.folded[a:b], lex):
            kept_no[i] = False
    by_topic: dict[str, list[int]] = {}
    for i, ts in enumerate(clause_topics):
        for t in ts:
            by_topic.setdefault(t, []).append(i)
    out = []
    flagged: set[int] = set()
    for about, m in refusals.items():
        topical = sorted({i for t in about for i in by_topic.get(t, ())}) or range(len(spans))
        # A clause that still refuses keeps the refusal ("we can't ship to
        # Canada, but we can ship to the US"); a stated limit only keeps
        # it for its own clause ("the offer ran until 31 March, but I'll
        # see that it gets applied" is a yes).
        # An offer to try ("but I'll see what I can do", "不过我帮您申请一下")
        # turns the no into a maybe, whatever else still refuses.
        # (in a clause about the refused thing, or right after one: "不能延期,
        # 不过我帮您和助教沟通一下").
        # An offer that only offers help ("but I'll do my best to help you
        # here") grants nothing refused.
        # An offer to try after the refusal's own clause is about it however
        # far it comes ("不能延期, 逾期系统关闭提交, 不过我帮您和助教沟通一下,
        # 看看能不能通融"), unless the draft itself offered to try.
        first = min(topical) if topical else 0
        tries = [] if draft_tries else [
            i for i in range(first, len(spans)) if attempts[i]
            and not p["help_words"].search(plain, *spans[i])]
        if tries:
            i = tries[0]
            if i not in flagged:
                flagged.add(i)
                out.append(_flip(d, c, m, spans[i]))
            continue
        # Offering to do the refused thing ("not possible to speak to a
        # supervisor. Would you like me to transfer you to a supervisor?")
        # says yes beside the no: the customer can't tell which holds. The
        # hand-over honor-escalation asks for ("shall I pass it on?") is not.
        offer = next((i for i in topical if about & clause_topics[i] and not refuses[i]
                      and p["offers"].search(plain, *spans[i])), None)
        if offer is not None:
            if offer not in flagged:
                flagged.add(offer)
                out.append(_flip(d, c, m, spans[offer]))
            continue
        if any(refuses[i] for i in topical):
            continue
        for i in topical:
            if kept_no[i] or _only_acknowledges(c.folded[spans[i][0]:spans[i][1]], lex):
                continue
            # A clause about the same thing (two shared topics), no longer
            # negative, says the opposite even without "we can"/"sì".
            if says_yes[i] or len(about & clause_topics[i]) >= 2:
                if i not in flagged:
                    flagged.add(i)
                    out.append(_flip(d, c, m, spans[i]))
                break
    return out


_ASIDE_WORDS = re.compile(r"[^\W\d_]+")


def _aside(c: Text, subject: tuple[int, int], aside: tuple[int, int], rest: tuple[int, int]) -> bool:
    """Whether ``aside`` is a word or three between commas that interrupts one
    clause ("Refunds, however, aren't available", "Il rimborso, invece, non è
    previsto"): the subject before it and the "no" after it are one clause."""
    gap = c.folded[subject[1]:rest[0]]
    return (gap.count(",") == 2 and "\n" not in gap and not any(ch in gap for ch in ".!?;:")
            and 1 <= len(_ASIDE_WORDS.findall(c.folded, *aside)) <= 3 and c.lex.word_boundaries)


def _new_attempt(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A draft that says no without a refusal verb ("the move abroad isn't
    one of the cases that cancel the fee, so the 49 EUR stay due") is still
    turned into a maybe by an offer to try ("but I'll see what I can do")."""
    p = lex.patterns
    no = lex.mask_not_negations(d.folded)
    m = p["negations"].search(no) or p["post_negations"].search(no)
    if m is None:
        return []
    # The offer must follow the no it softens ("...non è tra i casi, ma vedo
    # cosa posso fare"); "try restarting the router" after "don't" tries nothing.
    said_no = False
    for a, b in c.clauses():
        if said_no and _offers_to_try(c.folded, a, b, lex) and not p["help_words"].search(c.folded, a, b):
            return [_flip(d, c, m, (a, b))]
        said_no = said_no or negative(c.folded[a:b], lex)
    return []


def _offers_to_try(text: str, a: int, b: int, lex: Lexicon) -> bool:
    """Whether the clause ``text[a:b]`` offers to try ("but I'll see what I
    can do"); an offer denied in its own clause ("we can't make an
    exception") offers nothing."""
    p = lex.patterns
    return any(not p["negations"].search(lex.mask_not_negations(text[a:m.start()]))
               for m in p["attempts"].finditer(text, a, b))


def _flip(d: Text, c: Text, m: re.Match[str], span: tuple[int, int]) -> Finding:
    a, b = span
    return Finding(
        FindingKind.FLIPPED_REFUSAL,
        f'The draft refuses ("{d.text[m.start():m.end()]}", draft characters {m.start()}-{m.end()}) '
        f'but the rewrite says "{c.text[a:b].strip()}" (rewrite characters {a}-{b}), which reads as a yes.',
        Span(a, b))


def _states_limit(t: Text, a: int, b: int, lex: Lexicon, refused_times: set[str] | frozenset[str] = frozenset()) -> bool:
    """A clause that still states the limit a refusal set ("available within
    30 days", "past that window", "back in stock in 2 weeks"): a positive
    reframe, not a yes."""
    seg = t.folded[a:b]
    if lex.patterns["limits"].search(seg):
        return True
    # A requirement restated as a purpose ("sin eso no podemos abrir el
    # reembolso" -> "para abrir el reembolso necesitamos el informe") keeps
    # the limit: nothing happens until it is met.
    # The requirement may be the next clause of its sentence ("Para que el
    # seguro cubra el robo, es necesario presentar una denuncia"), and a
    # clause that says what is required keeps the limit by itself ("we can't
    # refund it without the receipt" -> "to get a refund, you'll need the receipt").
    sa, sb = t.sentence_of(a)
    if lex.patterns["requirements"].search(seg) or (
            lex.patterns["purpose"].search(seg) and lex.patterns["requirements"].search(t.folded, sa, sb)):
        return True
    condition = lex.conditions.get("condition")
    if condition and condition.search(seg):
        return True
    # A wait ("restocked within 2 weeks") states the limit; a yes in the
    # refused region ("beyond 24 months") is caught in _refusals.
    return any(a <= f.span.start < b and f.kind == "duration" and f.key not in refused_times for f in t.facts)


def _limit_words(segment: str, lex: Lexicon) -> set[str]:
    """The limit and time-limit markers of a segment, as written (lower case)."""
    out = {m.group(0).lower() for m in lex.patterns["limits"].finditer(segment)}
    limit = lex.conditions.get("time_limit")
    if limit is not None:
        out.update(m.group(0).lower() for m in limit.finditer(segment))
    return out


def _only_acknowledges(segment: str, lex: Lexicon) -> bool:
    """A clause that is nothing but "OK"/"好的"/"Sure" acknowledges; it grants nothing."""
    core = segment.strip(" \t\n,.!?;:，。！？；：、…")
    return bool(core) and bool(lex.patterns["affirmations"].fullmatch(core))


def _conditional(t: Text, m: re.Match[str], lex: Lexicon) -> bool:
    """Whether the "no" ``m`` is the premise of a condition: a condition marker
    opens its clause before it ("if that's not possible", "se non è possibile")
    or follows it as the clause's "if" ("不行的话")."""
    a, b = t.clause(m.start())
    marker = lex.conditions.get("condition")
    if marker is not None and marker.search(t.folded, a, m.start()):
        return True
    return bool(lex.patterns["condition_before"].match(t.folded, m.end(), min(b, m.end() + 4)))
