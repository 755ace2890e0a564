"""Detectors that need the conversation, not just the draft."""

from __future__ import annotations

import re
from functools import lru_cache

from service.checks.context import EMAIL, Context, Detector
from service.domain import Role, Violation
from service.rulebook.model import Rule
from service.textnorm import CJK_CLASS, count_cjk, is_cjk, lower_text

KINDS = ("order", "email", "phone", "name")
_DIGITS = re.compile(r"\d{3,}|@")


def _fact_given(rule: Rule, ctx: Context, kind: str) -> bool:
    if kind == "email":  # no "@", no address: skip the regex, slow on long words
        return "@" in ctx.customer_blob and EMAIL.search(ctx.customer_blob) is not None
    if kind == "name":
        return bool(ctx.name)
    return ctx.any_language_cue(rule, f"given_{kind}", ctx.customer_messages) is not None


# An identifier a customer types: 3+ digits, maybe masked ("138****5521") or with a prefix ("BR-2209").
_RUN = re.compile(r"[\d*](?:[\d*\s-]*[\d*])?")
_PREFIX = re.compile(r"(?:[A-Za-z]{1,4}[-#]?)?#?$")
_CODE = re.compile(r"(?<![\w*#-])[A-Za-z0-9][A-Za-z0-9-]{4,}(?![\w*-])")


def _values(msg: str) -> list[tuple[int, str]]:
    """(start, text) of each identifier-like value in ``msg``: a run of digits
    (and masks, spaces, dashes) with 3+ digits, not inside a word."""
    out = []
    for m in _RUN.finditer(msg):
        value = m.group().rstrip()
        end = m.start() + len(value)
        if sum(map(str.isdigit, value)) < 3:
            continue
        if end < len(msg) and (msg[end].isalnum() or msg[end] in "*_"):
            continue  # "20元", "12abc": an amount or part of a word
        start = m.start()
        prefix = _PREFIX.search(msg, max(0, start - 6), start)
        if prefix:
            start = prefix.start()
        if start > 0 and (msg[start - 1].isalnum() or msg[start - 1] in "*_") and not is_cjk(msg[start - 1]):
            continue
        out.append((start, msg[start:end]))
    # Codes of letters and digits ("tracking 1Z99AB773", "codice fiscale
    # NREFNC58A41H501Z"): one token with 3+ digits and a letter.
    # The runs are in order and don't overlap, so one pointer walks them
    # beside the codes: a scan of every run per code was quadratic, 0.6 s
    # on a maximum-size conversation full of numbers.
    runs, i = list(out), 0
    for m in _CODE.finditer(msg):
        code = m.group()
        while i < len(runs) and runs[i][0] + len(runs[i][1]) <= m.start():
            i += 1
        inside_run = i < len(runs) and runs[i][0] <= m.start()
        if not inside_run and sum(map(str.isdigit, code)) >= 3 and not code.replace("-", "").isdigit():
            out.append((m.start(), code))
    return out


_YEAR = re.compile(r"(?:19|20)\d\d")


def _asks(text: str) -> bool:
    """Whether a message asks something (a question mark, ASCII or full-width)."""
    return "?" in text or "\uff1f" in text
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _given_labels(rule: Rule, ctx: Context) -> list[str]:
    """The names the customer gave their identifiers: "codice cliente 4410923" ->
    "codice cliente", "手机号 138****5521" -> "手机号" (``params.label_stopwords``
    drop "my", "il", "是" around them), each once."""
    stop, cjk_stop = ctx.book.prepared[rule.id]
    return list(_labels_of(ctx.customer_messages, stop, cjk_stop))


