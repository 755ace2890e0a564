"""Negative statements: when the draft says something is not so, the
rewrite must not say that it is.

A refusal ("we can't refund it") is ``service/refusals.py``'s. This reads
the draft's other "no": a statement of fact ("the parcel hasn't shipped",
"non abbiamo ricevuto il pagamento", "el cargo no se ha aplicado",
"包裹还没发货") or an order not to do something ("don't restart the
router"). What a "no" denies is the first content word after it, its head
("shipped", "ricevuto", "aplicado", "发货"). A clause of the rewrite that
says the head again, about the same thing (half the draft clause's other
words in its sentence), without any "no" (a negation, a refusal, a
prohibition, or a word from ``still_negative``: "still", "pending",
"rarely", "ancora", "pendiente", "仍") says it is so: the rewrite has
turned the statement around ("The parcel has shipped"). One that still
says no, but only as a rule ("usually not covered", "一般不退款", a
``weakeners`` word the draft's clause lacks), has made an exception
possible, and is flagged too.

Not every such clause affirms. One that asks ("did you get the code?"),
requests ("please attach the invoice", "La preghiamo di allegare" for "you
didn't attach the invoice": the reframe the blame rule asks for), names the
head as a purpose or a state to come ("in the queue to be assigned", "in
valutazione per l'approvazione"), makes it depend on something ("once we
receive the payment"), requires something ("per iscriversi serve il B2"
for "senza B2 non può iscriversi") or sets a limit or a time of its own
("available from Monday") does not contradict the "no": those are the
positive reframes the rules ask for. A "not yet" ("hasn't shipped yet")
may also be said as a future or an expectation with its time ("partirà
il 14 giugno", "should ship Friday"); a bare "will be approved" promises.
An order given with no condition or limit of its own ("don't reset the
router") has no reframe but a question: "reset it if needed", "se serve,
può scollegarlo" permit it on a condition the rewrite made up.

A "no" inside a condition ("if it doesn't arrive"), in a question,
cancelled by another ("it's not that we didn't ship it"), or a "without"
beside the clause's own "no" ("senza appuntamento non si accettano": a
requirement) or opening its clause ("sin ella, la factura saldrá
estimada": a condition) denies nothing the rewrite must keep. Text the
rules let the rewrite remove (a blaming or off-topic sentence) is still
read: removing it is honest, saying the opposite is not. An "or" after a
"no" carries it to the next word ("don't unplug or reset it").

A denial said the other way round in other words ("wasn't successful" ->
"has been accepted") is read by what the clause is about (``_reworded_yes``).

Measured and known to miss (README, "How the guard decides"): an antonym
in a clause that shares less than two thirds of the draft clause's words
("didn't go through" -> "was successful"), a "no" moved onto another part
("not all" -> "none"), irregular verb forms (bring / brought), and a
phrasal verb's other particle ("don't turn off" -> "leave it turned on",
flagged).
"""

from __future__ import annotations

import re
from typing import Sequence

from service.content import Token
from service.domain import Finding, FindingKind, Span
from service.facts import Lexicon
from service.guard_text import Text, negative
from service.textnorm import CJK_CLASS

__all__ = ["flipped_statements", "pending_said_done", "requirement_made_optional"]

_CJK = re.compile(f"[{CJK_CLASS}]")
# what opens an item of a list ("2) ", "- "): an instruction follows it
_LIST_MARKS = " \t\n,.;:!-*•)0123456789"
# Fact kinds that set a time: a clause holding one of its own reframes a
# "not yet" ("hasn't shipped" -> "ships on 3 May") rather than denying it.
_TIMES = frozenset({"date", "time", "duration", "weekday", "clock"})
# How far before the head a purpose or request word may stand ("in the
# queue to be assigned", "Le pedimos que adjunte"), in characters.
_BEFORE_HEAD = 24
# How many words a condition marker may stand before the "no" it governs.
_CONDITION_REACH = 5
_NEVER = re.compile(r"(?!x)x")
# Words after a clause that may still be its question's ("..., please?", "..., 好吗?").
_QUESTION_TAIL = 2
_GAP_WORDS = re.compile(rf"[^\W\d_]+|[{CJK_CLASS}]")


