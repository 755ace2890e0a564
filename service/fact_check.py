"""The guard's fact check: every fact of the draft is kept, and no fact is
added that the conversation does not license.

Facts are compared by normalised key (``service/facts``), so harmless
rewording passes: a clock said on a 12-hour dial, a phone regrouped, a
number spelled out or counted by a unit, an ordinal written as a word, a
range written with its unit. Capitalised names are only checked for being
kept, never for being new.
"""

from __future__ import annotations

import re
from typing import Sequence

from service.commitments import (
    commitments_of,
    costs_nothing,
)
from service.domain import Fact, Finding, FindingKind, Span
from service.facts import (
    CJK_DIGITS,
    KIND_LABELS,
    TIME_KINDS,
    Lexicon,
    cjk_number,
    dotted_date,
    duration_key,
    equivalent_keys,
    fold,
    implied_channels,
    share_keys,
)
from service.guard_context import ConversationFacts, Excused
from service.guard_text import Text, negative, neighbours
from service.textnorm import lower_same_length, strip_accents
from service.written_numbers import ordinal_said, step_listed

__all__ = ["clock_of_hours", "counted_values", "empathic", "fact_findings", "spelled"]

# -- facts -------------------------------------------------------------
def fact_findings(d: Text, c: Text, context: "ConversationFacts", excused: "Excused") -> list[Finding]:
    lex = d._lex
    out: list[Finding] = []
    cand_keys = {f.key for f in c.facts}
    # The rewrite's address keeps the draft's word for its channel ("verify
    # your email" -> "verify lee.park@example.com"); the address itself is
    # still a fact of its own.
    cand_said = cand_keys | {k for g in c.facts for k in (*equivalent_keys(g), *implied_channels(g), *share_keys(g))}
    cand_values = counted_values(c, lex)
    carried: set[str] = set()
    seen: set[str] = set()
    for f in d.facts:
        if f.key in seen:
            continue
        seen.add(f.key)
        if _kept(f, cand_said):
            continue
        if f.kind in _TEXTUAL and (_contains(c.low, _inner(f)) or f.kind == "quoted" and _path(_inner(f)) in _path(c.low)):
            continue
        if f.kind == "name" and _spelled_out(f.text, c.low):
            continue  # "IdP" -> "identity provider", "Dept" -> "Department"
        if excused.fact_may_go(f) or (f.kind == "name" and excused.replaced(f.text, c)):
            continue
        if f.kind == "channel" and _beside_contact(d, f) and not _contact_rechanneled(d, c, f):
            continue  # "or email support@acme.com": the address itself is the destination
        if f.kind == "number" and (f.key[2:] in cand_values or spelled(f.key[2:], c, lex)):
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
        if f.kind == "number" and dotted_date(f, lex.word_boundaries) in cand_keys:
            continue  # "12.31前" -> "12月31日前": a Chinese chat writes a date as month.day
        if f.kind == "number" and any(f.key in _hours(g) for g in c.facts if g.kind == "time" and g.key.endswith(":00")):
            continue  # "tra le 8 e le 13" -> "tra le otto e l'una": the rewrite's whole hour (``_hours``, as for new times)
        if costs_nothing(d, f) and any(k.category == "free" for k in commitments_of(c)):
            continue  # "costs 0 EUR" -> "is free"
        if (clocks := clock_of_hours(f, lex)) and any(g.key in clocks for g in c.facts):
            continue  # "check-out hasta 12h" -> "hasta las doce del mediodía"
        if f.kind == "amount" and _currency_carried(c, f.key):
            continue  # "90€ en lugar de 120€" -> "90 euros en vez de 120": one currency for both
        if (value := _unit_kept_apart(f, c, lex)) is not None:
            carried.add(value)
            continue  # "app says 10 min" -> "about 10 more minutes", "300Mbps" -> "300 Mbps"
        if f.kind == "rate" and f.key[len("rate:"):] in lex.rate_units_said(c.folded):
            continue  # "1.500 € al mese" -> "il limite mensile ... 1.500 €"
        if f.kind == "weekday" and _closed_days_said_as_open(d, c, lex):
            continue  # "nn apre sabato e domenica" -> "aperto dal lunedì al venerdì"
        if f.kind == "channel" and _heading(d, f, cand_said):
            continue  # "Pickup is Wed-Sat 10-6" -> "You can collect them Wednesday to Saturday, 10 am to 6 pm"
        out.append(Finding(
            FindingKind.DROPPED_FACT,
            f"The rewrite leaves out the {KIND_LABELS[f.kind]} {_shown(f)} that the draft gives "
            f"(draft characters {f.span.start}-{f.span.end}).",
            f.span))
    draft_keys = {f.key for f in d.facts}
    draft_said = draft_keys | {k for g in d.facts for k in equivalent_keys(g)} | {
        k for g in d.facts for k in (*implied_channels(g), *share_keys(g))}
    seen = set()
    for f in c.facts:
        if f.kind == "name" or f.key in draft_said or f.key in seen:
            continue
        if f.key[:4] in _MOVED_ONLY and not any(k.startswith(f.key[:4]) for k in draft_said):
            continue  # "go same day" -> "go out the same day", "see you this week": only one moved counts
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
        if f.kind == "time" and _time_worked_out(f, d.facts):
            continue  # "13:30, meet 15 min before" -> "meet at 1:15 pm"
        if f.kind == "phone" and _same_phone(f, d.facts):
            continue
        if f.kind in _POINT_KINDS and f.key in context.asked and not any(g.kind in TIME_KINDS for g in d.facts):
            continue  # "pit tickets for the 21 June gig?" + "sold out" -> "sold out for 21 June": what was asked
        if f.kind == "weekday" and f.text.casefold() in lex.weekday_spans and not any(
                g.kind == "weekday" for g in d.facts):
            continue  # "visit this weekend" names no schedule where the draft gives none
        if f.kind == "time" and any(f.key in clock_of_hours(g, lex) for g in d.facts):
            continue
        if f.kind == "time" and any(_clock_reading(g) == f.key for g in d.facts if g.kind == "number"):
            continue
        if f.kind == "date" and any(dotted_date(g, lex.word_boundaries) == f.key for g in d.facts):
            continue
        if f.key in context.keys:
            continue
        if f.kind in _POINT_KINDS and _quoted_from_customer(d, c, f, context, lex):
            continue  # "Il torneo di domenica": the customer's day, quoted in the customer's words
        if f.kind in ("rate", "duration") and (unit := _one_period(f)) and _period_named(d, unit, draft_keys, lex):
            continue  # "billed annually ($144/yr)" -> "once a year", "prima anual" -> "600 euros al año"
        if f.kind == "number" and any(_currency_carried(c, g.key, f) for g in d.facts if g.kind == "amount"):
            continue  # the draft's "120€", its currency said once in the sentence: "90 euros en vez de 120"
        if f.kind == "number" and f.key[2:] in carried:
            continue  # that "10" is the draft's "10 min", said with words between number and unit
        if f.kind == "number" and _names_a_code(c, f, _code_digits(d)):
            continue  # "priorità P2" -> "priorità 2", "T3" -> "Terminal 3"
        if f.kind != "channel" and empathic(c, f.span.start, lex) and f.key in context.said:
            continue  # "I'm sorry it's been two days": the customer's own words, acknowledged
        if f.kind != "channel" and _negated(c, f, lex) and f.key in context.said:
            continue  # "a two-week freeze isn't something we can offer": the customer's request, refused
        seen.add(f.key)
        if f.kind == "quoted" and (_inner(f) in d.low or _inner(f) in context.low
                                   or _path(_inner(f)) in _path(d.low)):
            continue  # "账户中心-设备管理" quoted as “账户中心 → 设备管理”
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


