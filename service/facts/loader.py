"""Loading ``prompts/guard/<lang>.yaml`` into a ``Lexicon``: validation
through the typed schema, word lists widened (unaccented forms, articled
prepositions, compound numbers) and every phrase list compiled once."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from service.content import load_content_lexicon
from service.datafile import DataFileError, load_model
from service.textnorm import CJK_CLASS, strip_accents
from service.domain import Fact
from service.guard_schema import CompoundNumbersDoc, LexiconDoc
from service.regex_guard import first_char_guarded, phrase_alternation, word_lookbehinds
from service.facts.keys import (CJK_DIGITS, DEFAULT_GUARD_DIR, _ASCII_WORD, _TLDS, _alt)
from service.facts.lexicon import Lexicon


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


def _with_plurals(words: dict[str, Any], endings: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Each phrase also with its last word in the plural, by the longest
    suffix rule of ``endings`` that fits; a form already listed keeps its own value."""
    if not endings:
        return words
    rules = sorted(endings.items(), key=lambda kv: -len(kv[0]))
    out = dict(words)
    for phrase, value in words.items():
        last = phrase.rsplit(" ", 1)[-1]
        if len(last) < 3 or not last.isalpha():
            continue   # "24h" is no noun: "24hs" is a duration
        suffix, forms = next(((s, f) for s, f in rules if phrase.endswith(s)), ("", ()))
        for form in forms:
            out.setdefault(phrase[:len(phrase) - len(suffix)] + form, value)
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
        if wb and item != item.rstrip():
            # The alternation ends at a word edge, so a phrase ending in a
            # space ("non deve ") could never match: it would be dead data.
            raise DataFileError(file, f"{key}[{i}]", "ends in a space, so it can never match "
                                "(a word edge follows every phrase)")
    items = [word_lookbehinds(item) for item in items]
    if contracted:
        items = [_with_contractions(item, contracted) for item in items]
    body = phrase_alternation(items) if items else r"(?!x)x"
    return _bounded(body, wb)