def flipped_statements(d: Text, c: Text, lex: Lexicon, opinions: Sequence[int] = b"",
                       asked: frozenset[str] = frozenset()) -> list[Finding]:
    """Clauses of the rewrite that affirm what a negative statement of the
    draft denies. ``opinions`` marks the draft's sentences that state an
    opinion, no fact: a "no" there is judged only where the rewrite says
    its head word again. ``asked``: the facts of the customer's question; a
    day or hour from it names what the answer is about, it sets no time of
    the rewrite's own ("the membership ending 31/8 renews automatically")."""
    p = lex.patterns
    no = lex.mask_not_negations(d.folded)
    # "nº" folds to "no": an abbreviation, not a "no"
    found = sorted((m for key in ("negations", "post_negations") for m in p[key].finditer(no)
                    if "º" not in d.text[m.start():m.end()]), key=lambda m: (m.start(), -m.end()))
    # one "no" matched by two lists ("isn't" and "isn't available") is one "no", not two
    denials = [m for k, m in enumerate(found) if k == 0 or m.start() >= found[k - 1].end()]
    if not denials:
        return []
    # "don't unplug or reset it": the "or" carries the "no" to its next word
    denials = sorted(denials + [o for m in denials for o in p["disjunctions"].finditer(d.folded, m.end(), d.clause(m.start())[1])
                                if not any(x.start() == o.start() for x in denials)], key=lambda m: m.start())
    cl = lex.content
    d_words = cl.tokens(d.low)
    c_words = cl.tokens(c.low)
    c_clauses = c.clauses()
    # greetings and thanks ("please note" excepted: what follows it asserts)
    # and empathy ("Siento que haya tenido que pedirlo") assert nothing
    etiquette = cl.scaffolding_mask(c.low)
    for e in p["empathy"].finditer(c.folded):
        ca, cb = c.clause(e.start())
        etiquette[ca:cb] = b"\x01" * (cb - ca)
    out: list[Finding] = []
    read: set[tuple[str, frozenset[str]]] = set()
    cancelled: set[int] = set()
    for k, m in enumerate(denials):
        clause = d.clause(m.start())
        head = _head(d, d_words, m, clause[1], lex)
        nxt = denials[k + 1] if k + 1 < len(denials) else None
        if nxt is not None and nxt.start() < clause[1] and (head is None or nxt.start() < head.start):
            # "it's not that we didn't ship it", "non è che non", "不是我们没": two "no"s, a yes
            cancelled.update((m.start(), nxt.start()))
        if m.start() in cancelled or head is None or not _states(d, m, lex, denials):
            continue
        # a refusal turned into a yes is service/refusals.py's; here only its "no" made a rule
        refusal = bool(p["refusals"].search(d.folded, *clause))
        # what else the clause speaks of: its words but the head and the "no" ("千万别" holds 别)
        about = [t for t in d_words if clause[0] <= t.start < clause[1] and t is not head
                 and not t.start <= m.start() < t.end and not _denying(d.folded[t.start:t.end], lex)]
        key = (head.key, frozenset(t.key for t in about))
        if key in read:
            continue
        read.add(key)
        holders = [(a, b, at) for a, b in c_clauses
                   if (at := _holds(c, c_words, a, b, head, d.low)) is not None
                   and not etiquette[at] and _about(c, c_words, a, b, about, d.low, sentence=True)
                   and not (about and _restates_other(d, d_words, c, c_words, clause, (a, b), head, lex))]
        # a clause that still says no, about the same thing, keeps it, unless
        # it says no only as a rule ("is usually not covered", "一般不退款")
        # where the draft's clause says it without exception
        kept = [(a, b) for a, b, _ in holders
                if _still_no(c, a, b, lex) and _about(c, c_words, a, b, about, d.low, share=1)]
        draft_weakened = bool(p["weakeners"].search(d.folded, *clause))
        weakened = [(a, b) for a, b in kept if not draft_weakened and _says(c, p["weakeners"], a, b)]
        if weakened and len(weakened) == len(kept):
            out.append(_flip(d, c, m, head, weakened[0], ": not so only as a rule, or only for some."))
            continue
        # The head said in other words ("wasn't successful" -> "has been
        # accepted"): judged by what the clause is about. Not for a "no"
        # that is itself a commitment's wording ("不收费", "no fee": "免费",
        # "free" say it again), nor about a single word.
        if not holders and not refusal and len({t.key for t in about}) >= 2 \
                and not (m.start() < len(opinions) and opinions[m.start()]) and not any(
                x.start() <= m.start() < x.end() for rx in lex.commitments.values() for x in rx.finditer(d.folded, *clause)):
            reworded = _reworded_yes(d, c, c_words, c_clauses, clause, head, about, etiquette, lex, asked)
            if reworded is not None:
                out.append(_flip(d, c, m, head, reworded, ' with no "no" left, in other words.'))
                continue
        if not holders or kept or refusal:
            continue
        not_yet = bool(p["still_negative"].search(d.folded, *clause))
        # "you don't need to bring it": the "no" denies the need itself, so
        # "you'll need to bring it" restates nothing as a requirement
        needless = bool(p["requirements"].search(d.folded, m.start(), head.start))
        draft_times = {f.key for f in d.facts if clause[0] <= f.span.start < clause[1]} | asked
        forbidden = _forbids(d, m, clause, lex)
        # against an order, a "no" in a condition still forbids ("as long as the seal is not broken")
        affirming = next(((a, b) for a, b, at in holders if not _still_no(c, a, b, lex)
                          and not (forbidden and negative(c.folded[a:b], lex, preserving=False))
                          and not _reframes(c, c_words, a, b, at, lex, draft_times, not_yet, needless, forbidden)
                          and not _denied_beside(c, c_words, c_clauses, a, about, lex)), None)
        if affirming is not None:
            out.append(_flip(d, c, m, head, affirming, ' with no "no" left.'))
    return out