_PERIODS = ("hour", "day", "week", "month", "year")
_ONE_PERIOD = {duration_key("1", None, unit): unit for unit in _PERIODS}


def _one_period(f: Fact) -> str:
    """The period a rate is per ("rate:year" -> "year"), or that a duration
    of exactly one of it spans ("a year", "un mes"); "" otherwise."""
    if f.kind == "rate":
        unit = f.key[len("rate:"):]
        return unit if unit in _PERIODS else ""
    return _ONE_PERIOD.get(f.key, "")


def _period_named(d: Text, unit: str, draft_keys: set[str], lex: Lexicon) -> bool:
    """Whether the draft gives a rate per ``unit`` or names the period by
    its rate word anywhere ("prima anual", "billed annually", "canone
    mensile"), not only right after an amount, where the extractor reads it."""
    if f"rate:{unit}" in draft_keys:
        return True
    words = [w for w, u in lex.rate_words.items() if u == unit]
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", d.low) for w in words)


def _currency_carried(c: Text, amount_key: str, number: Fact | None = None) -> bool:
    """Whether the rewrite writes an amount's value as a bare number
    (``number``, or any of its numbers) in a sentence that gives another
    amount in the same currency: "90 euros en vez de 120", "from $40 to 55",
    "199元降到149" name the currency once for both."""
    _, currency, value = amount_key.split(":", 2)
    for g in ([number] if number is not None else c.facts):
        if g.kind != "number" or g.key != f"n:{value}":
            continue
        a, b = c.sentence_of(g.span.start)
        if any(h.kind == "amount" and h.key.split(":")[1] == currency and a <= h.span.start < b for h in c.facts):
            return True
    return False


