"""Fact extraction and normalisation for the honesty guard.

A rewrite must keep every fact of the draft and add none, so both texts are
reduced to sets of normalised keys: "$4.99" and "4.99 USD" both become
``amt:USD:4.99``, "two weeks" and "2 weeks" both ``dur:2:week``, "12 March" and
"March 12" both ``date:3-12``. Comparing keys, not strings, is what lets a
rewrite reword freely while a changed digit still shows.

Everything language-specific (number words, weekday and month names, currency
words, duration units, commitment/refusal patterns used by the guard) is data
in ``prompts/guard/<lang>.yaml``, loaded and compiled once per process.
Matching runs on a *folded* copy of the text where each code point is replaced
by its NFKC form when that form is a single code point (full-width digits and
punctuation become ASCII), so indices of the folded text are indices of the
original and spans are reported in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from service.content import ContentLexicon, load_content_lexicon
from service.datafile import DataFileError, load_model
from service.textnorm import CJK_CLASS, LATIN_WORD_CHAR, fold, strip_accents
from service.domain import Fact, Span
from service.guard_schema import CompoundNumbersDoc, LexiconDoc
from service.regex_guard import case_blind_trie, first_char_guarded, needs_digit, phrase_alternation, word_lookbehinds

DEFAULT_GUARD_DIR = Path(__file__).resolve().parent.parent / "prompts" / "guard"

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
_ENUMERATOR = re.compile(r"(?:(?<=[\s:;(])|^)\(?\d{1,2}\)(?=\s)|^[ \t]*\d{1,2}\.(?=\s)", re.M)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DIGIT = re.compile(r"\d")
_NEVER = re.compile(r"\d(?<!\d)")   # starts with a digit: re skips a text without one in C
_TLDS = "com|org|net|io|co|it|es|cn|uk|de|fr|eu|info|biz|app|dev|help|shop|mx|ar"


# Durations compare in one base unit per scale, so "2 weeks" = "14 days",
# "24 hours" = "1 day" and "24 months" = "2 years".
_DURATION_BASE = {"minute": ("min", 1), "hour": ("min", 60), "day": ("min", 1440), "week": ("min", 10080),
                  "month": ("month", 1), "year": ("month", 12)}


def _clock_key(h: int, mins: int, half: str | None) -> str | None:
    """"time:HH:MM" on a 24-hour clock; None for an impossible time.

    "night" is the evening half where 12 is midnight, not noon ("晚上12点",
    "le 12 di notte", "12 at night"); "24:00" is midnight too."""
    if half in ("pm", "night") and h < 12:
        h += 12
    elif half in ("am", "night") and h == 12:
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


# An address names its channel: a phone number is the phone, an email address
# the email, a link the website ("call +44 20 7946 0958" -> "call us on ...").
_CHANNEL_OF_KIND = {"phone": "chan:phone", "email": "chan:email", "url": "chan:website"}


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
    return frozenset()


def implied_channel(f: Fact) -> str | None:
    """The channel an address names, one way only: a draft's phone number
    grounds the rewrite's "call us", but "call us" doesn't keep the number."""
    return _CHANNEL_OF_KIND.get(f.kind)


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


@dataclass
class Lexicon:
    """One language's guard data, with every regex compiled."""

    language: str
    file: Path
    decimal: str
    number_words: dict[str, int]
    ordinal_words: dict[str, int]
    weekdays: dict[str, int]
    day_words: dict[str, int]   # a day of the month said as a word: "primo gennaio"
    minute_phrases_before: dict[str, int]   # minutes said before the hour: "a quarter to" = -15
    relative_days: dict[str, int]
    months: dict[str, int]
    currencies: dict[str, str]
    duration_units: dict[str, str]
    # the unit of a rate after an amount or a count ("€8/month", "€8 a month",
    # "€8 monthly", "twice per week") is a fact, and "a month" there is that
    # rate, not a month's duration
    rate_words: dict[str, str]
    rate_markers: frozenset[str]
    am_pm: dict[str, str]
    time_prefixes: dict[str, str]
    # Spelled-out times and durations: "di sera" / "de la tarde" (pm),
    # "mezzogiorno" (12:00), "mezz'ora" (30 minutes).
    day_parts: dict[str, str]
    clock_words: dict[str, str]
    minute_phrases: dict[str, int]
    duration_phrases: dict[str, int]
    # "and a half", "e mezzo", "y medio": half a unit more after any number
    # ("dos y medio por ciento", "due chili e mezzo")
    half_after: tuple[str, ...]
    fraction_prefixes: dict[str, int]
    # "a", "un": number words that are also articles ("a hundred" is not 1)
    articles: frozenset[str]
    # "half", "metà", "一半": 0.5 said as a word ("half of the order total")
    fraction_words: dict[str, float]
    weekday_initials: dict[str, int]
    # Digits that chat speak uses as words ("2" = to, "4" = for), when they
    # stand between two words
    chat_digits: frozenset[str]
    numbered_nouns: frozenset[str]
    name_stopwords: frozenset[str]
    titles: frozenset[str]   # abbreviated titles whose full stop ends no sentence: "mrs", "sra"
    not_facts: frozenset[str]
    topic_stopwords: frozenset[str]
    word_boundaries: bool
    patterns: dict[str, re.Pattern[str]]
    commitments: dict[str, re.Pattern[str]]
    quote_patterns: list[re.Pattern[str]]
    channels: dict[str, str]
    measure_units: dict[str, str]
    date_order: str
    # Condition markers by group ("condition": if/unless..., "restriction":
    # only..., "time_limit": within/after...): a draft's condition must
    # survive as a marker of the same group.
    conditions: dict[str, re.Pattern[str]]
    content: ContentLexicon

    # -- numbers -----------------------------------------------------------
    def value(self, token: str) -> str:
        """Canonical string of a number token (digits, number word or CJK)."""
        t = " ".join(token.lower().split())
        for half in self.half_after:
            if t.endswith(" " + half):
                return _plus(self.value(t[:-len(half) - 1]), Decimal("0.5"))
        if len(t) > 1 and t[-1] == "k" and t[0].isdigit() and self.word_boundaries:
            return format((Decimal(self._digits_value(t[:-1])) * 1000).normalize(), "f")
        if t and t[-1] in _CJK_MULTIPLIERS and t[0].isdigit():
            base = Decimal(self._digits_value(t[:-1]))
            return format((base * _CJK_MULTIPLIERS[t[-1]]).normalize(), "f")
        if t in self.number_words:
            return str(self.number_words[t])
        if t and t[0].isdigit():
            return self._digits_value(t)
        n = cjk_number(t)
        return str(n) if n is not None else t

    def _digits_value(self, s: str) -> str:
        dec = self.decimal
        th = "," if dec == "." else "."
        if dec in s and th in s:
            if s.rfind(dec) > s.rfind(th):
                s = s.replace(th, "")
            else:  # written the other way round; trust the last separator
                s = s.replace(dec, "").replace(th, dec)
        if th in s:
            groups = s.split(th)
            if all(len(g) == 3 for g in groups[1:]):
                s = s.replace(th, "")
            else:
                s = s.replace(th, dec)
        if s.count(dec) > 1:
            s = s.replace(dec, "")
        if dec not in s:
            # Integers verbatim ("00552" stays an ID-like number), but a day or
            # an hour written "05" is 5.
            return s.lstrip("0") or "0" if len(s) <= 2 else s
        try:
            d = Decimal(s.replace(dec, "."))
        except InvalidOperation:
            return s
        return format(d.normalize(), "f")

    def leading_number(self, text: str) -> str:
        """The canonical value of the first number a fact is written with:
        "30 días" -> "30", "seis meses" -> "6", "两张" -> "2"; "" if none."""
        m = _NUMBER.search(text)
        if m:
            return self.value(m.group(0))
        # Number words longest first ("thirty-five", "treinta y cinco"); an
        # article ("a hundred") is no number of its own.
        for w in self.patterns["number_token"].finditer(text.lower()):
            if w.group(0) not in self.articles:
                return self.value(w.group(0))
        return ""

    # -- extraction --------------------------------------------------------
    @cached_property
    def _digitless_patterns(self) -> dict[str, re.Pattern[str]]:
        """``patterns`` for a text without a digit (most chat messages): the
        ones that need a digit are swapped for one that scans such a text in
        re's C loop and never matches."""
        return {k: _NEVER if needs_digit(rx.pattern, rx.flags) else rx for k, rx in self.patterns.items()}

    def mask_not_negations(self, segment: str) -> str:
        """Blank out phrases that look negative but say yes ("no problem", "没问题")."""
        rx = self.patterns["not_negations"]
        return rx.sub(lambda m: " " * len(m.group(0)), segment)

    def extract(self, text: str) -> list[Fact]:
        folded = fold(text)
        taken = bytearray(len(text))
        facts: list[Fact] = []

        def claim(kind: str, key: str, start: int, end: int) -> None:
            if start >= end or any(taken[start:end]):
                return
            raw = text[start:end]
            if raw.casefold() in self.not_facts:
                return
            taken[start:end] = b"\x01" * (end - start)
            facts.append(Fact(kind=kind, key=key, text=raw, span=Span(start, end)))

        # Absolute intensifiers ("garantito al 100%") and list markers ("1)",
        # "2." at the start of an item) are wording, not facts.
        # They are hidden from the fact patterns too, so that a fact right
        # before them ("555-0142 100% sure") is matched on its own instead of
        # as one run that overlaps the wording and is then thrown away whole.
        for rx in (self.patterns["absolute"], _ENUMERATOR):
            for m in list(rx.finditer(folded)):
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
                folded = folded[:m.start()] + "\x00" * (m.end() - m.start()) + folded[m.end():]

        p = self.patterns if _DIGIT.search(folded) or _DIGIT.search(text) else self._digitless_patterns
        for m in p["email"].finditer(folded):
            claim("email", "email:" + m.group(0).lower(), m.start(), m.end())
        for m in p["url"].finditer(folded):
            raw = m.group(0).rstrip(".,;:!?)]}")
            key = re.sub(r"^(?:https?://)?(?:www\.)?", "", raw.lower()).rstrip("/")
            claim("url", "url:" + key, m.start(), m.start() + len(raw))
        for m in p["date_ymd_slash"].finditer(folded):
            y, mo, d = m.group("y"), int(m.group("m")), int(m.group("d"))
            claim("date", f"date:{y}-{mo}-{d}", m.start(), m.end())
        for m in p["date_iso"].finditer(folded):
            y, mo, d = m.group("y"), int(m.group("m")), int(m.group("d"))
            claim("date", f"date:{y}-{mo}-{d}", m.start(), m.end())
        # Channels are literal phrases; before dates and durations so that
        # "24/7" and "24 ore su 24" are "always open", not a date or a duration.
        for m in p["channel"].finditer(folded):
            value = self.channels[re.sub(r"\s+", " ", m.group(0).lower())]
            # A time-zone abbreviation is one only in capitals ("EST", "PT"):
            # "est. read" is an estimate, "pt" a point.
            if value.startswith("tz_") and m.group(0).isalpha() and len(m.group(0)) <= 4 \
                    and not text[m.start():m.end()].isupper():
                continue
            claim("channel", "chan:" + value, m.start(), m.end())
        for m in p["date_slash"].finditer(folded):
            claim("date", self._slash_date_key(m.group(0)), m.start(), m.end())
        for m in p["phone"].finditer(folded):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            seps = set(re.sub(r"[\d]", "", raw))
            if len(digits) >= 7 and (raw.startswith("+") or seps - {".", ","}):
                claim("phone", "n:" + digits, m.start(), m.end())
        for m in p["date_named"].finditer(folded):
            g = m.groupdict()
            mo = self.months[(g["mo1"] or g["mo2"]).lower()]
            y = g["y1"] or g["y2"]
            ends = [(m.start(), m.end(), g["d1"] or g["d2"])]
            if g["d0"]:   # "1 al 10 settembre": the first day, then the rest
                ends = [(m.start("d0"), m.end("d0"), g["d0"]), (m.start("d1"), m.end(), g["d1"])]
            elif g["d3"]:   # "June 1-10": the month and first day, then the last day
                ends = [(m.start(), m.end("d2"), g["d2"]), (m.start("d3"), m.end(), g["d3"])]
            days = [(start, end, self.day_words.get(day.lower()) or int(day)) for start, end, day in ends]
            if all(1 <= day <= 31 for _, _, day in days):
                for start, end, day in days:
                    claim("date", f"date:{y + '-' if y else ''}{mo}-{day}", start, end)
        if "date_cjk" in p:
            for m in p["date_cjk"].finditer(folded):
                year = m.group("y")
                prefix = f"date:{self.value(year) + '-' if year else ''}{self.value(m.group('m'))}-"
                if m.group("d2"):
                    claim("date", prefix + self.value(m.group("d")), m.start(), m.start("sep"))
                    claim("date", prefix + self.value(m.group("d2")), m.start("d2"), m.end())
                else:
                    claim("date", prefix + self.value(m.group("d")), m.start(), m.end())
            # "2027年3月", "2027年", "3月": a year and/or a month, not durations.
            for m in p["date_cjk_partial"].finditer(folded):
                year, month = m.group("y"), m.group("m") or m.group("m2")
                claim("date", f"date:{year or ''}-{self.value(month) if month else ''}-", m.start(), m.end())
        if "time_range_cjk" in p:
            for m in p["time_range_cjk"].finditer(folded):
                self._claim_cjk_range(m, claim)
        if "time_range" in p:   # "4-9pm", "7-10:30": the first end takes the second's form
            for m in p["time_range"].finditer(folded):
                self._claim_range(m, claim)
        if "time_spelled_before" in p:   # "ten past 3 pm": before "3 pm" is read alone
            for m in p["time_spelled_before"].finditer(folded):
                self._claim_spelled_time(m, claim)
        for name in ("time_colon", "time_ampm", "time_cue", "time_cjk"):
            if name in p:
                for m in p[name].finditer(folded):
                    self._claim_time(m, claim)
        for name in ("time_spelled", "time_spelled_part"):
            if name in p:
                for m in p[name].finditer(folded):
                    self._claim_spelled_time(m, claim)
        if "clock_word" in p:   # "noon", "mezzogiorno", "medianoche"
            for m in p["clock_word"].finditer(folded):
                claim("time", "time:" + self.clock_words[m.group(0).lower()], m.start(), m.end())
        if "duration_phrase" in p:   # "half an hour", "mezz'ora", "medio día"
            for m in p["duration_phrase"].finditer(folded):
                minutes = self.duration_phrases[re.sub(r"\s+", " ", m.group(0).lower())]
                claim("duration", duration_key(str(minutes), None, "minute"), m.start(), m.end())
        for m in p["amount"].finditer(folded):
            g = m.groupdict()
            cur = self.currencies[(g["c1"] or g["c2"] or g["c3"]).lower()]
            value = self.value(g['n1'] or g['n2'] or g['n3'])
            if g.get("sub"):
                cents = self.value(g["sub"])
                value = _plus(value, Decimal(cents) / 100 if cents.isdigit() else None)
            claim("amount", f"amt:{cur}:{value}", m.start(), m.end())
        for m in p["measure"].finditer(folded):
            g = m.groupdict()
            unit = self.measure_units[(g["u"] or g["uw"]).lower()]
            value = self.value(g["n"] or g["nw"])
            if g.get("half"):
                value = _plus(value, Decimal("0.5"))
            claim("measure", f"meas:{value}:{unit}", m.start(), m.end())
        for m in p["percent"].finditer(folded):
            g = m.groupdict()
            value = self.value(g["n1"] or g["n2"])
            per = self.fraction_prefixes.get((g.get("pre") or "").lower())
            if per and value.replace(".", "", 1).isdigit():
                value = format((Decimal(value) * 100 / per).normalize(), "f")
            claim("percentage", f"pct:{value}", m.start(), m.end())
        if "discount_tenths" in p:   # "9.5折" is the same fact as "5%的折扣"
            for m in p["discount_tenths"].finditer(folded):
                off = _tenths_off(self.value(m.group("n")))
                if off is not None:
                    claim("percentage", f"pct:{off}", m.start(), m.end())
        if "half_hour" in p:   # "半小时" is 30 minutes
            for m in p["half_hour"].finditer(folded):
                claim("duration", duration_key("0.5", None, "hour"), m.start(), m.end())
        for m in p["duration_compound"].finditer(folded):   # "3h 30m" is 210 minutes
            try:
                total = Decimal(self.value(m.group("a"))) * 60 + Decimal(self.value(m.group("b")))
            except InvalidOperation:
                continue
            claim("duration", duration_key(format(total.normalize(), "f"), None, "minute"), m.start(), m.end())
        if "rate" in p:
            for m in p["rate"].finditer(folded):
                if not self._after_amount(folded, m.start()):
                    continue   # "valid for a month": a duration; "open daily": a schedule
                said = m.group("u") or ""
                rate_unit = self.duration_units.get(said.lower()) if said else self.rate_words.get(m.group("w").lower())
                if rate_unit is not None:
                    claim("rate", "rate:" + rate_unit, m.start(), m.end())
        for m in p["duration"].finditer(folded):
            a, b = m.group("a"), m.group("b")
            unit = self.duration_units[re.sub(r"\s+", " ", m.group("u").lower())]
            value = self.value(a)
            if m.groupdict().get("half") and not b and value.isdigit():
                value = str(int(value)) + ".5"
            claim("duration", duration_key(value, self.value(b) if b else None, unit), m.start(), m.end())
        if "fraction_word" in p:   # "half of the total" = "0.5 of the total"
            for m in p["fraction_word"].finditer(folded):
                share = Decimal(str(self.fraction_words[m.group(0).lower()]))
                claim("number", "n:" + format(share.normalize(), "f"), m.start(), m.end())
        for m in p["weekday_initials"].finditer(text):   # capitals: matched on the original text
            claim("weekday", f"wd:{self.weekday_initials[m.group('a')]}", m.start("a"), m.end("a"))
            claim("weekday", f"wd:{self.weekday_initials[m.group('b')]}", m.start("b"), m.end("b"))
        for m in p["weekday"].finditer(folded):
            claim("weekday", f"wd:{self.weekdays[m.group(0).lower()]}", m.start(), m.end())
        if "relative_day" in p:
            for m in p["relative_day"].finditer(folded):
                claim("relative_day", f"rel:{self.relative_days[m.group(0).lower()]}",
                      m.start(), m.end())
        for m in _VERSION.finditer(folded):   # "v4.2" is the version 4.2
            if m.group(1) or any(len(g) != 3 for g in m.group(2).split(".")[1:]):
                claim("number", "n:" + (m.group(1) or m.group(2)), m.start(), m.end())
        for m in _DIMENSIONS.finditer(folded):   # "40x30x20" is three numbers, not a code
            for n in re.finditer(r"\d+(?:[.,]\d+)?", m.group(0)):
                claim("number", "n:" + self.value(n.group(0)), m.start() + n.start(), m.start() + n.end())
        for m in _THOUSANDS.finditer(folded):   # "押金3k", "1.5k followers": thousands
            value = self.value(m.group(1))
            if value.replace(".", "", 1).isdigit():
                claim("number", "n:" + format((Decimal(value) * 1000).normalize(), "f"), m.start(), m.end())
        for m in p["id"].finditer(folded):
            raw = m.group(0)
            body = raw.lstrip("#")
            if not raw.startswith("#") and _PLURAL_NUMBER.fullmatch(body):
                # "under 18s", "over 65s", "the 1990s": the number in the plural, not a code
                claim("number", "n:" + body[:-1], m.start(), m.end() - 1)
                continue
            if not raw.startswith("#") and _ORDINAL_NUMBER.fullmatch(body):
                continue   # "the 28th", "21st": the number the number pattern reads, not a code
            if raw.startswith("#") or (sum(c.isdigit() for c in body) >= 2 and len(body) >= 3):
                key = "n:" + body if body.isdigit() else "id:" + body.upper()
                claim("id", key, m.start(), m.end())
        for m in p["number"].finditer(folded):
            if m.group("n") in self.chat_digits and _CHAT_DIGIT_CONTEXT.match(folded, m.start("n") - 1) is None \
                    and _chat_digit(folded, m.start("n"), m.end("n"), self.numbered_nouns):
                continue   # "u want 2 cancel", "thx 4 waiting": a word, not a number
            claim("number", "n:" + self.value(m.group("n")), m.start("n"), m.end("n"))
        for qp in self.quote_patterns:
            for m in qp.finditer(folded):
                inner = m.group(1).strip()
                if inner:
                    claim("quoted", "q:" + inner.casefold(), m.start(), m.end())
        if self.word_boundaries:
            self._claim_names(text, folded, claim)
        facts.sort(key=lambda f: f.span.start)
        return facts

    def _slash_date_key(self, raw: str) -> str:
        """"25.05.2023", "31/12", "12/31/2024": the same key as "25 May 2023".
        A part over 12 is the day; otherwise the language's order decides."""
        parts = [int(x) for x in re.split(r"[/.]", raw)]
        a, b = parts[0], parts[1]
        if a > 12 and b <= 12:
            d, mo = a, b
        elif b > 12 and a <= 12:
            mo, d = a, b
        else:
            d, mo = (a, b) if self.date_order == "dmy" else (b, a)
        y = parts[2] if len(parts) > 2 else None
        if y is not None and y < 100:
            y += 2000
        return f"date:{str(y) + '-' if y else ''}{mo}-{d}"

    def _claim_cjk_range(self, m: re.Match[str], claim: Any) -> None:
        pre = m.group("pre")
        ap = self.time_prefixes.get(pre) if pre else None
        keys = []
        for n in ("1", "2"):
            v = self.value(m.group("h" + n))
            # "晚上8点到9点半": each end keeps its own minutes (半 = 30)
            mins_raw = m.group("m" + n)
            mins = 30 if m.group("half" + n) else int(self.value(mins_raw)) if mins_raw else 0
            # "上午9-12点": a morning range ends at noon, not midnight
            end_ap = "pm" if ap == "am" and n == "2" and v == "12" else ap
            clock = _clock_key(int(v), mins, end_ap) if v.isdigit() else None
            if clock is None:
                return
            keys.append(clock)
        first_end = max(x for x in (m.end("h1"), m.end("half1"), m.end("m1")) if x >= 0)
        claim("time", keys[0], m.start(), first_end)
        claim("time", keys[1], m.start("h2"), m.end())

    def _claim_range(self, m: re.Match[str], claim: Any) -> None:
        g = m.groupdict()
        # "1-3" alone is a range of numbers; "8-14h" (an opening from 8) a range
        # of clock times, "1-3h" a duration.
        # "8.30-13" (minutes on either end) is an opening, not a number range.
        if not (g.get("m2") or g.get("ap") or (g.get("m1") and int(g["h2"]) > int(g["h1"]))
                or (g.get("hs") and int(g["h1"]) >= 6 and int(g["h2"]) > int(g["h1"]))):
            return
        ap = self.am_pm.get(g["ap"].lower()) if g.get("ap") else None
        ends = (("h1", "m1", m.end("m1") if g.get("m1") else m.end("h1")), ("h2", "m2", m.end()))
        keys = []
        for h_key, m_key, _ in ends:
            key = _clock_key(int(g[h_key]), int(g[m_key]) if g.get(m_key) else 0, ap)
            if key is None:
                return
            keys.append(key)
        for (h_key, _, end), key in zip(ends, keys):
            claim("time", key, m.start(h_key), end)

    def _claim_time(self, m: re.Match[str], claim: Any) -> None:
        g = m.groupdict()
        h_raw = g.get("h")
        if h_raw is None:
            return
        h = int(self.value(h_raw)) if self.value(h_raw).isdigit() else None
        if h is None:
            return
        if not h_raw[0].isdigit() and not g.get("pre") and not g.get("m") and not g.get("half") \
                and h_raw not in _MIDNIGHT_NUMERALS:
            return  # "一点" is "a bit", "第一时间" "at once": a bare CJK numeral is no time ("零点" is)
        mins = 30 if g.get("half") else int(self.value(g["m"])) if g.get("m") else 0
        if g.get("q"):   # "十一点一刻" is 11:15, "三刻" 45
            mins = 15 * int(self.value(g["q"]))
        ap = g.get("ap")
        ap = self.am_pm.get(ap.lower()) if ap else None
        pre = g.get("pre")
        if pre:
            ap = self.time_prefixes.get(pre, ap)
        key = _clock_key(h, mins, ap)
        if key is None:
            return
        start = m.start("pre") if pre else m.start("h")
        claim("time", key, start, m.end())

    def _claim_spelled_time(self, m: re.Match[str], claim: Any) -> None:
        """A clock time in words: an hour word, "and a half", a day part."""
        v = self.value(m.group("h"))
        if not v.isdigit() or not 1 <= int(v) <= 12:
            return
        g = m.groupdict()
        phrase = (g.get("half") or g.get("half2") or "").lower()
        said = g.get("mw") or g.get("mw2")
        phrase = re.sub(r"\s+", " ", phrase)
        mins = (self.minute_phrases.get(phrase) or self.minute_phrases_before.get(phrase, 0)) if phrase else 0
        if said:
            mins = int(self.value(said)) if self.value(said).isdigit() else -1
            if not 1 <= mins <= 59:
                return   # "a las dos y cien": no clock
        dp = (g.get("dp") or "").lower()
        if not dp and not phrase and not said:
            return  # "from one account", "las dos opciones": a bare number word is no time
        half = self.day_parts.get(dp) or self.am_pm.get(dp)
        hour = int(v)
        if mins < 0:   # "las nueve menos cuarto": a quarter to nine
            hour, mins = (hour - 1) or 12, 60 + mins
        key = _clock_key(hour, mins, half)
        if key is not None:   # from the minutes when they come first ("half past nine")
            claim("time", key, min(m.start("h"), m.start("half")) if g.get("half") else m.start("h"), m.end())

    def _claim_names(self, text: str, folded: str, claim: Any) -> None:
        """Capitalised words inside a sentence ("Canada", "Pro"): proper nouns."""
        for m in self.patterns["word"].finditer(folded):
            w = m.group(0)
            # an acronym, also in the plural ("SIMs", "PINs"), is jargon the
            # rules may ask to explain, not a name
            if not w[0].isupper() or (len(w) > 1 and w.isupper()) or _PLURAL_ACRONYM.fullmatch(w):
                continue
            if w in self.name_stopwords or w.rstrip("'’s") in self.name_stopwords:
                continue
            i = m.start() - 1
            # NUL is masked wording (a list marker "1.", "100%"): it starts an item as a line does
            while i >= 0 and folded[i] in " \t\"'“”‘’«(¡¿[\x00":
                i -= 1
            if i < 0 or folded[i] in "!?:;\n…" or folded[i] == "." and not self._after_title(folded, i):
                continue
            claim("name", "name:" + strip_accents(w.casefold()), m.start(), m.end())

    def _after_amount(self, folded: str, at: int) -> bool:
        """Whether the word before ``at`` is an amount or a count: it holds a
        digit or ends in a currency ("€8", "10GB", "US$"), or it is a number
        word ("twice"); a rate per something may come between ("$12 per user")."""
        before = folded[max(0, at - 40):at].split()
        # "$12 per user each month", "€5/seat a month": a first rate per
        # something stands between the amount and the rate's unit
        while len(before) >= 3 and before[-2].lower() in self.rate_markers and not before[-1][0].isdigit():
            before = before[:-2]
        if not before:
            return False
        word = before[-1].lower()
        if _CLOCK_TOKEN.search(word):
            return False   # "6am-11pm daily", "7-10:30 daily": a schedule
        return (any(ch.isdigit() for ch in word) or word in self.number_words
                or word in self.currencies or word[-1] in self.currencies)

    def _after_title(self, folded: str, dot: int) -> bool:
        """Whether the full stop at ``dot`` closes a title ("Sra.", "Mrs.",
        "dott.ssa" has none): then the next word is a name, not a sentence start."""
        j = dot
        while j > 0 and folded[j - 1].isalpha():
            j -= 1
        return folded[j:dot].lower() in self.titles and (j == 0 or not folded[j - 1].isalnum())


