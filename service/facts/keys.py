"""Fact keys: the normal forms that make "$4.99" and "4.99 USD" one fact
(amounts, durations, clock times, Chinese numerals), independent of any
language's word lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

from service.textnorm import LATIN_WORD_CHAR
from service.domain import Fact
from service.regex_guard import case_blind_trie


DEFAULT_GUARD_DIR = Path(__file__).resolve().parent.parent.parent / "prompts" / "guard"

# Kinds that describe a point or stretch of time: a deadline is one of these
# preceded by "by", "entro", "antes del" or followed by "前".
TIME_KINDS = frozenset({"weekday", "date", "time", "duration", "relative_day"})

KIND_LABELS = {
    "url": "link", "email": "email address", "phone": "phone number", "date": "date",
    "time": "time", "amount": "amount", "percentage": "percentage", "duration": "duration",
    "weekday": "weekday", "relative_day": "day", "id": "reference number",
    "number": "number", "quoted": "quoted name", "name": "name", "channel": "channel or destination",
    "measure": "measurement", "rate": "rate",
}

_ASCII_WORD = r"A-Za-z0-9_"
CJK_DIGITS = "零〇一二两三四五六七八九十百千万"
_MIDNIGHT_NUMERALS = frozenset({"零", "〇"})   # "零点" means midnight, never "a bit"
_CJK_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CJK_MULTIPLIERS = {"万": 10000, "亿": 100000000}  # "2万" = 20000
# "v4.2", and "2.3.1" when its groups are not thousands ("1.245.600" is a number)
_VERSION = re.compile(r"(?<![A-Za-z0-9.,])(?:[vV](\d+(?:\.\d+)+)|(\d+(?:\.\d+){2,}))(?![\d]|[.,]\d)")
# "40x30x20", "2x2in": a sentence's full stop or a unit may follow
_DIMENSIONS = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s?[x×]\s?\d+(?:[.,]\d+)?)+(?!\d|[.,]\d)")
# A list marker: "1)" or "(2)" anywhere, "3." at the start of a line.
# After a colon only when no digit precedes it: "steps: 1) ..." is a marker,
# the "00)" of "pick-up (16:00) at the gate" is the end of a time.
_ENUMERATOR = re.compile(r"(?:(?<=[\s;(])|(?<=\D:)|^)\(?\d{1,2}\)(?=\s)|^[ \t]*\d{1,2}\.(?=\s)", re.M)
# A numbered step inside a sentence run ("Para la analítica: 1. Venga en
# ayunas. 2. Traiga el bote.", "步骤：1.关机 2.开机"): a candidate, kept only
# in a run that counts 1, 2, ... (inline_enumerators).
_INLINE_STEP = re.compile(r"(?:(?<=[:：.!?。！？;；] )|(?<=[:：。！？；])|^)(\d{1,2})[.、](?=\s*[^\W\d_])")


def inline_enumerators(text: str) -> list[tuple[int, int]]:
    """Where the numbered steps of an inline list stand: a run of step
    numbers that counts 1, 2, ... (at least two), so that "Total: 5. Thanks"
    keeps its 5 and "1. fast 8 h. 2. bring the sample." loses no fact but
    the step numbers, which only say the order."""
    found = [(int(m.group(1)), m.start(), m.end()) for m in _INLINE_STEP.finditer(text)]
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    expected = 1
    for n, a, b in found:
        if n == expected:
            run.append((a, b))
            expected += 1
            continue
        if len(run) >= 2:
            out += run
        run, expected = ([(a, b)], 2) if n == 1 else ([], 1)
    if len(run) >= 2:
        out += run
    return out


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DIGIT = re.compile(r"\d")
_NEVER = re.compile(r"\d(?<!\d)")   # starts with a digit: re skips a text without one in C
_TLDS = "com|org|net|io|co|it|es|cn|uk|de|fr|eu|info|biz|app|dev|help|shop|mx|ar"
# An item of a list: a line opening with a marker ("1.", "2)", "-", "•", "*").
_LIST_ITEM = re.compile(r"^[ \t]*(?:\(?(\d{1,2})[.)]|[-•*·])(?=\s)", re.M)


def list_items(text: str) -> list[tuple[int | None, int, int]]:
    """The items of the lists in ``text``, in order: the number a numbered
    item carries (None for a bullet), and where its line starts and ends;
    "1 tieni premuto 2 aspetta" written as a list."""
    out: list[tuple[int | None, int, int]] = []
    for m in _LIST_ITEM.finditer(text):
        end = text.find("\n", m.end())
        out.append((int(m.group(1)) if m.group(1) else None, m.end(), len(text) if end < 0 else end))
    return out


# Durations compare in one base unit per scale, so "2 weeks" = "14 days",
# "24 hours" = "1 day" and "24 months" = "2 years".
_DURATION_BASE = {"minute": ("min", 1), "hour": ("min", 60), "day": ("min", 1440), "week": ("min", 10080),
                  "month": ("month", 1), "year": ("month", 12)}


# The last hour a "night" qualifier reads before dawn ("3 at night" is 03:00).
_LAST_SMALL_HOUR = 5


def _clock_key(h: int, mins: int, half: str | None) -> str | None:
    """"time:HH:MM" on a 24-hour clock; None for an impossible time.

    "evening" is the afternoon's second half ("le 5 di sera" is 17:00);
    "night" is the evening half where 12 is midnight, not noon ("晚上12点",
    "le 12 di notte", "12 at night"), and its small hours stay before dawn
    ("le 2 di notte", "夜里2点" are 02:00); "24:00" is midnight too."""
    if half == "night" and h <= _LAST_SMALL_HOUR:
        half = "am"
    if half in ("pm", "evening", "night") and h < 12:
        h += 12
    elif half in ("am", "evening", "night") and h == 12:
        h = 0
    if h > 24 or mins > 59 or (h == 24 and mins):
        return None
    return f"time:{h % 24:02d}:{mins:02d}"


def duration_key(a: str, b: str | None, unit: str) -> str:
    """The normalised key of a duration or a range of durations."""
    base, factor = _DURATION_BASE.get(unit, (unit, 1))

    def scaled(v: str) -> str:
        try:
            return format((Decimal(v) * factor).normalize(), "f")
        except InvalidOperation:
            return v
    return f"dur:{scaled(a)}" + (f"-{scaled(b)}" if b else "") + f":{base}"


DAY_KEY = duration_key("1", None, "day")

# Measurements compare in one base unit per scale, so "2,5 t" = "2.500 kg",
# "1.5 km" = "1500 m" and "0.5 l" = "500 ml". Units with no entry (inches,
# mAh, GB: whose 1 GB is 1000 or 1024 MB depends on the writer) compare as
# written.
_MEASURE_BASE = {"kg": ("g", Decimal(1000)), "t": ("g", Decimal(1000000)), "mg": ("g", Decimal("0.001")),
                 "km": ("m", Decimal(1000)), "cm": ("m", Decimal("0.01")), "mm": ("m", Decimal("0.001")),
                 "ml": ("l", Decimal("0.001")), "cl": ("l", Decimal("0.01")), "kw": ("w", Decimal(1000)),
                 # data rates are bits a second, a thousand to the step ("1 Gbps" = "1000 Mbps")
                 "gbps": ("mbps", Decimal(1000)), "kbps": ("mbps", Decimal("0.001"))}


def measure_key(value: str, unit: str) -> str:
    """The normalised key of a measurement: its value in the scale's base unit."""
    base, factor = _MEASURE_BASE.get(unit, (unit, Decimal(1)))
    try:
        scaled = format((Decimal(value) * factor).normalize(), "f")
    except InvalidOperation:
        return f"meas:{value}:{unit}"
    return f"meas:{scaled}:{base}"