def _quoted_from_customer(d: Text, c: Text, f: Fact, context: ConversationFacts, lex: Lexicon) -> bool:
    """Whether a day or hour the rewrite adds is one a customer message
    gives, said back with the word or fact that stood beside it there ("the
    card you lost in Lisbon yesterday", "l'ordine che doveva arrivare
    martedì"), where the draft gives no fact of that kind, and not vouched
    for. A draft with weekdays of its own ("we deliver Monday to Friday")
    may not gain the customer's ("...and on Saturday, as you asked"); and
    "vedo che il reso è stato spedito il 3 marzo" confirms the customer's
    claim as the agent's own finding, which the draft did not."""
    if f.key not in context.said or any(g.kind == f.kind for g in d.facts):
        return False
    if not neighbours(c, f, lex) & context.beside.get(f.key, set()):
        return False
    a, b = c.sentence_of(f.span.start)
    return lex.patterns["vouching"].search(c.folded, a, b) is None


# Kinds compared leniently as text: a name or quoted title is kept when it
# still appears anywhere in the candidate, quotes or capitals aside.
_TEXTUAL = frozenset({"name", "quoted"})


def counted_values(c: Text, lex: Lexicon) -> set[str]:
    """The numbers a text's facts count, which keep a draft's bare number:
    "30" by "30 days", and "3-5 bd" by either end of "3–5 business days"."""
    return {v for g in c.facts if (v := lex.leading_number(g.text))} | {
        end for g in c.facts if g.kind == "duration" for end in _range_ends(g)}


def _range_ends(f: Fact) -> tuple[str, ...]:
    """The two numbers of a range of durations ("dur:5-7:business_day" ->
    "5", "7"); none for a single one."""
    ends = f.key.split(":")[1].split("-") if f.key.count(":") == 2 else []
    return tuple(ends) if len(ends) == 2 else ()


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


# Digits written after letters ("P2", "T3", "L2", "T2取"): a code that names
# its number. Group 1: the code's letters; group 2: its digits.
_CODE_DIGITS = re.compile(r"(?<![\d.,])([^\W\d_]*)(?<=[^\W\d_])(\d+)")
# A number's own word in the rewrite: "Terminal 3", "priorità 2", "level 2".
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s.:#-]*$")


def _code_digits(d: Text) -> dict[str, set[str]]:
    """The numbers the draft writes inside codes that are no fact of their
    own ("priorità P2", "Terminal T3"), each with the code's letters ("p",
    "t"). Digits inside one of the draft's facts ("24m", "3k") are the fact's."""
    if "code_digits" not in d.memo:
        facts = [(f.span.start, f.span.end) for f in d.facts]
        found: dict[str, set[str]] = {}
        for m in _CODE_DIGITS.finditer(d.text):
            if any(a <= m.start() < b for a, b in facts):
                continue
            found.setdefault(str(int(m.group(2))), set()).add(m.group(1).casefold())
        d.memo["code_digits"] = found
    codes: dict[str, set[str]] = d.memo["code_digits"]
    return codes


def _names_a_code(c: Text, f: Fact, codes: dict[str, set[str]]) -> bool:
    """Whether a number the rewrite adds spells out one of the draft's codes
    (``_code_digits``): the word before it starts with the code's letters
    ("P2" -> "priorità 2", "T3" -> "Terminal 3"), or (Chinese) it names an
    item with 号 ("T2" -> "2号航站楼"). Only so: a code's digit is no licence
    for any count ("2FA" does not make "2 attempts" the draft's)."""
    letters = codes.get(f.key[2:])
    if not letters:
        return False
    if c.text.startswith("号", f.span.end):
        return True
    before = _WORD_BEFORE.search(c.text, max(0, f.span.start - 40), f.span.start)
    word = before.group(1).casefold() if before else ""
    return any(code and word.startswith(code) for code in letters)


# Points in time: a customer's asked-about day or hour names what the answer is
# about only where the draft names no day or hour of its own to be moved.
_POINT_KINDS = frozenset({"date", "time", "weekday", "relative_day"})
# Days counted from an event ("the same day") and periods ("this week") a
# rewrite may add where the draft has none of their kind: only a moved one is new.
_MOVED_ONLY = frozenset({"evt:", "per:"})
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


_DIGITAL_CLOCK = re.compile(r"\d[:.：]\d\d")


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
    if lex.clock_digits == "24h" and _DIGITAL_CLOCK.search(f.text):
        return False   # "alle 8:00", "8:00开门": a 24-hour clock's morning
    return not re.match(r"\s*0\d", f.text)


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