# -- loading ---------------------------------------------------------------

def _lower_keys(words: dict[str, Any]) -> dict[str, Any]:
    """Words are matched on lower-cased text, so their keys are lower-cased once here."""
    return {k.lower(): v for k, v in words.items()}


def _compound_numbers(spec: CompoundNumbersDoc | None) -> dict[str, int]:
    """Number words made of a ten and a unit ("thirty-five", "trentacinque",
    "treinta y cinco"), from ``compound_numbers: {tens, units, joiners,
    elide_before}``: the tens' last vowel is dropped before the listed units
    ("ventuno", "trentotto")."""
    if spec is None:
        return {}
    elide = set(spec.elide_before)
    out = {}
    for ten, tv in _lower_keys(spec.tens).items():
        for unit, uv in _lower_keys(spec.units).items():
            stem = ten[:-1] if unit in elide else ten
            for joiner in spec.joiners:
                out[(stem if joiner == "" else ten) + joiner + unit] = tv + uv
    return out


def _with_unaccented(words: dict[str, Any]) -> dict[str, Any]:
    """Each word also without its accents: agents type "telefono", "miercoles"."""
    return {**{strip_accents(k): v for k, v in words.items()}, **words}


def _regex_alt(items: list[str], file: Path, key: str, wb: bool,
               contracted: Mapping[str, Sequence[str]] | None = None) -> str:
    for i, item in enumerate(items):
        try:
            re.compile(item)
        except re.error as exc:
            raise DataFileError(file, f"{key}[{i}]", f"invalid regex: {exc}") from exc
    items = [word_lookbehinds(item) for item in items]
    if contracted:
        items = [_with_contractions(item, contracted) for item in items]
    body = phrase_alternation(items) if items else r"(?!x)x"
    return _bounded(body, wb)