# An address names its channel: a phone number is the phone, an email address
# the email, a link the website ("call +44 20 7946 0958" -> "call us on ...").
_CHANNEL_OF_KIND = {"phone": ("chan:phone",), "email": ("chan:email",),
                    # a link is the website, and what is done there is done online
                    "url": ("chan:website", "chan:online_form")}


_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
# a token that ends in a clock time: "10:30", "11pm", "8am-8pm"
_CLOCK_TOKEN = re.compile(r"(?:\d:\d\d|\d\s?[ap]\.?m\.?)$")
_PLURAL_NUMBER = re.compile(r"\d{2,4}s")
# An English ordinal: "28th", "21st", "102nd" (the digits, then their suffix)
_ORDINAL_NUMBER = re.compile(r"\d*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)", re.IGNORECASE)


# A number with a "k" for thousands, as chat writes money and counts ("3k", "2,5k")
_THOUSANDS = re.compile(rf"(?<!{LATIN_WORD_CHAR})(?<![.,])(\d+(?:[.,]\d+)?)[kK](?!{LATIN_WORD_CHAR})")


def _tenths_off(value: str) -> str | None:
    """The percentage off that a Chinese discount in tenths of the price
    names: "8折" (pay 8 tenths) is 20% off, "9.5折" and "95折" are 5% off."""
    try:
        paid = Decimal(value)
    except InvalidOperation:
        return None
    paid = paid * 10 if paid < 10 else paid
    if not 0 < paid < 100:
        return None
    return format((100 - paid).normalize(), "f")