def clock_of_hours(f: Fact, lex: Lexicon) -> frozenset[str]:
    """The clock times an "Nh" or "NhMM" duration may mean ("hasta 12h" is
    noon, not twelve hours; "concierto 21h30" is half past nine): N:MM and,
    for N up to 12 where digits may be either half of the day (English), N+12:MM.
    In Spanish or Italian "8h" is the morning: "las 8 de la noche" moves it."""
    m = re.fullmatch(r"dur:(\d+):min", f.key)
    if f.kind != "duration" or not m or not re.search(r"\d\s?h(?:\b|[0-5]\d\b)", f.text.lower()):
        return frozenset()
    h, minutes = divmod(int(m.group(1)), 60)
    if minutes and not re.search(r"\dh[0-5]\d\b", f.text.lower()):
        return frozenset()
    if not 0 < h <= 24:
        return frozenset()
    evening = h < 12 and lex.clock_digits == "12h"
    return frozenset({f"time:{h % 24:02d}:{minutes:02d}", *([f"time:{h + 12:02d}:{minutes:02d}"] if evening else [])})


def empathic(t: Text, pos: int, lex: Lexicon) -> bool:
    """Whether the clause holding ``pos`` acknowledges how the customer
    feels ("that's a stressful way to start a trip", "祝您考试顺利"). Only
    the clause: "sorry for the wait: the restaurant had a rush" is an
    apology followed by an invented cause."""
    a, b = t.clause(pos)
    return bool(lex.patterns["empathy"].search(t.folded, a, b))


_CONTACT_KINDS = frozenset({"email", "phone", "url"})


def _heading(d: Text, f: Fact, cand_said: set[str]) -> bool:
    """Whether a channel word only heads its clause ("Pickup is Wed-Sat
    10-6", "Saldo dispuesto a 30/09: 1.245,60€"): it opens the clause,
    the clause gives other facts, and the rewrite keeps every one of them,
    so what the word named is said in full ("you can collect them
    Wednesday to Saturday"). A channel said after a preposition ("sent by
    email") is where something goes, and is never a heading."""
    a, b = d.clause(f.span.start)
    if d.folded[a:f.span.start].strip(" \t\n.!?;,:。！？；，、…-•*"):
        return False
    others = [g for g in d.facts if a <= g.span.start < b and g is not f and g.kind != "channel"]
    return bool(others) and all(_kept(g, cand_said) for g in others)


def _kept(f: Fact, said: set[str]) -> bool:
    """Whether the other text says ``f``: its key, or every one of its equivalent keys."""
    same = equivalent_keys(f)
    return f.key in said or (bool(same) and same <= said)


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


def spelled(value: str, t: Text, lex: Lexicon) -> bool:
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


def _time_worked_out(f: Fact, draft_facts: Sequence[Fact]) -> bool:
    """Whether a rewrite's time is one of the draft's times moved by one of
    its durations in minutes or hours ("appt 8:45, arrive 15 min early" ->
    "arrive at 8:30"; "starts 18:00, check-in closes 30 min before" ->
    "closes at 5:30 pm"): the rewrite did the sum the customer would do.
    Only the draft's own two facts ground it; any other time is new."""
    m = _TIME_KEY.fullmatch(f.key)
    if not m:
        return False
    said = int(m.group(1)) * 60 + int(m.group(2))
    spans = {int(g.key.split(":")[1]) for g in draft_facts
             if g.kind == "duration" and g.key.endswith(":min") and g.key.split(":")[1].isdigit()}
    for g in draft_facts:
        n = _TIME_KEY.fullmatch(g.key)
        if n and abs(said - (int(n.group(1)) * 60 + int(n.group(2)))) in spans:
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


def _shown(f: Fact) -> str:
    """The fact in quotes for a message, without doubling a quoted name's own."""
    return f.text if f.kind == "quoted" else f'"{f.text}"'


def _inner(f: Fact) -> str:
    """A name's text as the texts are searched: folded, lower case, unquoted."""
    return lower_same_length(fold(f.text[1:-1].strip() if f.kind == "quoted" else f.text))


# What separates the steps of a menu path: "Ayuda > Compras", "账户中心-设备管理", "A → B".
_PATH_SEPARATORS = re.compile(r"[\s\-–—>›»→/|·'\"“”‘’「」『』«]+")


def _path(low: str) -> str:
    """A text with its path separators and quotes gone, so a menu path
    written with other separators is the same path."""
    return _PATH_SEPARATORS.sub("", strip_accents(low))


def _contains(haystack_low: str, needle_low: str) -> bool:
    """Substring test that ignores diacritics ("Gran Via" is kept by "Gran Vía")."""
    return needle_low in haystack_low or strip_accents(needle_low) in strip_accents(haystack_low)