_LAST_WORD = re.compile(r"(?<=\s)(\w+)$")


def _with_contractions(item: str, contracted: Mapping[str, Sequence[str]]) -> str:
    """A phrase that ends in a preposition also ends in its forms joined
    with the article ("dovuto a" -> "dovuto al/alla/all'", "a causa de" ->
    "a causa del"): the language writes them as one word, so the phrase as
    listed would miss every such sentence."""
    m = _LAST_WORD.search(item)
    if m is None or m.group(1) not in contracted:
        return item
    forms = [re.escape(m.group(1)), *(re.escape(f.rstrip("'’")) + "['’]" if f.endswith(("'", "’")) else re.escape(f)
                                      for f in contracted[m.group(1)])]
    return item[:m.start()] + "(?:" + "|".join(forms) + ")"


def _contracted_literals(words: Iterable[str], contracted: Mapping[str, Sequence[str]]) -> list[str]:
    """The literal phrases of ``words`` that end in a preposition, said with
    its article forms instead ("prima di" -> "prima del", "prima dell'")."""
    out = []
    for word in words:
        head, _, last = word.rpartition(" ")
        if head:
            out += [f"{head} {form}" for form in contracted.get(last, ())]
    return out


def _bounded(body: str, wb: bool) -> str:
    # A phrase may end in an elided article ("dell'", "all'"): the word it
    # leans on follows with no space, so no word edge is asked for there.
    return rf"(?<!\w)(?:{body})(?:(?<=['’])|(?!\w))" if wb else f"(?:{body})"