def equivalent_keys(f: Fact) -> frozenset[str]:
    """Other keys the same fact may be written as, each of which must be
    there for the fact to count as said: a range's two ends ("from one to
    three months" = "min 1 month, max 3"), and "24h" both as "always open"
    and as a day ("se anula en 24h" = "en 24 horas")."""
    if f.kind == "duration":
        head, _, unit = f.key.rpartition(":")
        ends = head[len("dur:"):].split("-")
        if len(ends) == 2:
            return frozenset(f"dur:{e}:{unit}" for e in ends)
    if f.key == "chan:always_open" and "24" in f.text:
        return frozenset({DAY_KEY})
    if f.kind == "phone" and (m := _number_range(f.text)):
        return frozenset({f"n:{m.group(1)}", f"n:{m.group(2)}"})
    return frozenset()


_SLASH_DAY_MONTH = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?")


# A writer who puts the month first: an American "2:30pm" or "$40"; the
# rest of the English-writing world (a "15:30", "06:45", "£40", or no clue
# at all) writes the day first.
_TWELVE_HOUR_CLOCK = re.compile(r"\d\s?[ap]\.?m\b", re.IGNORECASE)


def writes_day_first(facts: Sequence[Fact]) -> bool:
    """Whether a text in a month-first language (US English) may mean its
    "09/04" as 9 April: unless its writer shows the month-first convention
    (dollars, a 12-hour clock, a date like "03/15"), either reading is the
    writer's, and a rewrite that writes every date out one way keeps them."""
    if any(f.key.startswith("amt:USD:") for f in facts):
        return False   # "$40 ... at 14:02": a dollar says month first whatever the clock
    if any(f.kind == "time" and _TWELVE_HOUR_CLOCK.search(f.text) for f in facts):
        return False   # "Thu 6/12 at 2:30pm"
    return not any(f.kind == "date" and (m := _SLASH_DAY_MONTH.fullmatch(f.text.strip())) and int(m.group(2)) > 12
                   for f in facts)   # "pick up on 03/15": the draft itself writes the month first


_MONTH_DOT_DAY = re.compile(r"(1[0-2]|0?[1-9])\.(3[01]|[12]\d|0?[1-9])")


def dotted_date(f: Fact, word_boundaries: bool) -> str | None:
    """The date a Chinese chat writes as month.day ("12.31", "4.14周一"),
    which the extractor reads as a decimal number; None for any other number
    or language (an Italian "14.11" is a time or a decimal)."""
    m = _MONTH_DOT_DAY.fullmatch(f.text) if f.kind == "number" and not word_boundaries else None
    return f"date:{int(m.group(1))}-{int(m.group(2))}" if m else None