# A conversation is read once per request, not once per check of it: the
# draft's check, the fallback's and the accepted answer's all ask. A
# maximum-size conversation dense with numbers costs about 0.1 s to read, and
# three readings were most of the 0.5 s fallback reserve (tests/test_deadlines).
# The strings are the request's own objects, so their hashes are cached.
@lru_cache(maxsize=8)
def _labels_of(messages: tuple[str, ...], stop: frozenset[str], cjk_stop: tuple[str, ...]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for msg in messages:
        for start, value in _values(msg):
            if _YEAR.fullmatch(value.strip()):
                continue  # "a gennaio 2024" names a month, not an identifier
            head = msg[max(0, start - 40):start].rstrip(" :\uff1a#\t")
            cjk_tail = _CJK_TAIL.search(head)
            if cjk_tail:
                run = cjk_tail.group()
                for w in cjk_stop:
                    if run.endswith(w):
                        run = run[: -len(w)]
                run = run[-4:]
                for w in cjk_stop:
                    if run.startswith(w):
                        run = run[len(w):]
                if len(run) >= 2:
                    out[run] = None
                continue
            tail = _CLAUSE_END.split(head)[-1]
            words = _LATIN_WORD.findall(tail.lower())
            while words and words[-1] in stop:   # "player ID is RX-88213", "il codice cliente è 30044871"
                words.pop()
            words = words[-2:]
            while words and words[0] in stop:
                words = words[1:]
            if words and words[-1] not in stop and len("".join(words)) >= 5:
                out[" ".join(words)] = None
    return tuple(out)


_CJK_TAIL = re.compile(f"[{CJK_CLASS}]+$")
_CLAUSE_END = re.compile(r"[.,;!?()\n\u3002\uff0c\uff1b\uff01\uff1f]")


def prepare_labels(rule: Rule) -> tuple[frozenset[str], tuple[str, ...]]:
    """``_given_labels``' stopwords, and the CJK ones longest first, built once at load."""
    stop = frozenset(str(w).lower() for words in (rule.params.get("label_stopwords") or {}).values() for w in words)
    return stop, tuple(w for w in sorted(stop, key=len, reverse=True) if w and is_cjk(w[0]))


# Where one sentence of an earlier message ends.
_SENTENCE_END = re.compile(r"[^.!?\n\u3002\uff01\uff1f]*[.!?\n\u3002\uff01\uff1f]*")
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
# A word is compared by its first letters, so "restart"/"restarting" and
# "router"/"routers" are one; Chinese by its two-character pieces.
_HEAD = 5
# A question is its last clause: "您好，我是小李，请问您的航班号是？"
_CLAUSE_BREAK = re.compile(r"[,;:\uff0c\uff1b\uff1a\u3001]")
# A question repeats an earlier one when it shares at least this many of its
# words (or Chinese pieces), and at least half of them.
_MIN_REPEATED = 2


def _units(sentence: str, stop: set[str]) -> set[str]:
    """What a question asks about: its content words' heads, or (Chinese)
    every two-character piece of its runs of Chinese characters."""
    low = lower_text(sentence)
    units = {w[:_HEAD] for w in _CONTENT_WORD.findall(low) if not is_cjk(w[0]) and w not in stop}
    run = ""
    for ch in low + " ":
        if is_cjk(ch):
            run += ch
            continue
        units.update(run[i:i + 2] for i in range(len(run) - 1))
        run = ""
    return units


def _answered_questions(ctx: Context, stop: set[str], offer: re.Pattern[str] | None) -> list[set[str]]:
    """What the agent already asked in an earlier message that the customer
    wrote after: "Have you tried restarting your router?" -> "Yes, like I
    told you" makes "Did u try restarting the router?" a second asking.
    A question is its last clause ("您好，我是小李，请问您的航班号是？" asks
    only for the flight number); an offer of help ("How can I help?",
    ``cues.offer``) asks for nothing."""
    out: list[set[str]] = []
    replied = False
    for m in reversed(ctx.conversation):
        if m.role is Role.CUSTOMER:
            replied = True
        elif replied:
            for q in _SENTENCE_END.findall(m.text):
                if _asks(q) and not (offer is not None and offer.search(q)):
                    out.append(_units(_CLAUSE_BREAK.split(q)[-1], stop))
    return [u for u in out if len(u) >= _MIN_REPEATED]


def _repeats(sentence: str, earlier: list[set[str]], stop: set[str]) -> bool:
    """Whether ``sentence`` asks again one of the ``earlier`` questions."""
    units = _units(sentence, stop)
    return any(len(units & q) >= _MIN_REPEATED and 2 * len(units & q) >= len(q) for q in earlier)


def run_dont_ask_twice(rule: Rule, ctx: Context) -> list[Violation]:
    """A question in the draft asks for an order number, email, phone or name
    the customer already gave, or asks again what the agent asked before
    and the customer answered."""
    if not ctx.customer_messages and not ctx.customer_name:
        return []
    lang = ctx.language
    ask = rule.cue(lang, "ask")
    out = []
    given: dict[str, bool] = {}
    labels: list[str | re.Pattern[str]] | None = None  # CJK labels as they are, the others as word regexes
    asks = [(kind, cue) for kind in KINDS if (cue := rule.cue(lang, f"ask_{kind}")) is not None]
    earlier: list[set[str]] | None = None
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        if not (sentence.rstrip().endswith(("?", "\uff1f")) or (ask is not None and ask.search(sentence))):
            continue
        if _DIGITS.search(sentence):
            continue  # quotes the fact back to confirm it, which is fine
        if earlier is None:
            earlier = _answered_questions(ctx, ctx.book.prepared[rule.id][0], rule.cue(lang, "offer"))
        if earlier and _repeats(sentence, earlier, ctx.book.prepared[rule.id][0]):
            out.append(ctx.violation(rule, s, e))
            continue
        if labels is None:
            labels = [label if is_cjk(label[0]) else re.compile(rf"\b{re.escape(label)}\b")
                      for label in _given_labels(rule, ctx)]
        low = sentence.lower()
        if any(label in low if isinstance(label, str) else label.search(low) for label in labels):
            out.append(ctx.violation(rule, s, e))
            continue
        for kind, cue in asks:
            if not cue.search(sentence):
                continue
            if kind not in given:
                given[kind] = _fact_given(rule, ctx, kind)
            if given[kind]:
                out.append(ctx.violation(rule, s, e))
                break
    return out


def run_escalation(rule: Rule, ctx: Context) -> list[Violation]:
    """The customer asked for a manager, supervisor or human; the draft refuses or ignores it."""
    pending = False
    for m in ctx.conversation:
        text = m.text
        if m.role.value == "customer":
            if not pending and ctx.any_language_cue(rule, "request", (text,)) is not None:
                pending = True
        elif m.role.value == "agent" and pending:
            if ctx.any_language_cue(rule, "transfer", (text,)) is not None and \
                    ctx.any_language_cue(rule, "refusal", (text,)) is None:
                pending = False
    if not pending:
        return []
    refusal = rule.cue(ctx.language, "refusal")
    if refusal is not None:
        found = list(refusal.finditer(ctx.text))
        if found:
            # the sentence that refuses the manager (cue "target"), not another "we can't"
            target = rule.cue(ctx.language, "target")
            spans = [(s, e) for f in found for s, e in ctx.sentences if s <= f.start() < e]
            aimed = [(s, e) for s, e in spans if target is not None and target.search(ctx.text, s, e)]
            if aimed or spans:
                return [ctx.violation(rule, *(aimed or spans)[0])]
            return [ctx.violation(rule, found[0].start(), found[0].end())]
    transfer = rule.cue(ctx.language, "transfer")
    if transfer is not None and transfer.search(ctx.text):
        return []
    return [ctx.whole(rule)] if ctx.text.strip() else []


def run_empathy(rule: Rule, ctx: Context) -> list[Violation]:
    """The customer was upset and nothing since acknowledged it: not an agent
    message in between (one that only said "let me check" leaves it
    unanswered), nor the draft. The customer's turns since the agent last
    acknowledged a feeling count, newest first and at most
    ``params.lookback_turns`` of them ("I've waited an hour" -> "Lo miro" ->
    "¿Y bien?" is still unanswered). A calm turn ("got it, thanks!") ends the
    look back: the customer has moved on."""
    if not ctx.customer_messages or not ctx.text.strip():
        return []
    turns = int(rule.params.get("lookback_turns", 3))
    for m in reversed(ctx.conversation):
        if m.role is Role.AGENT:
            if ctx.any_language_cue(rule, "empathy", (m.text,)) is not None:
                return []
            continue
        if m.role is not Role.CUSTOMER:
            continue
        if ctx.any_language_cue(rule, "upset", (m.text,)) is not None:
            break
        turns -= 1
        if turns <= 0 or ctx.any_language_cue(rule, "calm", (m.text,)) is not None:
            return []
    else:
        return []
    empathy = rule.cue(ctx.language, "empathy")
    if empathy is not None and empathy.search(ctx.text):
        return []
    return [ctx.whole(rule)]


def run_closing(rule: Rule, ctx: Context) -> list[Violation]:
    """The customer says the issue is solved; the draft neither thanks, nor offers more help, nor says goodbye."""
    if not ctx.trailing_customer or not ctx.text.strip():
        return []
    last = ctx.trailing_customer[-1:]
    if _asks(last[0]):
        return []  # "is it fixed?" asks; it does not say it is
    if ctx.any_language_cue(rule, "resolved", last) is None:
        if not _plain_thanks(rule, ctx, last):
            return []
        # A bare "thanks" answered by a draft that asks something or says
        # what happens next ("will let you know", "lo consulto con
        # administración") thanked a step: the issue is still open.
        if _asks(ctx.text):
            return []
        goes_on = rule.cue(ctx.language, "goes_on")
        if goes_on is not None and goes_on.search(ctx.text):
            return []
        # ...and so did one for an agent's "let me check" ("Verifico subito."
        # -> "Grazie."): the customer thanked the agent for looking, not for a fix.
        agent = next((m.text for m in reversed(ctx.conversation) if m.role is Role.AGENT), "")
        if goes_on is not None and goes_on.search(agent.lower()):
            return []
    for name in ("thanks", "anything_else", "goodbye"):
        cue = rule.cue(ctx.language, name)
        if cue is not None and cue.search(ctx.text):
            return []
    return [ctx.whole(rule)]


def _plain_thanks(rule: Rule, ctx: Context, last: tuple[str, ...]) -> bool:
    """The customer's last message thanks and asks or reports nothing more
    ("Perfetto, grazie!", "Ya lo veo en la app, ¡gracias!"): they confirm it is done."""
    if not last or _asks(last[0]):
        return False
    return ctx.any_language_cue(rule, "thanks", last) is not None and \
        ctx.any_language_cue(rule, "still_open", last) is None


def _stiff(rule: Rule, ctx: Context) -> bool:
    """The reply reads like a formal letter ("we hereby inform you", "con la presente",
    "敬请知悉"): at least ``params.min_stiff`` different formulae of the language's
    ``patterns``, and the customer wrote no such formula themselves."""
    alternation = rule.alternation_for(ctx.language, ctx.lower, ctx.literals(ctx.lower))
    if alternation is None:
        return False
    found = {m.lastgroup for m in alternation.finditer(ctx.lower)}
    if len(found) < int(rule.params.get("min_stiff", 2)):
        return False
    whole = rule.combined[ctx.language][0]
    return whole is None or whole.search(lower_text(ctx.customer_blob)) is None


def _foreign_sentence(rule: Rule, ctx: Context) -> bool:
    """In a reply written in a script without spaces (Chinese), a whole
    sentence of Latin words ("您好，我是小唐。Please bring her ID card to any
    service center.") is in another language, whatever the rest says."""
    if count_cjk(ctx.text) < int(rule.params.get("min_cjk_chars", 4)):
        return False
    least = int(rule.params.get("min_words", 4))
    sentences = (ctx.text[a:b] for a, b in ctx.sentences)
    return any(not count_cjk(s) and len(_LATIN_WORD.findall(s)) >= least for s in sentences)


def run_mirror(rule: Rule, ctx: Context) -> list[Violation]:
    """The reply is confidently in another language than the customer's.

    ``language`` is the customer's language as the caller resolved it (from
    the customer's messages), so normally only the draft is detected, with the
    one lingua detector the rulebook built at load.
    """
    if not ctx.customer_messages:
        return []
    if _stiff(rule, ctx) or _foreign_sentence(rule, ctx):
        return [ctx.whole(rule)]
    text = ctx.text
    sample = text[: int(rule.params.get("sample_chars", 300))]
    cjk = count_cjk(sample)
    words = len(sample.split())
    if cjk < int(rule.params.get("min_cjk_chars", 4)) and words < int(rule.params.get("min_words", 4)):
        return []
    tag, confidence = ctx.book.detector.confidence(sample)
    if tag is None or tag == ctx.language or confidence < float(rule.params.get("min_confidence", 0.9)):
        return []
    # Only on a mismatch (rare), confirm against the customer's own words: the
    # caller's language may be a tenant default while the customer writes in the
    # draft's language.
    recent = " ".join(ctx.trailing_customer or ctx.customer_messages[-3:])
    if ctx.book.detector.detect(recent[-int(rule.params.get("sample_chars", 300)):]) == tag:
        return []
    return [ctx.whole(rule)]


DETECTORS = {
    "repeat-question": Detector(
        run_dont_ask_twice,
        ("cues:ask", "cues:ask_order", "cues:ask_email", "cues:ask_phone", "cues:ask_name",
         "cues:given_order", "cues:given_phone"),
        prepare_labels,
    ),
    "escalation": Detector(run_escalation, ("cues:request", "cues:refusal", "cues:transfer")),
    "empathy": Detector(run_empathy, ("cues:upset", "cues:empathy")),
    "closing": Detector(run_closing, ("cues:resolved", "cues:thanks", "cues:anything_else", "cues:goodbye")),
    "mirror": Detector(run_mirror),
}