# What joins two days of a schedule: "lun-vie", "mar y jue", "lun a mié", "mar, jue".
_WEEKDAY_JOIN = r"[-–/,&]|\b(?:y|e|a|al|o|to|and|or)\b"

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
    ambiguous_days = _lower_keys(doc.ambiguous_weekdays)
    day_spans = {k: (v[0], v[1]) for k, v in _with_unaccented(_lower_keys(doc.weekday_spans)).items()}
    relative_days = _with_unaccented(_lower_keys(doc.relative_days))
    event_days = _with_unaccented(_lower_keys(doc.event_days))
    relative_periods = _with_unaccented(_lower_keys(doc.relative_periods))
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
    month_phrases = _with_unaccented(_lower_keys(doc.month_phrases))
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
    # Chinese chat writes ten thousand as "w" ("5w行", "限额2w"): a watt is "W".
    magnitude = r"(?:[万亿]|(?-i:w)(?![A-Za-z]))?"
    num = r"(?<!\d)(?<!\d[.,])\d+(?:[.,]\d+)*" + (magnitude if cjk else r"(?:k(?![A-Za-z]))?")
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
    # one fixed-width lookbehind per article ("el ", "il "): re allows no other
    after_article = "|".join(rf"(?<=(?<!\w){re.escape(a)}\s)" for a in doc.day_articles)
    dash_day = (rf"|(?:{after_article})(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])(?![-\d])"
                if doc.day_articles else "")
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
    colon_sfx = rf"(?:\s?(?:{_alt(sfx)})(?![A-Za-z0-9_]))?" if sfx else ""

    hour_units = [w for w, u in units.items() if u == "hour"]
    minute_units = [w for w, u in units.items() if u == "minute"] + list(doc.compound_minute_units)
    raw_patterns: dict[str, str] = {
        # a link ends where Chinese words begin: "请登录www.acme.com查看"
        "url": (rf"(?:https?://|www\.)[^\s<>\"“”'（）。，、{CJK_CLASS}]+|(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9-]+\.)+"
                rf"(?:{_TLDS})(?:/[^\s<>\"“”。，{CJK_CLASS}]*)?{na}"),
        "email": r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        # A bracket only around an area code at the front: "(800) 555-0199",
        # "+39 (0)2 1234 5678"; never "0199 (24/7)".
        "phone": (rf"(?<![A-Za-z0-9_+\-.()])\+?(?:\d{{1,3}}[ \-.]?)?(?:\(\d{{1,4}}\)[ \-.]?)?"
                  rf"\d(?:\d|[ \-.](?=\d))+\d{na}"),
        "date_iso": rf"{nb}(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){na}",
        "date_ymd_slash": rf"{nb}(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}}){na}",
        # "31/12", "25.05.2023", "03-11-2025"; with dashes and no year only
        # after the day's article ("el 12-06", "il 03-11"): "08-12" alone is hours
        "date_slash": (rf"{nb}(?:\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}"
                       rf"|\d{{1,2}}-\d{{1,2}}-\d{{4}}{dash_day}){na}"),
        # A range of days shares one month: "dal 1° al 10 settembre", "June 1-10".
        "date_named": (rf"{nb}(?:(?P<d0>\d{{1,2}}){ordinal}{range_re}{day_article})?(?P<d1>{day}){ordinal}{conn_re}(?P<mo1>{months_alt})"
                       rf"(?:,?\s+(?:de\s+|del\s+)?(?P<y1>\d{{4}}))?"
                       rf"|(?P<mo2>{months_alt})\s+(?:the\s+)?(?P<d2>{day}){ordinal}{na}"
                       rf"(?:{range_re}{day_article}(?P<d3>\d{{1,2}}){ordinal}{na})?(?:,?\s+(?P<y2>\d{{4}}))?"),
        # "9:30h", "18:00 hs": the language's hour suffix is part of the time, never "30h" of a duration
        # The first day of a range that shares the second's month: "del 3 al 17/09"
        "date_slash_from": (rf"{nb}(?<![/.])(?P<d0>\d{{1,2}}){ordinal}{range_re}{day_article}"
                            rf"(?P<to>\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?){na}"),
        # A month of a year: "09/2025" (as a card's expiry is written; "3/2025"
        # may be an invoice's number), "settembre 2025", "septiembre de 2025":
        # one date, not the numbers 9 and 2025. A range of months shares the
        # year: "from September to December 2025", "de septiembre a diciembre de 2025".
        "date_month_year": (rf"{nb}(?P<m1>0[1-9]|1[0-2])/(?P<y1>\d{{4}}){na}"
                            rf"|(?:(?P<mo0>{months_alt}){range_re})?(?P<mo>{months_alt})\s+(?:(?:de|del|di|of)\s+)?"
                            rf"(?P<y2>\d{{4}}){na}"),
        "time_colon": (rf"{nb}(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?:\s?(?P<ap>{_alt(ampm)})(?![A-Za-z0-9_])|{colon_sfx}{na})"
                       # "下午2:30": a day part before the clock says its half
                       if ampm else rf"(?P<pre>{_alt(time_prefixes)})?{nb}(?P<h>\d{{1,2}}):(?P<m>\d{{2}}){colon_sfx}{na}"),
        # A number word takes only a currency word after it: "a $75 fee" is no "a $".
        "amount": (rf"(?P<c1>{cur})\s?(?P<n1>{num})|(?P<n2>{numh})\s?(?P<c2>{B(_alt(words))}){subunit_tail}"
                   rf"|(?P<n3>{num}|{cjk_num or '(?!x)x'})\s?(?P<c3>{_alt(symbols)})"),
        "percent": rf"(?P<n1>{numh})\s?(?:{pct_after})" + (rf"|(?P<pre>{_alt(pct_pre)})(?P<n2>{numx})" if pct_pre else ""),
        # "two and a half hours" is said "due ore e mezza", "2 horas y media", "两个半小时"
        "duration": (rf"(?P<a>{numh})\+?(?:{range_re}(?P<b>{numh}))?\+?[\s'’-]?(?:个)?(?P<u>(?<![^\W\d_])(?:{_alt(units)})(?!\w))"
                     + half_tail
                     # "前一天", "第3天", "下一年": the day before, day 3, next year: a point
                     # in time, not a stretch ("起飞前45分钟", in digits, is a stretch);
                     # "一年级" is first grade; "周六周日" is Saturday and Sunday, not "六周"
                     if wb else rf"(?<!第)(?:(?<![^提]前)(?<!^前)|(?=\d))(?<![上下周])(?<!星期)(?<!礼拜)(?P<a>{numx})(?:{range_re}(?P<b>{numx}))?[\s-]?(?:个)?(?P<half>半(?:个)?)?(?P<u>{_alt(units)})(?!级)(?!(?<=[周期拜])[一二三四五六日天末](?!次))"),
        **({"rate": (rf"(?:(?P<m>/\s?|(?<![^\W\d_])(?:{_alt(doc.rates.markers)})(?:\s+|(?<=['’])))(?P<u>{_alt(units)})(?!\w)"
                     rf"|(?<![^\W\d_])(?P<w>{_alt(doc.rates.words)})(?!\w))")}
           if wb and doc.rates.markers else {}),
        "duration_compound": (
            rf"(?P<a>{num})\s?(?P<u1>{_alt(hour_units)})(?:\s*,?\s*(?:{_alt(doc.duration_joiners) if doc.duration_joiners else '(?!x)x'})\s*|\s?)"
            rf"(?P<b>{num})\s?(?P<u2>{_alt(minute_units)}){na if wb else ''}") if hour_units and minute_units else "(?!x)x",
        # "2h30" (es, it, en chat): hours and minutes glued, no minute unit; after
        # a time cue ("a las 21h30") it is read as a time first
        "duration_glued": (r"(?<![\w.,:])(?P<a>\d{1,2})h(?P<b>[0-5]\d)(?![\w:])"
                           if "h" in hour_units else r"(?!x)x"),
        "weekday": B(_alt(weekdays)) + ("" if wb else "(?!次)"),   # "每周一次" is once a week
        # An ambiguous abbreviation is a weekday joined to a weekday ("mar y
        # jue", "lun-mar") or before a time ("mar 9-12"), never alone ("el mar").
        # "3个工作日" is a count of days; "工作日9点到18点" the days
        "weekday_span": (rf"(?<![\d{CJK_DIGITS}个]){B(_alt(day_spans))}" if day_spans else r"(?!x)x"),
        "weekday_ambiguous": (
            rf"{B(_alt(ambiguous_days))}(?=\s*(?:{_WEEKDAY_JOIN})\s*{B(_alt(weekdays))}|\s*\d)"
            rf"|{B(_alt(weekdays))}\s*(?:{_WEEKDAY_JOIN})\s*(?P<amb>{B(_alt(ambiguous_days))})"
            if ambiguous_days else r"(?!x)x"),
        "id": rf"#[A-Za-z0-9-]*\d[A-Za-z0-9-]*|(?<![A-Za-z0-9_-])(?<!\d[.,])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*{na}",
        # Not the tail of "1.5" or "v2,3"; but a Chinese text's half-width
        # comma ("从系统里看,3号桩") is punctuation, as its "，" is.
        "number": (rf"(?<![{_ASCII_WORD}])(?:(?<![.,])|(?<=[{CJK_CLASS}][.,]))"
                   rf"(?P<n>\d+(?:[.,]\d+)*{magnitude if cjk else ''}){ordinal}{na}"),
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
        # "entre las ocho y las nueve de la mañana", "dalle otto alle nove di
        # mattina", "from eight to nine in the morning": the day part is both ends'
        cue_opt = rf"(?:{B(_alt(cues))}\s+)?" if cues else ""
        raw_patterns["time_spelled_range"] = (
            rf"{cue_opt}(?P<h>{B(numw)})\s+(?:to|and|a|al|alle|e|y)\s+{cue_opt}(?P<h2>{B(numw)})"
            rf"\s+(?P<dp>{dp_alt})(?!\w)")
        if doc.minute_phrases_before:   # "half past nine", "a quarter to nine in the morning"
            raw_patterns["time_spelled_before"] = (
                rf"(?<!\w)(?P<half>{_alt(_lower_keys(doc.minute_phrases_before))})\s+(?P<h>{B(numw)}|\d{{1,2}}(?![\d:.]))"
                # "five to seven business days" is a range of days, no 6:55
                rf"(?!\s+(?:\w+\s+)?{B(_alt(units))})"
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
    if month_phrases:
        raw_patterns["month_phrase"] = B(_alt(month_phrases))
    if ampm:
        raw_patterns["time_ampm"] = rf"{nb}(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s?(?P<ap>{_alt(ampm)})(?!\w)"
    ap_alt = _alt(ampm) if ampm else r"(?!x)x"
    hour_sfx = _alt(sfx) or r"(?!x)x"
    raw_patterns["time_range"] = (
        rf"{nb}(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?\s?(?:-|–|\s(?:to|and|a|al|alle|e|y)\s)\s?(?P<h2>\d{{1,2}})"
        rf"(?:[:.](?P<m2>\d{{2}}))?(?:\s?(?P<ap>{ap_alt})|\s?(?P<hs>{hour_sfx}))?(?![\w%]|[:.]\d)")
    if cues:
        # "at 14:02", "alle 18.30", "a partir de las 15h"; never "at 12,99 €".
        cue_end = rf"(?:\s?(?:{_alt(sfx)})(?![A-Za-z0-9_])|{na})" if sfx else na
        # "at 12 noon" is the clock word's ("12 noon"), not "at 12" and a "noon" more
        spelled_hour = rf"(?!\s+{B(_alt(clock_words))})" if clock_words else ""
        followers = _alt(doc.article_time_followers) if doc.article_time_followers else r"(?!x)x"
        # "las 3 últimas nóminas" counts (a plural word after it); "las 3 de la tarde",
        # "sobre las 5 aproximadamente", "a las 3 cosas": a time as before
        count_after_article = (rf"(?<!\w)(?:{_alt(doc.article_time_cues)})\s+\d{{1,2}}\s+(?!(?:{followers})(?!\w))[^\W\d_]{{2,}}s(?!\w)"
                               if doc.article_time_cues else r"(?!x)x")
        raw_patterns["time_cue"] = (rf"(?!{count_after_article}){B(_alt(cues))}\s+(?P<h>\d{{1,2}})(?:[.h:](?P<m>\d{{2}}))?"
                                    rf"{spelled_hour}{cue_end}(?![.,:]\d)")
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
        # A year never starts inside a code: "FT-60219年卡" is card FT-60219's annual pass.
        raw_patterns["date_cjk_partial"] = (rf"(?<![A-Za-z0-9-])(?P<y>\d{{4}})年(?:(?P<m>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月)?"
                                            rf"|(?<![{CJK_DIGITS}\d个])(?P<m2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月")
        raw_patterns["date_cjk"] = (rf"(?:(?<![A-Za-z0-9-])(?P<y>\d{{4}})年)?(?P<m>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})月"
                                    rf"(?P<d>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})[日号]?"
                                    # "9月1日至10日", "9月1-10日": the last day shares the month
                                    rf"(?:(?P<sep>\s*(?:-|–|~|至|到)\s*)(?P<d2>\d{{1,2}}|[{CJK_DIGITS}]{{1,3}})[日号])?"
                                    # "11月14" in a chat: a day in digits with no 日 before a word that counts nothing
                                    rf"(?(d2)|(?:(?<=[日号])|(?<=\d)(?![\d.,:：天个周月年小分点时次元块件位倍%％])))")
        # Lunar New Year days: "除夕到初三闭馆，初四开始营业". 初三 alone is also
        # a school year (ninth grade): a day only beside a span word or 正月/除夕.
        raw_patterns["date_lunar"] = (r"(?:正月|(?<=[到至从起])|(?<=除夕))初(?P<n>[一二三四五六七八九十])"
                                      r"|初(?P<n2>[一二三四五六七八九十])(?=[到至起开闭营放上恢前后])")
    if relative_days:
        # "por la mañana", "esa misma mañana": the morning, not tomorrow
        not_after = "".join(rf"(?<!\b{re.escape(w)} )" for w in doc.relative_day_not_after)
        raw_patterns["relative_day"] = not_after + B(_alt(relative_days))
    if event_days:
        raw_patterns["event_day"] = B(_alt(event_days))
    if relative_periods:
        raw_patterns["relative_period"] = B(_alt(relative_periods))
    if doc.decimal_after_unit:   # "4米2": the digit after the unit is its tenths
        raw_patterns["unit_decimal"] = (rf"(?<![\d.,])(?P<n>\d{{1,3}})(?P<u>{_alt(doc.decimal_after_unit)})"
                                        rf"(?P<d>\d)(?!\d|[.,]\d)")
    raw_patterns["absolute"] = alt(doc.absolute_phrases, "absolute_phrases")
    for key in ("negations", "post_negations", "refusals", "preserving", "affirmations", "hedges",
                "not_negations"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    # "check if the cable is plugged in": an indirect question, not a condition
    raw_patterns["not_conditions"] = alt(doc.not_conditions, "not_conditions")
    raw_patterns["unknowns"] = alt(doc.unknowns, "unknowns")
    initials = dict(doc.weekday_initials)   # case kept: "L", not "l"
    for letter in initials:
        if len(letter) != 1 or not letter.isupper():
            raise DataFileError(file, f"weekday_initials.{letter}", "must map one capital letter to a day 1-7")
    # "L-V", "L a V", "M-F": a range of weekday initials (capitals only, both ends)
    raw_patterns["weekday_initials"] = (
        rf"(?-i:(?<![\w-])(?P<a>[{''.join(initials)}])(?:\s?[-–/]\s?|\s(?:a|al|to)\s)(?P<b>[{''.join(initials)}])(?![\w-]))"
        if initials else r"(?!x)x")
    for key in ("identifier_cues", "limits"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    channels = _with_plurals(_with_unaccented(_lower_keys(doc.channels)), doc.plural_endings)
    # A unit written in capitals matches only in capitals: "10A" is ten
    # amperes, the "a" of "10 a day" is no unit.
    capital_units = [u for u in doc.measure_units if u.isupper() and u.isalpha()]
    measure_units = _with_unaccented(_lower_keys(doc.measure_units))
    # "2,5 kg", "due chili e mezzo", "two and a half kilos": spelled numbers
    # take only unit words of three letters or more ("one g" is no measure).
    word_units = [u for u in measure_units if len(u) >= 3 and u.isalpha()]
    spelled_measure = (rf"|(?P<nw>{B(numw)}{half_suffix})\s(?P<uw>{_alt(word_units)})"
                       if numw and word_units and wb else "")
    # A unit ends its word: "200 A5" (a paper size) is no 200 amperes, and
    # "3378 l'ufficio" no 3378 litres (an elided article).
    unit_end = r"(?![^\W_]|['’])" if wb else r"(?![A-Za-z0-9])"
    # A Chinese "5w" is ten thousand (``magnitude``); only "65W" is watts.
    folded_capitals = {u.lower() for u in capital_units} | ({"w"} if cjk and "w" in measure_units else set())
    unit_words = "|".join(filter(None, [_alt([u for u in measure_units if u not in folded_capitals]),
                                        *(f"(?-i:{u.upper()})" for u in sorted(folded_capitals))]))
    # "a 120-litre bag", "a 10-amp socket": a hyphen joins a number to a unit word
    hyphen = rf"|-(?=(?:{_alt(word_units)}){unit_end})" if word_units else ""
    # Not the digits of a code ("ZX-40A" is no 40 amperes).
    raw_patterns["measure"] = (rf"(?<![A-Za-z0-9_-])(?:(?P<n>(?:{num}){half_suffix})(?:\s?{hyphen})(?P<u>{unit_words}){spelled_measure}){unit_end}{half_tail}"
                               if measure_units
                               else r"(?!x)x")
    for key in ("lapsed", "causes", "consequences", "delivery_verbs", "attempts", "causes_before", "help_words",
                "speculation", "purpose", "request_heads", "vouching", "empathy", "prohibitions", "notices", "personal_promises", "future_actions", "instructions",
                "alternatives", "requirements", "condition_before", "offers", "self_reference", "softeners",
                "conditional_markers", "back_references", "otherwise_markers", "non_exclusive", "exclusive_conditions",
                "still_negative", "frequency", "absence", "fallback_cues", "fallback_persistence", "counters",
                "requests", "prospective", "future", "after_head", "weakeners", "gerund", "disjunctions",
                "cause_prepositions", "pronoun_waivers", "done_markers", "optional_words", "list_announcers", "completion_words", "cost_words",
                "approximators", "approximators_after", "lower_bounds", "lower_bounds_after", "upper_bounds",
                "upper_bounds_after", "obligations", "counted_back", "guesses", "bounds", "bounds_kept", "purpose_heads", "delivery_words", "history_claims"):
        raw_patterns[key] = alt(getattr(doc, key), key)
    raw_patterns["channel"] = B(_alt(channels)) if channels else r"(?!x)x"
    # a prefix at a word's start, the rest of the word after it ("in|compatibile")
    raw_patterns["negative_prefixes"] = _alt(doc.negative_prefixes) if doc.negative_prefixes else r"(?!x)x"
    # right after a number's digits: no boundary before it, a word's end after it
    raw_patterns["ordinal_suffix"] = (rf"(?:{_alt(doc.ordinal_suffix)})(?![^\W\d_])" if doc.ordinal_suffix
                                      else r"(?!x)x")
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
    outcomes = {kind: _compile(alt(items, f"outcomes.{kind}"), file, f"outcomes.{kind}")
                for kind, items in doc.outcomes.items()}
    quote_patterns = []
    for i, pair in enumerate(doc.quotes):
        o, c = (re.escape(x) for x in pair)
        quote_patterns.append(_compile(rf"{o}([^{o}{c}\n]{{1,80}}){c}", file, f"quotes[{i}]"))
    return Lexicon(
        language=lang, file=file, decimal=dec, number_words=number_words,
        ordinal_words=_with_unaccented(_lower_keys(doc.ordinal_words)), weekdays=weekdays,
        low_ordinals=_with_unaccented(_lower_keys(doc.low_ordinals)),
        relative_days=relative_days, event_days=event_days, relative_periods=relative_periods, day_words=day_words, minute_phrases_before=_lower_keys(doc.minute_phrases_before),
        months=months, currencies=currencies, duration_units=units,
        rate_words={w.lower(): units.get(u.lower(), u.lower()) for w, u in doc.rates.words.items()},
        rate_markers=frozenset(w.lower() for w in doc.rates.markers),
        am_pm=am_pm, time_prefixes=time_prefixes, day_parts=day_parts, clock_words=clock_words,
        articles=frozenset(w.lower() for w in doc.articles),
        minute_phrases=minute_phrases, half_after=tuple(sorted(half_after, key=len, reverse=True)),
        fraction_prefixes=fraction_prefixes, fraction_words=fraction_words,
        duration_phrases=duration_phrases, month_phrases=month_phrases, weekday_initials=initials, ambiguous_weekdays=ambiguous_days,
        weekday_spans=day_spans,
        chat_digits=frozenset(doc.chat_digits),
        numbered_nouns=frozenset(w.lower() for w in [*doc.numbered_nouns, *doc.identifier_cues]),
        name_stopwords=frozenset(doc.name_stopwords), titles=frozenset(t.lower() for t in doc.titles),
        not_facts=frozenset(x.casefold() for x in doc.not_facts),
        topic_stopwords=frozenset(x.casefold() for x in doc.topic_stopwords),
        word_boundaries=wb, patterns=patterns, commitments=commitments, outcomes=outcomes, quote_patterns=quote_patterns,
        channels=channels, conditions=conditions, measure_units=measure_units,
        date_order=doc.date_order, clock_digits=doc.clock_digits,
        content=load_content_lexicon(doc, file, lang, wb),
    )


def load_lexicons(data_dir: Path) -> dict[str, Lexicon]:
    """Every ``*.yaml`` in ``data_dir``, keyed by language code.

    A file read before with the same bytes gives the same compiled lexicon:
    compiling one costs about half a second (thousands of patterns, more
    than ``re``'s own cache holds), and a lexicon is never changed once
    loaded, so a second Guard in one process (the tests build hundreds)
    need not pay it again."""
    files = sorted(f for f in Path(data_dir).glob("*.yaml") if not f.name.startswith("_"))
    if not files:
        raise DataFileError(data_dir, "(directory)", "no <lang>.yaml guard files found")
    return {f.stem: _load_lexicon_once(f.resolve(), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files}


@lru_cache(maxsize=16)
def _load_lexicon_once(file: Path, digest: str) -> Lexicon:
    """``load_lexicon``, once per file and content (``digest``)."""
    return load_lexicon(file)


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