def other_readings(f: Fact) -> frozenset[str]:
    """Keys the same words may mean instead of ``f.key``, any one of which
    says the fact: "09/04" is 9 April or September 4, and the language's
    date order picks one only as a guess. Asked only of a draft whose writer
    shows the other order (``writes_day_first``: a clinic in London writes
    "15:30" and "£40", then "9 April"). A rewrite that writes the draft's
    date out in either reading keeps it; a third date is still another date."""
    if f.kind != "date":
        return frozenset()
    m = _SLASH_DAY_MONTH.fullmatch(f.text.strip())
    if not m or int(m.group(1)) > 12 or int(m.group(2)) > 12 or m.group(1).lstrip("0") == m.group(2).lstrip("0"):
        return frozenset()
    *year, month, day = f.key[len("date:"):].split("-")
    return frozenset({"date:" + "-".join([*year, day, month])})


# Two digit groups of one length, joined by a dash.
_NUMBER_RANGE = re.compile(r"(\d{3,})\s?[-–]\s?(\d{3,})")


def _number_range(text: str) -> re.Match[str] | None:
    """A phone-shaped pair that counts up, "20121-20149" (the postcodes a
    shop delivers to), is also a range: its two ends may be written apart
    ("dal 20121 al 20149"). A phone number's groups differ in length or
    do not count up ("555-0199")."""
    m = _NUMBER_RANGE.fullmatch(text)
    return m if m and len(m.group(1)) == len(m.group(2)) and int(m.group(1)) < int(m.group(2)) else None


def implied_channels(f: Fact) -> tuple[str, ...]:
    """The channels an address names, one way only: a draft's phone number
    grounds the rewrite's "call us", but "call us" doesn't keep the number."""
    return _CHANNEL_OF_KIND.get(f.kind, ())


def share_keys(f: Fact) -> tuple[str, ...]:
    """The same share said the other way: "half of the fee" (0.5) is "50% of
    the fee", and back. Both ways, unlike ``implied_channels``: a share is one
    value however it is written."""
    kind, _, value = f.key.partition(":")
    if kind not in ("pct", "n") or (kind == "n" and f.kind != "number"):
        return ()
    try:
        number = Decimal(value)
    except InvalidOperation:
        return ()
    if kind == "pct" and 0 < number < 100:
        return ("n:" + format((number / 100).normalize(), "f"),)
    if kind == "n" and 0 < number < 1:
        return ("pct:" + format((number * 100).normalize(), "f"),)
    return ()


def _plus(value: str, more: Decimal | None) -> str:
    """``value`` + ``more`` in canonical form; ``value`` as it is when either isn't a number."""
    try:
        return value if more is None else format((Decimal(value) + more).normalize(), "f")
    except InvalidOperation:
        return value


def _alt(words: Iterable[str]) -> str:
    """Literal alternation, longest first so "business days" beats "days";
    an empty list matches nothing (not the empty string).

    Written as a trie ("one|once" -> "on(?:ce|e)"): re tries every branch of
    a flat list at every word, and the number words alone are hundreds. The
    matches are the flat list's: the words that fit at a position are
    prefixes of one another, and the trie too tries the longest first. Where
    two branches of a node are one letter ignoring case, it can't tell which
    is longer, so the flat list is kept."""
    if not words:
        return r"(?!x)x"
    body = case_blind_trie(words)
    return body if body is not None else "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CHAT_DIGIT_CONTEXT = re.compile(r"[\d.,$€£%]")   # a digit or currency right before: part of a number


def _chat_digit(folded: str, start: int, end: int, numbered: frozenset[str]) -> bool:
    """A lone digit between two words, the next one not a plural noun and
    the one before not a noun that takes a number ("want 2 cancel", "thx 4
    waiting", "no access 2 bldg"; not "2 photos", "gate 4", "step 2")."""
    before = re.search(r"([A-Za-z]+) $", folded[max(0, start - 30):start])
    after = re.match(r" ([a-z]+)", folded[end:end + 30])
    return bool(before and after and not after.group(1).endswith("s")
                and before.group(1).lower() not in numbered)


def cjk_number(s: str) -> int | None:
    """Parse a simple Chinese numeral ("二十四", "两", "十五") into an int."""
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CJK_VALUES:
            digit = _CJK_VALUES[ch]
        elif ch in _CJK_UNITS:
            unit = _CJK_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)