def pending_said_done(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A step the draft says is still to come ("refund will be issued once
    the check is done", "deve ancora essere controllato", "退款审核中")
    that the rewrite says is done ("your refund has been issued", "已经审核
    通过"): a clause of the rewrite whose ``done_markers`` word ("has
    been", "è stato", "ha sido", 已经) stands right before a word of a
    draft clause that waits (a ``still_negative`` word such as "about to"
    or "sto per", a ``future_actions`` promise such as "I'll send" or
    "te enviaremos", or what a condition governs, not its premise), where
    the draft does not say that word done itself and the rewrite's clause
    neither says no, waits nor sets a condition. After a done word, a
    ``completion_words`` word ("il controllo è stato completato") sends the
    reading to the words before the done word, which name the step."""
    p = lex.patterns
    done = p["done_markers"]
    marks = [m for m in done.finditer(c.folded) if _aligned(c, m)]
    if not marks:
        return []
    cl = lex.content
    d_words, c_words = cl.tokens(d.low), cl.tokens(c.low)
    condition = lex.conditions.get("condition", _NEVER)
    # "il bonifico risulta in arrivo": a done word right before a waiting one
    # says what is still to come, not what is done
    d_done = [m for m in done.finditer(d.folded) if _aligned(d, m) and not any(
        _aligned(d, w, True) for w in p["still_negative"].finditer(d.folded, m.end(), m.end() + _AFTER_DONE))]
    pending: list[tuple[tuple[int, int], set[str]]] = []
    for a, b in d.clauses():
        if any(a <= m.start() < b for m in d_done):
            continue
        if _says(d, p["still_negative"], a, b, prefix=True) or _says(d, p["future_actions"], a, b):
            end = b
        else:   # what a condition governs, not its premise: "refund will be issued | once QC check done"
            end = next((x.start() for x in condition.finditer(d.folded, a, b) if _aligned(d, x)), a)
        if end > a:
            pending.append(((a, b), {t.key for t in d_words if a <= t.start < end}))
    # what the draft itself says is done ("已联系司机") is no "not yet"
    said_done = {t.key for m in d_done for t in d_words if m.end() <= t.start < m.end() + _AFTER_DONE}
    if not pending:
        return []
    for m in marks:
        a, b = c.clause(m.start())
        nxt = next((t for t in c_words if m.end() <= t.start < min(b, m.end() + _AFTER_DONE)), None)
        if nxt is None or any(_kin(nxt.key, k) for k in said_done) or _still_no(c, a, b, lex) \
                or _says(c, condition, a, b) or _says(c, p["still_negative"], a, b, prefix=True):
            continue
        # "il controllo è stato completato": the step is named before the marker
        said = [nxt, *(t for t in c_words if a <= t.start < m.start())] if p["completion_words"].fullmatch(
            c.low[nxt.start:nxt.end]) else [nxt]
        for (da, db), keys in pending:
            if any(_kin(t.key, k) for t in said for k in keys):
                return [_contradicted(d, c, (da, db), (a, b), "says {} is still to come", "done")]
    return []


def requirement_made_optional(d: Text, c: Text, lex: Lexicon) -> list[Finding]:
    """A requirement of the draft ("para el reembolso necesitamos foto del
    producto") that the rewrite calls optional ("la foto es opcional",
    ``optional_words``): a rewrite clause with such a word that carries a
    word of a draft clause that requires, where the draft's clause is not
    optional itself and does not say no ("you don't need to")."""
    p = lex.patterns
    marks = [m for m in p["optional_words"].finditer(c.folded) if _aligned(c, m)]
    if not marks:
        return []
    cl = lex.content
    d_words, c_words = cl.tokens(d.low), cl.tokens(c.low)
    required: list[tuple[tuple[int, int], set[str]]] = []
    for a, b in d.clauses():
        if _says(d, p["requirements"], a, b) and not _says(d, p["optional_words"], a, b) \
                and not negative(d.folded[a:b], lex, preserving=False):
            required.append(((a, b), {t.key for t in d_words if a <= t.start < b}))
    for m in marks:
        a, b = c.clause(m.start())
        words = [t for t in c_words if a <= t.start < b and not t.start <= m.start() < t.end]
        for (da, db), keys in required:
            if any(_kin(t.key, k) for t in words for k in keys):
                return [_contradicted(d, c, (da, db), (a, b), "requires {}", "optional")]
    return []


def _contradicted(d: Text, c: Text, draft: tuple[int, int], cand: tuple[int, int], says: str,
                  verdict: str) -> Finding:
    """A FLIPPED_REFUSAL quoting the draft's clause (``says`` holds "{}" for
    it: "requires {}") and the rewrite's clause that now reads ``verdict``."""
    (da, db), (a, b) = draft, cand
    quoted = '"' + d.text[da:db].strip() + '"'
    return Finding(
        FindingKind.FLIPPED_REFUSAL,
        f'The draft {says.format(quoted)} (draft characters {da}-{db}) but the '
        f'rewrite says "{c.text[a:b].strip()}" (rewrite characters {a}-{b}): {verdict}.',
        Span(a, b))


# How far after a "done" word ("has been", 已经) the word it says is done may start, in characters.
_AFTER_DONE = 16


def _reworded_yes(d: Text, c: Text, c_words: Sequence[Token], c_clauses: Sequence[tuple[int, int]],
                  clause: tuple[int, int], head: Token, about: Sequence[Token], etiquette: bytearray,
                  lex: Lexicon, asked: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """A clause of the rewrite that says the draft's denial the other way
    round without its head word: an antonym ("wasn't successful" -> "has
    been accepted", "no dejéis las llaves" -> "podéis dejarlas"). The
    clause carries two thirds of what the denying clause is about, and
    neither it nor its sentence says no, hedges or sets a condition, nor
    does it reframe (a request, a purpose, a time of its own: ``_reframes``).
    A clause that carries as much and still says no ("debit cards can't be
    used") keeps the denial, whatever else the rewrite says.

    Measured on the honesty corpus (README, "How the guard decides"): a
    share of half instead of two thirds let one more dev honest rewrite be
    flagged and caught no more dev lies."""
    not_yet = bool(lex.patterns["still_negative"].search(d.folded, *clause))
    draft_times = {f.key for f in d.facts if clause[0] <= f.span.start < clause[1]} | asked
    carrying = [(a, b) for a, b in c_clauses
                if not etiquette[a] and _about(c, c_words, a, b, about, d.low, share=2 / 3)]
    if any(_still_no(c, a, b, lex) or _negated_by_prefix(c, c_words, a, b, head, lex) for a, b in carrying):
        return None   # the "no" is still said about the same thing, in other words
    for a, b in carrying:
        sa, sb = c.sentence_of(a)
        if any(_still_no(c, x, y, lex) for x, y in c_clauses if sa <= x < sb) or lex.patterns["hedges"].search(c.folded, sa, sb) \
                or any(_says(c, marker, sa, b) for marker in lex.conditions.values()):
            continue
        at = next((t.start for t in c_words if a <= t.start < b), a)
        if _reframes(c, c_words, a, b, at, lex, draft_times, not_yet):
            continue
        return a, b
    return None


def _negated_by_prefix(c: Text, words: Sequence[Token], a: int, b: int, head: Token, lex: Lexicon) -> bool:
    """Whether the clause says the head word with a prefix that negates it
    ("isn't compatible" -> "is incompatible", "no es probable" -> "es improbable")."""
    prefixes = lex.patterns["negative_prefixes"]
    for t in words:
        if a <= t.start < b and (pm := prefixes.match(c.low, t.start, t.end)) and _kin(c.low[pm.end():t.end], head.key):
            return True
    return False


def _flip(d: Text, c: Text, m: re.Match[str], head: Token, span: tuple[int, int], why: str) -> Finding:
    a, b = span
    return Finding(
        FindingKind.FLIPPED_REFUSAL,
        f'The draft says "{d.text[m.start():head.end]}" is not so (draft characters {m.start()}-{head.end}) '
        f'but the rewrite says "{c.text[a:b].strip()}" (rewrite characters {a}-{b}){why}',
        Span(a, b))


def _forbids(d: Text, m: re.Match[str], clause: tuple[int, int], lex: Lexicon) -> bool:
    """Whether the "no" is an order not to do something ("don't reset it",
    "Non spenga il modem": a prohibition, or a "no" opening its clause
    before an order; not "you didn't attach it") given with no condition
    or limit of its own."""
    p = lex.patterns
    order = bool(p["prohibitions"].search(d.folded, *clause)) or (
        not d.folded[clause[0]:m.start()].strip(_LIST_MARKS)
        and bool(p["instructions"].match(d.low[m.end():clause[1]].lstrip())))
    return order and not (_says(d, p["limits"], *clause) or any(_says(d, x, *clause) for x in lex.conditions.values()))


def _denying(word: str, lex: Lexicon) -> bool:
    """Whether a word is itself a "no" or a "not yet" ("nessuno", "todavía")."""
    return bool(lex.patterns["negations"].fullmatch(word) or lex.patterns["still_negative"].fullmatch(word))


def _states(d: Text, m: re.Match[str], lex: Lexicon, denials: Sequence[re.Match[str]]) -> bool:
    """Whether the "no" ``m`` states something the rewrite must keep: not
    the premise of a condition, not part of a question, and not a "without" beside the
    clause's own "no" ("senza appuntamento nn si accettano": a requirement,
    which "si fanno su appuntamento" restates) or opening its clause ("sin
    ella, la factura saldrá estimada": a condition)."""
    p = lex.patterns
    a, b = d.clause(m.start())
    if _asks(d, b):
        return False
    if p["absence"].fullmatch(m.group(0)) and (
            any(a <= o.start() < b and o is not m for o in denials) or not d.folded[a:m.start()].strip(_LIST_MARKS)):
        return False   # "without it, the bill is estimated": a condition
    marker = lex.conditions.get("condition")
    # a condition opens the "no" a few words before it ("call us if it doesn't
    # arrive"); "Ho appena controllato e il bonifico non è arrivato" has none
    if marker is not None and any(len(_GAP_WORDS.findall(d.folded, x.end(), m.start())) <= _CONDITION_REACH
                                  for x in marker.finditer(d.folded, a, m.start())):
        return False
    return not p["condition_before"].search(d.folded, m.end(), b)   # "你不是管理员的话"


def _head(d: Text, words: Sequence[Token], m: re.Match[str], end: int, lex: Lexicon) -> Token | None:
    """The first content word after a "no", in its clause: what it denies.
    A word that is itself a "no" or a "not yet" ("ancora", "todavía") is
    how it denies, not what."""
    cl = lex.content
    after = m.end()
    if not cl.word_boundaries:
        return _cjk_head(d, words, m, end, lex)
    return next((t for t in words if after <= t.start < end and not _denying(d.folded[t.start:t.end], lex)), None)


def _cjk_head(d: Text, words: Sequence[Token], m: re.Match[str], end: int, lex: Lexicon) -> Token | None:
    """The Chinese head: the next word after the "no", or, when the
    segmenter read the "no" into a word ("还没收到" as 没收 + 到), the
    characters after it to that word's next one's end (收到). A verb of one
    character ("还没批") is what the "no" denies too."""
    cl = lex.content
    after = m.end()
    inside = next((t for t in words if t.start < after < t.end), None)
    if inside is not None and all(ch in cl.stopwords for ch in d.low[after:inside.end]):
        inside = None   # 没有, 不是: the "no" is the whole word; what it denies comes next
    if inside is not None:
        # the rest of the word and the segmenter's next piece: 没收|到 -> 收到
        stop = min((x for x in cl.cuts(d.low) if x > inside.end), default=inside.end)
        stop = stop if stop <= end and stop - inside.end <= 2 else inside.end
        # a word of the "no" and one character (没货, 没空) says the "no" in one word
        return Token(d.low[after:stop], after, stop) if stop - after >= 2 else None
    word = next((t for t in words if after <= t.start < end and not _denying(d.folded[t.start:t.end], lex)), None)
    if (word is None or word.start > after) and after < end and _CJK.match(ch := d.low[after]) \
            and ch not in cl.stopwords:
        return Token(ch, after, after + 1)   # "你没传发票": 传, not 发票
    return word


def _holds(c: Text, words: Sequence[Token], a: int, b: int, head: Token, draft_low: str) -> int | None:
    """Where the rewrite's clause ``c[a:b]`` says the head word again, or
    None: the same stem (``_kin``), in Chinese the same word anywhere in
    the clause (开灯 in 打开灯)."""
    if not c.lex.content.word_boundaries:
        # a head of one character must be a word of its own there (批, not 补货's 货)
        word = draft_low[head.start:head.end]
        cuts = c.lex.content.cuts(c.low) if len(word) == 1 else None
        at = c.low.find(word, a, b)
        while at >= 0 and cuts is not None and not (at in cuts and at + 1 in cuts):
            at = c.low.find(word, at + 1, b)
        return at if at >= 0 else None
    return next((t.start for t in words if a <= t.start < b and _kin(t.key, head.key)), None)


def _kin(key: str, other: str) -> bool:
    """Whether two stems are one word's: equal, one the start of the other
    ("cost" of costa, "coster" of costerà), or the same first five letters."""
    short, long = sorted((key, other), key=len)
    return key == other or (len(short) >= 4 and long.startswith(short)) or (len(short) >= 5 and key[:5] == other[:5])


def _about(c: Text, words: Sequence[Token], a: int, b: int, about: Sequence[Token], draft_low: str,
           sentence: bool = False, share: float = 0.5) -> bool:
    """Whether the rewrite's clause (or, with ``sentence``, its sentence)
    speaks of what the draft's "no" is about: at least ``share`` of the
    draft clause's other content words (the parcel, the router, 地址), or
    that many words when ``share`` is 1 or more, when it has any."""
    if not about:
        return True
    s_a, s_b = c.sentence_of(a) if sentence else (a, b)
    if not c.lex.content.word_boundaries:
        seg = c.low[s_a:s_b]
        kept = sum(draft_low[t.start:t.end] in seg for t in about)
    else:
        keys = [t.key for t in words if s_a <= t.start < s_b]
        kept = sum(any(_kin(t.key, k) for k in keys) for t in about)
    return kept >= share if share >= 1 else kept >= share * len(about)


def _restates_other(d: Text, d_words: Sequence[Token], c: Text, c_words: Sequence[Token],
                    clause: tuple[int, int], holder: tuple[int, int], head: Token, lex: Lexicon) -> bool:
    """Whether the rewrite's clause restates another clause of the draft, one
    that says no "no": it shares content words with it and none with the
    denying clause ("套餐包含国内通话和流量，不包含国际漫游" -> "这个套餐包含国内
    通话和流量": the first clause's yes; "don't restart it, as that would erase
    the settings" -> "as restarting it would erase the settings")."""
    ha, hb = holder
    keys = [t.key for t in c_words if ha <= t.start < hb]

    def shared(a: int, b: int) -> int:
        return sum(any(_kin(t.key, k) for k in keys) for t in d_words
                   if a <= t.start < b and t is not head and not (t.start <= head.start < t.end))

    # none of the denying clause's other words (it has some: "approved but
    # not paid yet" -> "approved and paid" restates nothing else); a clause
    # that also carries them
    # ("vale per lei e per tutti i compagni di viaggio") grants what it denied
    if shared(*clause):
        return False
    return any(shared(a, b) for a, b in d.clauses()
               if (a, b) != clause and not _still_no(d, a, b, lex) and not _says(d, lex.patterns["negations"], a, b))


def _denied_beside(c: Text, words: Sequence[Token], clauses: Sequence[tuple[int, int]], a: int,
                   about: Sequence[Token], lex: Lexicon) -> bool:
    """Whether a later clause of the same sentence says no about one of the
    draft clause's words: "incluye el desayuno y la cena, pero no las
    bebidas" keeps "bebidas no incl." though its "include" says yes. One
    before it does not: "no pueden viajar en cabina, así que tendrás que
    facturarlo para que vaya en bodega" grants the hold the draft refused."""
    sentence = c.sentence_of(a)
    keys = {t.key for t in about}
    later = [(x, y) for x, y in clauses if c.sentence_of(x) == sentence and x > a]
    return any(_still_no(c, x, y, lex) and any(x <= t.start < y and any(_kin(t.key, k) for k in keys) for t in words)
               for x, y in later)


def _still_no(c: Text, a: int, b: int, lex: Lexicon) -> bool:
    """Whether the rewrite's clause still says no: a negation, a refusal, a
    prohibition, a word that leaves it undone, failed or rare, or one that
    makes it optional ("you don't need a photo" -> "a photo is optional"). A "no"
    inside a condition ("没有补考的话") says nothing is so, and one beside
    "sometimes" says it is so some of the time."""
    p = lex.patterns
    marker = lex.conditions.get("condition")
    # a condition that opens the clause's "no" ("if it doesn't arrive"), not
    # one after it ("不符合要求": 要求 is what is not met)
    first_no = min((x.start() for key in ("negations", "refusals", "post_negations")
                    for x in p[key].finditer(c.folded, a, b)), default=b)
    if (marker is not None and marker.search(c.folded, a, first_no)) or p["condition_before"].search(c.folded, a, b):
        return False
    if p["frequency"].search(c.folded, a, b):
        return False
    return (negative(c.folded[a:b], lex, preserving=False) or _says(c, p["prohibitions"], a, b)
            or _says(c, p["still_negative"], a, b, prefix=True) or _says(c, p["optional_words"], a, b))


def _asks(t: Text, b: int) -> bool:
    """Whether the clause ending at ``b`` is part of a question: its sentence
    ends with a question mark, no ";" or ":" stands between ("Il prestito
    è stato approvato; può caricarla in app?" asserts its first part) and
    no other clause of its own ("we haven't received it, can u check with
    your employer?" asks only its second part; "..., please?" asks)."""
    s_a, s_b = t.sentence_of(b - 1)
    tail = t.folded[b:s_b].rstrip()
    return (tail.endswith(("?", "？")) and not any(ch in tail for ch in ";:；：")
            and len(_GAP_WORDS.findall(tail)) <= _QUESTION_TAIL) or t.folded[s_a:b].lstrip().startswith("¿")


def _says(c: Text, pattern: re.Pattern[str], a: int, b: int, prefix: bool = False) -> bool:
    """Whether ``pattern`` matches in the clause as words of their own: in
    Chinese a match must start and end where the segmenter cuts ("过了" in
    通过了, "前" in 左前大灯 are parts of other words)."""
    return any(_aligned(c, m, prefix) for m in pattern.finditer(c.folded, a, b))


def _just_before(c: Text, pattern: re.Pattern[str], a: int, at: int) -> bool:
    """Whether ``pattern`` matches right before the head at ``at``, at most
    one word between ("Le pedimos que adjunte", "la preghiamo di voler
    allegare", "in the queue to be assigned"); "Please note that order 2231
    has shipped" asks nothing of the shipping."""
    return any(_aligned(c, m) and len(_GAP_WORDS.findall(c.folded, m.end(), at)) <= 1
               for m in pattern.finditer(c.folded, max(a, at - _BEFORE_HEAD), at))


def _aligned(c: Text, m: re.Match[str], prefix: bool = False) -> bool:
    """Whether a match stands as words of its own (see ``_says``), or, with
    ``prefix``, starts one (a "not yet" or "lacking" opens its word: 缺少, 仍然)."""
    if c.lex.word_boundaries:
        return True
    cuts = c.lex.content.cuts(c.low)
    return m.start() in cuts and (prefix or m.end() in cuts)


def _reframes(c: Text, words: Sequence[Token], a: int, b: int, at: int, lex: Lexicon, draft_times: set[str],
              not_yet: bool, needless: bool = False, forbidden: bool = False) -> bool:
    """Whether the clause says the head without asserting it: a question, a
    request, a purpose, a requirement, a condition, a limit or a time of
    its own; for a "not yet", also a future or an expectation. Not when it
    says how often ("only occasionally", 偶尔): that is a yes some of the
    time; nor "only", which restricts the yes, not the no; nor anything but a
    question for an order the draft gives without a condition or a limit
    (``forbidden``): "reset it if needed", "se serve, può scollegarlo",
    如有需要可以拔掉 permit what it forbade, on a condition of their own."""
    p = lex.patterns
    if p["frequency"].search(c.folded, a, b):
        return False
    if forbidden:
        return _asks(c, b)
    if _asks(c, b) or p["instructions"].match(c.low[a:b].lstrip(_LIST_MARKS)):
        return True
    if _just_before(c, p["requests"], a, at) or _just_before(c, p["prospective"], a, at):
        return True
    # the word as the subject of a benefit ("Including your order number will
    # help", "Allegando la fattura potremo", "Al adjuntar la factura")
    if not c.folded[a:at].strip(_LIST_MARKS) or _just_before(c, p["prospective"], a, at):
        if p["gerund"].fullmatch(c.low[at:next((t.end for t in words if t.start == at), at)]):
            return True
    # right after it ("填写一下", "上传后就可以了"): asked for, or a condition
    end = next((t.end for t in words if t.start == at), at)
    if p["after_head"].match(c.folded, end, b):
        return True
    # ... not the head itself, nor a need the draft denied ("you don't need to" -> "you'll need to")
    keys = ("purpose", "otherwise_markers") if needless else ("requirements", "purpose", "otherwise_markers")
    if any(_aligned(c, x) and not x.start() <= at < x.end() for key in keys for x in p[key].finditer(c.folded, a, b)):
        return True
    if any(_says(c, marker, a, b) for group, marker in lex.conditions.items() if group != "restriction"):
        return True
    # the condition in the clause before, in the same sentence ("en cuanto lo firme, la cuenta quedará activa")
    before = c.clause(a - 1) if a > 0 else None
    if before is not None and c.sentence_of(before[0]) == c.sentence_of(a) and _says(
            c, lex.conditions.get("condition", _NEVER), *before):
        return True
    restriction = lex.conditions.get("restriction")
    if any(_aligned(c, m) for m in p["limits"].finditer(c.folded, a, b)
           if restriction is None or not restriction.fullmatch(m.group(0))):
        return True
    timed = any(a <= f.span.start < b and f.kind in _TIMES for f in c.facts)
    if not_yet and timed and (_says(c, p["future"], a, b) or _says(c, p["hedges"], a, b)):
        return True   # "non è ancora partito" -> "partirà il 14 giugno"; not a bare "will be approved"
    return any(a <= f.span.start < b and f.kind in _TIMES and f.key not in draft_times for f in c.facts)