def _compile(pattern: str, file: Path, key: str) -> re.Pattern[str]:
    try:
        return re.compile(first_char_guarded(pattern, re.IGNORECASE), re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(file, key, f"invalid regex: {exc}") from exc


def load_lexicon(file: Path) -> Lexicon:
    """Read, validate and compile one ``<lang>.yaml`` guard file."""
    doc = load_model(file, LexiconDoc)
    lang = doc.language
    if lang != file.stem:
        raise DataFileError(file, "language", f"'{lang}' does not match the file name")
    wb = doc.word_boundaries
    contracted = _lower_keys(doc.articulated_prepositions)

    def alt(items: list[str], key: str) -> str:
        """A phrase list of this file as one bounded alternation."""
        return _regex_alt(items, file, key, wb, contracted)

    dec = doc.decimal_separator
    number_words = _with_unaccented({**_compound_numbers(doc.compound_numbers), **_lower_keys(doc.number_words)})
    weekdays = _with_unaccented(_lower_keys(doc.weekdays))
    relative_days = _with_unaccented(_lower_keys(doc.relative_days))
    day_words = _lower_keys(doc.day_words)
    months = _with_unaccented(_lower_keys(doc.months))
    currencies = _with_unaccented(_lower_keys(doc.currencies))
    units = _with_unaccented(_lower_keys(doc.duration_units))
    am_pm = _lower_keys(doc.am_pm)
    time_prefixes = _lower_keys(doc.time_prefixes)
    day_parts = _with_unaccented(_lower_keys(doc.day_parts))
    # "6 in the afternoon", "2 and 6 in the afternoon": a day part marks a
    # digit time as am/pm does
    am_pm = {**am_pm, **day_parts}
    clock_words = _with_unaccented(_lower_keys(doc.clock_words))
    duration_phrases = _with_unaccented(_lower_keys(doc.duration_phrases))
    half_after = doc.half_after
    # "y cuarto", "meno un quarto": minutes said in words after the hour
    minute_phrases = {**{h: 30 for h in half_after}, **_lower_keys(doc.minute_phrases)}
    minute_joiner = doc.minute_joiners   # "las once y (treinta y cinco)"
    cjk = doc.cjk_numerals
    hour_markers = doc.time_hour_markers

    B = (lambda s: _bounded(s, True)) if wb else (lambda s: s)
    nb = rf"(?<![{_ASCII_WORD}])"   # ASCII-only boundaries work next to CJK text
    na = rf"(?![{_ASCII_WORD}])"
    # Numbers start only where a number starts: without the lookbehind every
    # digit of "1.1.1.1…" would start a match that scans to the end (quadratic).
    # "2.5k", "10k": thousands, as agents write amounts and limits
    num = r"(?<!\d)(?<!\d[.,])\d+(?:[.,]\d+)*" + (r"[万亿]?" if cjk else r"(?:k(?![A-Za-z]))?")
    numw = _alt(number_words)
    cjk_num = f"(?<![{CJK_DIGITS}])[{CJK_DIGITS}]+" if cjk else ""
    numx = "|".join(x for x in (num, B(numw) if numw else "", cjk_num) if x)
    # A number with "and a half" after it is one value: "uno y medio por ciento" = 1.5%
    half_suffix = rf"(?:\s+(?:{_alt(half_after)})(?!\w))?" if half_after else ""
    numh = rf"(?:{numx}){half_suffix}"
    # ...or after the unit: "due ore e mezza", "due chili e mezzo"
    half_tail = rf"(?:\s+(?P<half>{_alt(half_after)})(?!\w))?" if half_after else ""
    months_alt = B(_alt(months))
    day = rf"(?:\d{{1,2}}|{B(_alt(day_words))})" if day_words else r"\d{1,2}"
    conn = doc.date_connectors
    conn_re = rf"(?:\s+(?:{_alt(conn)})\s+|\s+|-)" if conn else r"(?:\s+|-)"
    ordinal = r"(?:st|nd|rd|th|º|ª|°)?"
    day_article = rf"(?:(?:{_alt(doc.day_articles)})\s*)?" if doc.day_articles else ""
    symbols = [c for c in currencies if not c[0].isalnum()]
    words = [c for c in currencies if c[0].isalnum()]
    cur = f"{_alt(symbols)}|{B(_alt(words))}"
    pct_words = doc.percent_words
    pct_pre = doc.percent_prefixes
    pct_after = (f"{_alt([w for w in pct_words if not w[0].isalnum()])}"
                 f"|{B(_alt([w for w in pct_words if w[0].isalnum()]))}")
    # "trentanove euro e novanta centesimi" = 39.90 EUR
    sub_words, sub_joiners = doc.currency_subunits.words, doc.currency_subunits.joiners
    subunit_tail = (rf"(?:\s+(?:{_alt(sub_joiners)})\s+(?P<sub>{numx})\s?{B(_alt(sub_words))})?"
                    if sub_words and sub_joiners else "")
    # "千分之一" = 0.1%: a prefix that names a fraction other than hundredths
    fraction_prefixes = _lower_keys(doc.fraction_prefixes)
    pct_pre = [*pct_pre, *fraction_prefixes]
    ampm = am_pm
    cues = doc.time_cues
    range_re = r"(?:\s*(?:-|–|~|至|到)\s*|\s+(?:to|or|and|a|o|y|e|al)\s+)"
    sfx = doc.time_suffixes

    hour_units = [w for w, u in units.items() if u == "hour"]
    minute_units = [w for w, u in units.items() if u == "minute"] + list(doc.compound_minute_units)
    raw_patterns: dict[str, str] = {
        # a link ends where Chinese words begin: "请登录www.acme.com查看"
        "url": (rf"(?:https?://|www\.)[^\s<>\"“”'（）。，、{CJK_CLASS}]+|(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9-]+\.)+"
                rf"(?:{_TLDS})(?:/[^\s<>\"“”。，{CJK_CLASS}]*)?{na}"),
        "email": r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        "phone": rf"(?<![A-Za-z0-9_+\-.()])\+?\(?\d(?:[\d]|[ \-.()](?=[\d(]))+\d{na}",
        "date_iso": rf"{nb}(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){na}",
        "date_ymd_slash": rf"{nb}(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}}){na}",
        "date_slash": rf"{nb}(?:\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}){na}",
        # A range of days shares one month: "dal 1° al 10 settembre", "June 1-10".
        "date_named": (rf"{nb}(?:(?P<d0>\d{{1,2}}){ordinal}{range_re}{day_article})?(?P<d1>{day}){ordinal}{conn_re}(?P<mo1>{months_alt})"
                       rf"(?:,?\s+(?:de\s+|del\s+)?(?P<y1>\d{{4}}))?"
                       rf"|(?P<mo2>{months_alt})\s+(?:the\s+)?(?P<d2>{day}){ordinal}{na}"
                       rf"(?:{range_re}{day_article}(?P<d3>\d{{1,2}}){ordinal}{na})?(?:,?\s+(?P<y2>\d{{4}}))?"),
        "time_colon": (rf"{nb}(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?:\s?(?P<ap>{_alt(ampm)})(?![A-Za-z0-9_])|{na})"
                       if ampm else rf"{nb}(?P<h>\d{{1,2}}):(?P<m>\d{{2}}){na}"),
        # A number word takes only a currency word after it: "a $75 fee" is no "a $".
        "amount": (rf"(?P<c1>{cur})\s?(?P<n1>{num})|(?P<n2>{numh})\s?(?P<c2>{B(_alt(words))}){subunit_tail}"
                   rf"|(?P<n3>{num}|{cjk_num or '(?!x)x'})\s?(?P<c3>{_alt(symbols)})"),
        "percent": rf"(?P<n1>{numh})\s?(?:{pct_after})" + (rf"|(?P<pre>{_alt(pct_pre)})(?P<n2>{numx})" if pct_pre else ""),
        # "two and a half hours" is said "due ore e mezza", "2 horas y media", "两个半小时"
        "duration": (rf"(?P<a>{numh})(?:{range_re}(?P<b>{numh}))?[\s'’-]?(?:个)?(?P<u>(?<![^\W\d_])(?:{_alt(units)})(?!\w))"
                     + half_tail
                     # "前一天", "第3天", "下一年": the day before, day 3, next year: a point
                     # in time, not a stretch; "一年级" is first grade
                     if wb else rf"(?<!第)(?<![^提]前)(?<!^前)(?<![上下])(?P<a>{numx})(?:{range_re}(?P<b>{numx}))?[\s-]?(?:个)?(?P<half>半(?:个)?)?(?P<u>{_alt(units)})(?!级)"),
        **({"rate": (rf"(?:(?P<m>/\s?|(?<![^\W\d_])(?:{_alt(doc.rates.markers)})\s+)(?P<u>{_alt(units)})(?!\w)"
                     rf"|(?<![^\W\d_])(?P<w>{_alt(doc.rates.words)})(?!\w))")}
           if wb and doc.rates.markers else {}),
        "duration_compound": (
            rf"(?P<a>{num})\s?(?P<u1>{_alt(hour_units)})(?:\s*,?\s*(?:{_alt(doc.duration_joiners) if doc.duration_joiners else '(?!x)x'})\s*|\s?)"
            rf"(?P<b>{num})\s?(?P<u2>{_alt(minute_units)}){na if wb else ''}") if hour_units and minute_units else "(?!x)x",
        "weekday": B(_alt(weekdays)),
        "id": rf"#[A-Za-z0-9-]*\d[A-Za-z0-9-]*|(?<![A-Za-z0-9_-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*{na}",
        "number": rf"(?<![{_ASCII_WORD}.,])(?P<n>\d+(?:[.,]\d+)*){ordinal}{na}",
        "word": r"(?<![\w'’])[^\W\d_][\w'’-]*",
    }
    if numw and (cues or day_parts):
        # "alle sette di sera", "a las ocho y media", "seven in the evening"
        spoken = [rf"(?P<half>{_alt(minute_phrases)})"] if minute_phrases else []
        if minute_joiner:
            spoken.append(rf"(?:{_alt(minute_joiner)})\s+(?P<mw>{B(numw)})")
        half_alt = rf"(?:\s+(?:{'|'.join(spoken)}))?" if spoken else ""
        dp_alt = _alt([*day_parts, *ampm]) if (day_parts or ampm) else r"(?!x)x"
        cued = rf"{B(_alt(cues))}\s+(?P<h>{B(numw)}){half_alt}(?:\s+(?P<dp>{dp_alt})(?!\w))?" if cues else r"(?!x)x"
        raw_patterns["time_spelled"] = cued
        if doc.minute_phrases_before:   # "half past nine", "a quarter to nine in the morning"
            raw_patterns["time_spelled_before"] = (
                rf"(?<!\w)(?P<half>{_alt(_lower_keys(doc.minute_phrases_before))})\s+(?P<h>{B(numw)}|\d{{1,2}}(?![\d:.]))"
                rf"(?:\s+(?P<dp>{dp_alt})(?!\w))?")
        raw_patterns["time_spelled_part"] = (
            rf"(?P<h>{B(numw)}){half_alt.replace('half>', 'half2>').replace('mw>', 'mw2>')}"
            rf"\s+(?P<dp>{dp_alt})(?!\w)")
    fraction_words = _lower_keys(doc.fraction_words)
    if fraction_words:
        raw_patterns["fraction_word"] = B(_alt(fraction_words))
    raw_patterns["number_token"] = numx
    if clock_words:
        raw_patterns["clock_word"] = B(_alt(clock_words))
    if duration_phrases:
        raw_patterns["duration_phrase"] = B(_alt(duration_phrases))
    if ampm:
        raw_patterns["time_ampm"] = rf"{nb}(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s?(?P<ap>{_alt(ampm)})(?!\w)"
    ap_alt = _alt(ampm) if ampm else r"(?!x)x"
    hour_sfx = _alt(sfx) or r"(?!x)x"
    raw_patterns["time_range"] = (
        rf"{nb}(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?\s?(?:-|–|\s(?:to|and|a|al|alle|e|y)\s)\s?(?P<h2>\d{{1,2}})"
        rf"(?:[:.](?P<m2>\d{{2}}))?(?:\s?(?P<ap>{ap_alt})|(?P<hs>{hour_sfx}))?(?![\w%]|[:.]\d)")
    if cues:
        # "at 14:02", "alle 18.30", "a partir de las 15h"; never "at 12,99 €".
        cue_end = rf"(?:\s?(?:{_alt(sfx)})(?![A-Za-z0-9_])|{na})" if sfx else na
        raw_patterns["time_cue"] = rf"{B(_alt(cues))}\s+(?P<h>\d{{1,2}})(?:[.h:](?P<m>\d{{2}}))?{cue_end}(?![.,:]\d)"
    if hour_markers:
        pre = _alt(time_prefixes) if time_prefixes else r"(?!x)x"
        raw_patterns["time_cjk"] = (rf"(?P<pre>{pre})?(?P<h>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})(?:{_alt(hour_markers)})"
                                    rf"(?:(?P<half>半)|(?P<q>[一三])刻(?!钟)|(?P<m>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})分?)?")
    if cjk:
        raw_patterns["half_hour"] = r"(?<![\d零〇一二两三四五六七八九十个])半(?:个)?(?:小时|钟头)"
        # "打8折" = pay 80% = 20% off; "9.5折" and "95折" = 5% off
        raw_patterns["discount_tenths"] = rf"(?<![\d.])(?P<n>\d{{1,2}}(?:\.\d)?|[{CJK_DIGITS}]{{1,2}})折(?!扣)"
        pre_alt = _alt(time_prefixes) if time_prefixes else r"(?!x)x"
        marks = _alt(hour_markers) if hour_markers else "点"
        # "上午9-12点", "九点到十二点": both ends are clock times with the day part
        raw_patterns["time_range_cjk"] = (
            rf"(?P<pre>{pre_alt})?(?P<h1>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})(?:(?:{marks})(?:(?P<half1>半)|(?P<m1>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})分)?)?"
            rf"(?:\s*(?:-|–|~|到|至)\s*)"
            rf"(?P<h2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})(?:{marks})(?:(?P<half2>半)|(?P<m2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})分)?")
        raw_patterns["date_cjk_partial"] = (rf"(?P<y>\d{{4}})年(?:(?P<m>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月)?"
                                            rf"|(?<![{CJK_DIGITS}\d个])(?P<m2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月")
        raw_patterns["date_cjk"] = (rf"(?:(?P<y>\d{{4}})年)?(?P<m>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月"
                                    rf"(?P<d>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})[日号]?"
                                    # "9月1日至10日", "9月1-10日": the last day shares the month
                                    rf"(?:(?P<sep>\s*(?:-|–|~|至|到)\s*)(?P<d2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})[日号])?"
                                    rf"(?(d2)|(?<=[日号]))")
    if relative_days:
        raw_patterns["relative_day"] = B(_alt(relative_days))
    raw_patterns["absolute"] = alt(doc.absolute_phrases, "absolute_phrases")
    for key in ("negations", "post_negations", "refusals", "preserving", "affirmations", "hedges",
                "not_negations"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    # "check if the cable is plugged in": an indirect question, not a condition
    raw_patterns["not_conditions"] = alt(doc.not_conditions, "not_conditions")
    initials = dict(doc.weekday_initials)   # case kept: "L", not "l"
    for letter in initials:
        if len(letter) != 1 or not letter.isupper():
            raise DataFileError(file, f"weekday_initials.{letter}", "must map one capital letter to a day 1-7")
    # "L-V", "M-F": a range of weekday initials (capitals only, both ends)
    raw_patterns["weekday_initials"] = (
        rf"(?-i:(?<![\w-])(?P<a>[{''.join(initials)}])\s?[-–]\s?(?P<b>[{''.join(initials)}])(?![\w-]))"
        if initials else r"(?!x)x")
    for key in ("identifier_cues", "limits"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    channels = _with_unaccented(_lower_keys(doc.channels))
    measure_units = _with_unaccented(_lower_keys(doc.measure_units))
    # "2,5 kg", "due chili e mezzo", "two and a half kilos": spelled numbers
    # take only unit words of three letters or more ("one g" is no measure).
    word_units = [u for u in measure_units if len(u) >= 3 and u.isalpha()]
    spelled_measure = (rf"|(?P<nw>{B(numw)}{half_suffix})\s(?P<uw>{_alt(word_units)})"
                       if numw and word_units and wb else "")
    unit_end = r"(?![^\W\d_])" if wb else r"(?![A-Za-z])"
    raw_patterns["measure"] = (rf"(?:(?P<n>(?:{num}){half_suffix})\s?(?P<u>{_alt(measure_units)}){spelled_measure}){unit_end}{half_tail}"
                               if measure_units
                               else r"(?!x)x")
    for key in ("lapsed", "causes", "consequences", "delivery_verbs", "attempts", "causes_before", "help_words",
                "speculation", "purpose", "empathy", "prohibitions", "personal_promises", "instructions",
                "alternatives", "requirements", "condition_before", "offers"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    raw_patterns["channel"] = B(_alt(channels)) if channels else r"(?!x)x"
    raw_patterns["clause_breaks"] = alt(doc.clause_breaks, "clause_breaks")
    raw_patterns["conjunctions"] = alt(doc.conjunctions, "conjunctions")
    before = [*doc.deadline_before, *_contracted_literals(doc.deadline_before, contracted)]
    after = doc.deadline_after
    fillers = doc.deadline_fillers
    filler = rf"(?:\s+(?:{_alt(fillers)})){{0,2}}" if fillers else ""
    raw_patterns["deadline_before"] = (rf"(?:{B(_alt(before))}){filler}\s*$" if before else r"(?!x)x")
    raw_patterns["deadline_after"] = (rf"^\s*(?:{_alt(after)})" if after else r"(?!x)x")

    patterns = {k: _compile(v, file, k) for k, v in raw_patterns.items()}
    commitments = {cat: _compile(alt(items, f"commitments.{cat}"), file, f"commitments.{cat}")
                   for cat, items in doc.commitments.items()}
    conditions = {group: _compile(alt(items, f"conditions.{group}"), file, f"conditions.{group}")
                  for group, items in doc.conditions.items()}
    quote_patterns = []
    for i, pair in enumerate(doc.quotes):
        o, c = (re.escape(x) for x in pair)
        quote_patterns.append(_compile(rf"{o}([^{o}{c}\n]{{1,80}}){c}", file, f"quotes[{i}]"))
    return Lexicon(
        language=lang, file=file, decimal=dec, number_words=number_words,
        ordinal_words=_with_unaccented(_lower_keys(doc.ordinal_words)), weekdays=weekdays,
        relative_days=relative_days, day_words=day_words, minute_phrases_before=_lower_keys(doc.minute_phrases_before),
        months=months, currencies=currencies, duration_units=units,
        rate_words={w.lower(): units.get(u.lower(), u.lower()) for w, u in doc.rates.words.items()},
        rate_markers=frozenset(w.lower() for w in doc.rates.markers),
        am_pm=am_pm, time_prefixes=time_prefixes, day_parts=day_parts, clock_words=clock_words,
        articles=frozenset(w.lower() for w in doc.articles),
        minute_phrases=minute_phrases, half_after=tuple(sorted(half_after, key=len, reverse=True)),
        fraction_prefixes=fraction_prefixes, fraction_words=fraction_words,
        duration_phrases=duration_phrases, weekday_initials=initials,
        chat_digits=frozenset(doc.chat_digits),
        numbered_nouns=frozenset(w.lower() for w in [*doc.numbered_nouns, *doc.identifier_cues]),
        name_stopwords=frozenset(doc.name_stopwords), titles=frozenset(t.lower() for t in doc.titles),
        not_facts=frozenset(x.casefold() for x in doc.not_facts),
        topic_stopwords=frozenset(x.casefold() for x in doc.topic_stopwords),
        word_boundaries=wb, patterns=patterns, commitments=commitments, quote_patterns=quote_patterns,
        channels=channels, conditions=conditions, measure_units=measure_units,
        date_order=doc.date_order,
        content=load_content_lexicon(doc, file, lang, wb),
    )


def load_lexicons(data_dir: Path) -> dict[str, Lexicon]:
    """Every ``*.yaml`` in ``data_dir``, keyed by language code."""
    files = sorted(f for f in Path(data_dir).glob("*.yaml") if not f.name.startswith("_"))
    if not files:
        raise DataFileError(data_dir, "(directory)", "no <lang>.yaml guard files found")
    return {f.stem: load_lexicon(f) for f in files}


@lru_cache(maxsize=4)
def _default_lexicons(data_dir: Path = DEFAULT_GUARD_DIR) -> dict[str, Lexicon]:
    return load_lexicons(data_dir)


def pick(lexicons: dict[str, Lexicon], language: str) -> Lexicon:
    """The lexicon for a language tag ("es-MX" -> es); English when unknown."""
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return lexicons.get(base) or lexicons["en"]


def extract_facts(text: str, language: str) -> list[Fact]:
    """Every fact in ``text``, in order, with normalised keys and original spans."""
    return pick(_default_lexicons(), language).extract(text)
