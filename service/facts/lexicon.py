"""One language's guard data, compiled, and the extraction passes that read
facts from a text with it (numbers, times, dates, ids, channels)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from service.content import ContentLexicon
from service.textnorm import fold, strip_accents
from service.domain import Fact, Span
from service.regex_guard import needs_digit
from service.facts.keys import (
    _CHAT_DIGIT_CONTEXT,
    _CJK_MULTIPLIERS,
    _CLOCK_TOKEN,
    _DIGIT,
    _DIMENSIONS,
    _ENUMERATOR,
    inline_enumerators,
    _MIDNIGHT_NUMERALS,
    _NEVER,
    _NUMBER,
    _ORDINAL_NUMBER,
    _PLURAL_ACRONYM,
    _PLURAL_NUMBER,
    _THOUSANDS,
    _VERSION,
    _chat_digit,
    _clock_key,
    _plus,
    _tenths_off,
    cjk_number,
    duration_key,
    measure_key,
)


# Kinds of time and quantity: never the tail of a code ("FT-60219年", "CA4113").
_POINTS_AND_STRETCHES = frozenset({"duration", "date", "time"})
# Letters that open a code right before the digits ("FT-", "CA"), not a unit
# that ends a number ("6am-11pm").
_CODE_LETTERS = 8
# How many words back a rate's count may stand ("4 ore di sala riunioni al
# mese"), and what ends a phrase on the way there.
_RATE_REACH = 5
_PHRASE_ENDS = ",.;:!?)"
_CODE_BEFORE = re.compile(r"(?:^|[^A-Za-z0-9])[A-Za-z]+-?$")
_TIME_SPAN = re.compile(r"\d{1,2}[.:]\d{2}\s?[-–]\s?\d{1,2}[.:]\d{2}")
# "0800-1200": two 24-hour clock readings, the first the earlier: a time
# window, not a phone number (no phone number is eight digits split 4-4
# into two times of day in order)
_CLOCK_SPAN = re.compile(r"((?:[01]\d|2[0-3])[0-5]\d)\s?[-–]\s?((?:[01]\d|2[0-4])[0-5]\d)")


def _groups_thousands(digits: str, separator: str) -> bool:
    """Whether ``separator`` groups thousands in ``digits`` ("1.234.567"): every group after the first has three."""
    return all(len(g) == 3 for g in digits.split(separator)[1:])


# Digits and one to three lower-case letters ("1,20m", "24m", "4wk"): a
# number and its unit's abbreviation. Capitals ("10A", "3DS", "5G") are
# units or codes of their own; a lone "k" or "w" multiplies ("3k", "5w" = 5万).
_SHORT_UNIT = re.compile(r"(?<![A-Za-z0-9_.,-])(\d+(?:[.,]\d+)?)(?![wk](?![a-z]))[a-z]{1,3}(?![A-Za-z0-9_])")
_LAST_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")
# What numbers a thing in a series: "n. 12/2025", "nr 3/2024", "#12/2025".
_NUMBER_SIGNS = frozenset({"n", "nr", "no", "num", "nº", "numero", "número", "number"})


def _numbered(before: str, nouns: frozenset[str]) -> bool:
    """Whether the words right before a figure name it as the number of
    something (``nouns``: the language's identifier cues, "Invoice",
    "fattura"; or a sign, "n.", "#")."""
    if before.rstrip().endswith("#"):
        return True
    m = _LAST_WORD_BEFORE.search(before)
    return m is not None and (m.group(1).lower() in _NUMBER_SIGNS or m.group(1).lower() in nouns)


# The channel value of a phrase that holds a channel word in another sense
# ("carta d'identità", "boarding card", 电话卡): it is read as nothing, and
# being the longer match, it keeps its channel word from being read.
NOT_A_CHANNEL = "not_a_channel"


@dataclass
class Lexicon:
    """One language's guard data, with every regex compiled."""

    language: str
    file: Path
    decimal: str
    number_words: dict[str, int]
    ordinal_words: dict[str, int]
    low_ordinals: dict[str, int]   # "first", "secondo": only for "1st", "2°"
    weekdays: dict[str, int]
    day_words: dict[str, int]   # a day of the month said as a word: "primo gennaio"
    minute_phrases_before: dict[str, int]   # minutes said before the hour: "a quarter to" = -15
    relative_days: dict[str, int]
    event_days: dict[str, int]   # counted from the event spoken of: "the night before" = -1
    relative_periods: dict[str, str]   # "this week", "fine mese", 月底: the period they name
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
    month_phrases: dict[str, int]
    # "and a half", "e mezzo", "y medio": half a unit more after any number
    # ("dos y medio por ciento", "due chili e mezzo")
    half_after: tuple[str, ...]
    fraction_prefixes: dict[str, int]
    # "a", "un": number words that are also articles ("a hundred" is not 1)
    articles: frozenset[str]
    # "half", "metà", "一半": 0.5 said as a word ("half of the order total")
    fraction_words: dict[str, float]
    weekday_initials: dict[str, int]
    ambiguous_weekdays: dict[str, int]
    weekday_spans: dict[str, tuple[int, int]]
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
    outcomes: dict[str, re.Pattern[str]]   # "fix": repaired, "approval": approved (service/outcomes.py)
    quote_patterns: list[re.Pattern[str]]
    channels: dict[str, str]
    measure_units: dict[str, str]
    date_order: str
    clock_digits: str   # "24h": "8:00" is morning; "12h": "8:00" may be either half
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
        if t and t[0].isdigit() and (t[-1] in _CJK_MULTIPLIERS or (t[-1] == "w" and not self.word_boundaries)):
            base = Decimal(self._digits_value(t[:-1]))
            return format((base * _CJK_MULTIPLIERS.get(t[-1], 10000)).normalize(), "f")
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
            if _groups_thousands(s, th):
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
            # "2万元" counts 20000, as the bare "2万" of a draft says
            magnitude = text[m.end():m.end() + 1]
            if self.word_boundaries or magnitude not in ("万", "亿", "w"):
                magnitude = ""
            return self.value(m.group(0) + magnitude)
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
            if kind in _POINTS_AND_STRETCHES and _CODE_BEFORE.search(folded[max(0, start - _CODE_LETTERS):start]):
                return   # "FT-60219年卡": the digits end a code, they are no 60219 years
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
        # An inline list's step numbers too ("...: 1. Venga en ayunas. 2. Traiga...").
        for wording in (lambda t: [m.span() for m in self.patterns["absolute"].finditer(t)],
                        lambda t: [m.span() for m in _ENUMERATOR.finditer(t)], inline_enumerators):
            for lo, hi in wording(folded):
                taken[lo:hi] = b"\x01" * (hi - lo)
                folded = folded[:lo] + "\x00" * (hi - lo) + folded[hi:]

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
            if value == NOT_A_CHANNEL:
                continue  # "carta d'identità", "SIM card": a card that is a document, no way to pay or reach
            # A time-zone abbreviation is one only in capitals ("EST", "PT"):
            # "est. read" is an estimate, "pt" a point.
            if value.startswith("tz_") and m.group(0).isalpha() and len(m.group(0)) <= 4 \
                    and not text[m.start():m.end()].isupper():
                continue
            claim("channel", "chan:" + value, m.start(), m.end())
        for m in p["date_slash_from"].finditer(folded) if self.date_order == "dmy" else ():
            to = self._slash_date_key(m.group("to"))
            *year_month, last_day = to.split("-")
            if int(m.group("d0")) < int(last_day):
                claim("date", "-".join([*year_month, str(int(m.group("d0")))]), m.start("d0"), m.end("d0"))
        for m in p["date_slash"].finditer(folded):
            claim("date", self._slash_date_key(m.group(0)), m.start(), m.end())
        for m in p["phone"].finditer(folded):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            seps = set(re.sub(r"[\d]", "", raw))
            if _TIME_SPAN.fullmatch(raw):
                continue   # "8.30-12.30": opening hours, read as a time range below
            if (span := _CLOCK_SPAN.fullmatch(raw)) and span.group(1) < span.group(2):
                continue   # "window 0800-1200": its numbers are read as clock readings
            # "335.6677889": one dot that groups no thousands, where the
            # decimal separator is a comma, only separates a phone's digits.
            grouped = self.decimal != "." and seps == {"."} and not _groups_thousands(raw, ".")
            if len(digits) >= 7 and (raw.startswith("+") or seps - {".", ","} or grouped):
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
        for m in p["date_month_year"].finditer(folded):
            if m.group("m1") and _numbered(folded[max(0, m.start() - 30):m.start()], self.numbered_nouns):
                continue   # "Invoice 12/2025", "fattura n. 12/2025": a number of a series, not a month
            year_digits = m.group("y1") or m.group("y2")
            if m.group("mo0"):
                claim("date", f"date:{year_digits}-{self.months[m.group('mo0').lower()]}-", m.start("mo0"), m.end("mo0"))
            month_number = int(m.group("m1")) if m.group("m1") else self.months[m.group("mo").lower()]
            claim("date", f"date:{year_digits}-{month_number}-", m.start("m1") if m.group("m1") else m.start("mo"), m.end())
        if "date_cjk" in p:
            for m in p["date_cjk"].finditer(folded):
                year = m.group("y")
                prefix = f"date:{self.value(year) + '-' if year else ''}{self.value(m.group('m'))}-"
                if m.group("d2"):
                    claim("date", prefix + self.value(m.group("d")), m.start(), m.start("sep"))
                    claim("date", prefix + self.value(m.group("d2")), m.start("d2"), m.end())
                else:
                    claim("date", prefix + self.value(m.group("d")), m.start(), m.end())
            for m in p["date_lunar"].finditer(folded):   # 初三: the third day of the lunar year
                claim("date", "date:lunar-1-" + self.value(m.group("n") or m.group("n2")), m.start(), m.end())
            # "2027年3月", "2027年", "3月": a year and/or a month, not durations.
            for m in p["date_cjk_partial"].finditer(folded):
                year, month = m.group("y"), m.group("m") or m.group("m2")
                claim("date", f"date:{year or ''}-{self.value(month) if month else ''}-", m.start(), m.end())
        # Amounts before times: a number with its currency is money even after
        # a time's cue ("renews at 12 dollars per month" is no noon).
        for m in p["amount"].finditer(folded):
            g = m.groupdict()
            cur = self.currencies[(g["c1"] or g["c2"] or g["c3"]).lower()]
            value = self.value(g['n1'] or g['n2'] or g['n3'])
            if g.get("sub"):
                cents = self.value(g["sub"])
                value = _plus(value, Decimal(cents) / 100 if cents.isdigit() else None)
            claim("amount", f"amt:{cur}:{value}", m.start(), m.end())
        if "time_range_cjk" in p:
            for m in p["time_range_cjk"].finditer(folded):
                self._claim_cjk_range(m, claim)
        if "time_range" in p:   # "4-9pm", "7-10:30": the first end takes the second's form
            for m in p["time_range"].finditer(folded):
                self._claim_range(m, claim)
        if "time_spelled_range" in p:   # "from eight to nine in the morning": both ends in the morning
            for m in p["time_spelled_range"].finditer(folded):
                self._claim_spelled_range(m, claim)
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
        if "month_phrase" in p:   # "quarterly", "ogni trimestre", 每季度: three months
            for m in p["month_phrase"].finditer(folded):
                months = self.month_phrases[re.sub(r"\s+", " ", m.group(0).lower())]
                claim("duration", duration_key(str(months), None, "month"), m.start(), m.end())
        if "unit_decimal" in p:   # "4米2" is 4.2 metres
            for m in p["unit_decimal"].finditer(folded):
                claim("measure", measure_key(f"{m['n']}.{m['d']}", self.measure_units[m["u"].lower()]),
                      m.start(), m.end())
        for m in p["measure"].finditer(folded):
            g = m.groupdict()
            unit = self.measure_units[(g["u"] or g["uw"]).lower()]
            value = self.value(g["n"] or g["nw"])
            if g.get("half"):
                value = _plus(value, Decimal("0.5"))
            claim("measure", measure_key(value, unit), m.start(), m.end())
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
        for m in itertools.chain(p["duration_compound"].finditer(folded),   # "3h 30m" is 210 minutes
                                 p["duration_glued"].finditer(folded)):     # "2h30" is 150
            try:
                total = Decimal(self.value(m.group("a"))) * 60 + Decimal(self.value(m.group("b")))
            except InvalidOperation:
                continue
            claim("duration", duration_key(format(total.normalize(), "f"), None, "minute"), m.start(), m.end())
        if "rate" in p:
            for m in p["rate"].finditer(folded):
                # a rate word ("anual", "monthly") is also an adjective ("la
                # anual", "the monthly plan"): only right after its amount
                if not self._after_amount(folded, m.start(), 1 if m.group("w") else _RATE_REACH):
                    continue   # "valid for a month": a duration; "open daily": a schedule
                rate_unit = self._rate_unit(m)
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
        for m in p["weekday_span"].finditer(folded):
            first, last = self.weekday_spans[m.group(0).lower()]
            before = len(facts)
            claim("weekday", f"wd:{first}", m.start(), m.end())
            if len(facts) > before:   # both ends of the run, on the same words
                facts.append(Fact(kind="weekday", key=f"wd:{last}", text=facts[-1].text, span=facts[-1].span))
        for m in p["weekday_ambiguous"].finditer(folded):
            which = "amb" if m.group("amb") else 0
            name = m.group(which)
            claim("weekday", f"wd:{self.ambiguous_weekdays[name.lower()]}", m.start(which), m.end(which))
        for m in p["weekday"].finditer(folded):
            claim("weekday", f"wd:{self.weekdays[m.group(0).lower()]}", m.start(), m.end())
        # before the days from today: "a la mañana siguiente" is not "mañana";
        # but a day from today that runs on past it is that day ("the day after tomorrow")
        from_today = list(p["relative_day"].finditer(folded)) if "relative_day" in p else []
        if "event_day" in p:
            for m in p["event_day"].finditer(folded):
                if any(r.start() < m.end() < r.end() for r in from_today):
                    continue
                claim("relative_day", f"evt:{self.event_days[m.group(0).lower()]}", m.start(), m.end())
        for m in from_today:
            claim("relative_day", f"rel:{self.relative_days[m.group(0).lower()]}", m.start(), m.end())
        # "by the end of the month" -> "this week" moves a deadline as surely as a date does
        if "relative_period" in p:
            for m in p["relative_period"].finditer(folded):
                claim("relative_day", f"per:{self.relative_periods[m.group(0).lower()]}", m.start(), m.end())
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
        for m in _SHORT_UNIT.finditer(text):
            # "1,20m", "24m", "4wk": a number with a unit abbreviation no list
            # knows; the number is the fact (a rewrite writes "1,20 m",
            # "24 months", "四周"), not a code "20M" or "24M"; chat words
            # ("2day", "3q") are in ``not_facts``
            if m.group(0).casefold() in self.not_facts:
                continue
            claim("number", "n:" + self.value(m.group(1)), m.start(1), m.end(1))
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
        parts = [int(x) for x in re.split(r"[/.-]", raw)]
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

    def _claim_spelled_range(self, m: re.Match[str], claim: Any) -> None:
        """Both ends of a range of clock times in words with one day part
        after the second: each end is that day part's hour."""
        half = self.day_parts.get(m.group("dp").lower()) or self.am_pm.get(m.group("dp").lower())
        ends = [(m.group("h"), m.start("h"), m.end("h")), (m.group("h2"), m.start("h2"), m.end())]
        keys = []
        for word, _, _ in ends:
            v = self.value(word)
            if not v.isdigit() or not 1 <= int(v) <= 12:
                return
            keys.append(_clock_key(int(v), 0, half))
        for key, (_, a, b) in zip(keys, ends):
            if key is not None:
                claim("time", key, a, b)

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

    def rate_units_said(self, folded: str) -> set[str]:
        """The units of every rate phrase of a text, wherever it stands: a
        draft's "1.500 € al mese" is kept by "il limite mensile ... 1.500 €",
        though only a phrase after its amount is a rate fact of its own."""
        if "rate" not in self.patterns:
            return set()
        return {unit for m in self.patterns["rate"].finditer(folded) if (unit := self._rate_unit(m)) is not None}

    def _rate_unit(self, m: re.Match[str]) -> str | None:
        """The duration unit a rate match names: "/mese", "per month", "monthly"."""
        said = m.group("u")
        return self.duration_units.get(said.lower()) if said else self.rate_words.get(m.group("w").lower())

    def _after_amount(self, folded: str, at: int, reach: int = 1) -> bool:
        """Whether an amount or a count stands within ``reach`` words before
        ``at`` in the same phrase: a word that holds a digit or ends in a
        currency ("€8", "10GB", "US$"), or a number word ("twice"); a rate
        per something may come between ("$12 per user")."""
        before = folded[max(0, at - 80):at].split()
        # "$12 per user each month", "€5/seat a month": a first rate per
        # something stands between the amount and the rate's unit
        while len(before) >= 3 and before[-2].lower() in self.rate_markers and not before[-1][0].isdigit():
            before = before[:-2]
        # The count may stand a few words back in the same phrase: "4 ore di
        # sala riunioni al mese", "una volta al mese", "2 euro per ogni giorno".
        for raw in reversed(before[-reach:]):
            word = raw.lower()
            if word[-1] in _PHRASE_ENDS:
                return False   # "the 2 rooms, a week later", "31 Jan. Monthly": another phrase
            word = word.rstrip(_PHRASE_ENDS)
            if not word:
                return False
            if _CLOCK_TOKEN.search(word):
                return False   # "6am-11pm daily", "7-10:30 daily": a schedule
            if (any(ch.isdigit() for ch in word) or word in self.number_words
                    or word in self.currencies or word[-1] in self.currencies):
                return True
        return False

    def _after_title(self, folded: str, dot: int) -> bool:
        """Whether the full stop at ``dot`` closes a title ("Sra.", "Mrs.",
        "dott.ssa" has none): then the next word is a name, not a sentence start."""
        j = dot
        while j > 0 and folded[j - 1].isalpha():
            j -= 1
        return folded[j:dot].lower() in self.titles and (j == 0 or not folded[j - 1].isalnum())
