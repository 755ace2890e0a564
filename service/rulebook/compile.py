"""Rule documents to compiled rules: regexes, term tries, one alternation per language.

Everything that can fail on a well-shaped document (a pattern that does not
compile, a language the rule does not declare, patterns that do not combine,
a detector without its data) fails here, once, at load, with the file and
key in the message, never later inside ``check()``.

Speed comes from the shapes built here, not from the engine: term lists
become tries, a rule's case-insensitive patterns become one alternation
that runs on the lower-cased draft, cues of all languages become one regex.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, AbstractSet, Any, Iterable, Iterator, Mapping, Sequence

from service.datafile import DataFileError, shown_path
from service.domain import Message, Role
from service.regex_guard import (
    anchored_at_start,
    first_char_guarded,
    guarded_alternation,
    guarded_if_slow,
    required_literal_sets,
    required_literals,
    trie,
    word_lookbehinds,
)
from service.rulebook.literals import LiteralScan
from service.rulebook.model import AnyLanguageCue, Example, PatternEntry, RewritePair, Rule, TermList
from service.rulebook.schema import ExampleDoc, PatternDoc, RewriteDoc, RuleDoc
from service.textnorm import CJK, LATIN_WORD_CHAR, case_blind_plain, lower_text

if TYPE_CHECKING:
    from service.checks.context import Detector


# Characters that make a Latin term part of something bigger: an email, a URL, a code, a word.
_BEFORE = set("@#/\\.-")
_AFTER = set("'’@#/\\-")
_AFTER_UNITS = set("0123456789.,%元块号个件次位年月日天")


def term_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One trie-shaped regex for a term list.

    Latin terms start at a word boundary or after a CJK character (``term_ok`` then rejects matches
    inside an email, a URL or a code); CJK terms need no boundary; numeric
    slang ("886") must not touch other digits. Terms with an upper-case letter
    match case-sensitively (API is jargon, "api" is Italian for bees); the
    others ignore case.
    """
    terms = {t for t in terms if t}
    cjk = [t for t in terms if CJK.match(t[0])]
    digits = [t for t in terms if t.isdigit()]
    latin = [t for t in terms if t not in cjk and t not in digits]
    ci = [t.lower() for t in latin if not any(ch.isupper() for ch in t)]
    cs = [t for t in latin if any(ch.isupper() for ch in t)]
    branches = []
    word_parts = ([f"(?i:{trie(ci)})"] if ci else []) + ([trie(cs)] if cs else [])
    if word_parts:
        # a word boundary, or a CJK character: Chinese embeds Latin terms with
        # no space ("是CDN节点故障"), and both are \w to ``re``
        branches.append(f"(?<!{LATIN_WORD_CHAR})(?:" + "|".join(word_parts) + ")")
    if cjk:
        branches.append(trie(cjk))
    if digits:
        branches.append(r"(?=\d)(?<![0-9A-Za-z.,#:/\-])(?:" + trie(digits) + ")")
    if not branches:
        return None
    return re.compile(guarded_if_slow("|".join(branches)))


def term_list(table: Mapping[str, str | None]) -> TermList:
    """A term table (term -> replacement) as a ``TermList``."""
    return TermList(term_regex(table), MappingProxyType({t.lower(): r for t, r in table.items()}),
                    tuple(t for t in table if t))


def narrowed_terms(terms: TermList, present: AbstractSet[str]) -> re.Pattern[str] | None:
    """``terms.regex`` for a text whose lower-cased form holds exactly the
    literals of ``terms.literals`` that are in ``present`` (``present`` may
    hold more): the terms whose literal is absent cannot match there, and a
    trie without them finds the same term at every position. None when no
    term can match. The caller checks ``case_blind_plain`` of the text; a
    list ``by_literal`` cannot index keeps its whole regex."""
    if not terms.by_literal:
        return terms.regex
    hits = terms.literals.intersection(present)
    if not hits:
        return None
    keep = frozenset(t for lit in hits for t in terms.by_literal[lit])
    if len(keep) == len(terms.terms):
        return terms.regex
    return terms.memo.get_or_build(keep, lambda: term_regex(keep))


def case_blind_needs(regex: re.Pattern[str]) -> frozenset[str] | None:
    """For a case-blind (IGNORECASE) regex: the lower-cased literals one of
    which the lower-cased text holds wherever it matches, when the text is
    ``case_blind_plain``; None when none can be told."""
    if not regex.flags & re.IGNORECASE:
        return None
    need = required_literals(regex.pattern)  # its case-blind parts: flags aside, the pattern as written
    if not need or not all(map(case_blind_plain, need)):
        return None
    return frozenset(lower_text(lit) for lit in need)


def term_ok(text: str, start: int, end: int) -> bool:
    """Whether a term match stands alone (not inside a word, email, URL, code or amount)."""
    first, last = text[start], text[end - 1]
    if first.isdigit() and last.isdigit():
        nxt = text[end] if end < len(text) else ""
        return not nxt or not (nxt in _AFTER_UNITS or (nxt.isascii() and nxt.isalnum()))
    if not CJK.match(first) and start > 0 and text[start - 1] in _BEFORE:
        return False
    if not CJK.match(last) and end < len(text):
        nxt = text[end]
        if (nxt.isalnum() and not CJK.match(nxt)) or nxt == "_" or nxt in _AFTER:
            return False
        if nxt == "." and end + 1 < len(text) and text[end + 1].isalnum():
            return False
    return True


def find_terms(regex: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """Matches of a term regex that stand alone (see ``term_ok``)."""
    if regex is None or not text:
        return
    for m in regex.finditer(text):
        if m.end() > m.start() and term_ok(text, m.start(), m.end()):
            yield m


def lower_pattern(pattern: str) -> str:
    """``pattern`` for matching lower-cased text without IGNORECASE: literals
    lower-cased, escapes (\\b, \\W, \\u4e00) and group names left alone."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
            j = pattern.find(">", i) if pattern[i + 3] == "<" else pattern.find(")", i)
            j = len(pattern) - 1 if j < 0 else j
            out.append(pattern[i:j + 1])
            i = j + 1
        else:
            out.append(ch.lower())
            i += 1
    return "".join(out)


def any_language(rule: Rule, name: str) -> AnyLanguageCue:
    """Cue ``name`` of every language of ``rule`` in one regex on the
    lower-cased text (no IGNORECASE: much faster), plus one on the text as
    written for the items that must see case ("(?-i:ANCORA)"): one such item
    no longer sends the whole cue down the slower IGNORECASE path."""
    folded: list[str] = []
    exact: list[str] = []
    for lang in rule.languages:
        for item in rule.cue_items.get(lang, {}).get(name, ()):
            # group names are per language so the languages can share one pattern
            item = item.replace("(?P<", f"(?P<{lang}_").replace("(?P=", f"(?P={lang}_")
            (exact if "(?-i" in item else folded).append(item)
    lowered = [lower_pattern(p) for p in folded]
    items = tuple((p, required_literals(p)) for p in lowered)
    literals = {lit for _, need in items for lit in need or ()}
    return AnyLanguageCue(
        re.compile(guarded_alternation(lowered, 0)) if folded else None,
        re.compile(guarded_alternation(exact, re.IGNORECASE), re.IGNORECASE) if exact else None,
        items,
        LiteralScan(literals) if len(items) >= _NARROWED_CUE_ITEMS else None,
        re.compile(guarded_if_slow(trie(literals))) if literals else None,
    )


# A cue of this many alternatives or more is narrowed to those whose literals
# a text holds; below, the literal scan costs about what it saves.
_NARROWED_CUE_ITEMS = 48


# --------------------------------------------------------------------------- rule documents


def _compile(path: Path, key: str, pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(word_lookbehinds(pattern), flags)
    except re.error as exc:
        raise DataFileError(path, key, f"pattern {pattern!r} does not compile: {exc}") from exc


def _condition(path: Path, key: str, pattern: str) -> re.Pattern[str]:
    """A pattern's ``unless_*``/``only_if_customer`` regex, searched over the whole
    draft or conversation: behind a first-character guard where re can't skip
    through the text by itself (a case-blind alternation that opens with
    ``\\b``), the same match in a fraction of the time."""
    _compile(path, key, pattern)  # a bad pattern is named as written
    return re.compile(guarded_if_slow(word_lookbehinds(pattern), re.IGNORECASE), re.IGNORECASE)


def _check_languages(path: Path, key: str, value: Mapping[str, Any], languages: Sequence[str]) -> None:
    for lang in value:
        if lang not in languages:
            raise DataFileError(path, f"{key}.{lang}", f"language not in this rule's languages {list(languages)}")


def _conversation(path: Path, key: str, items: Sequence[Mapping[str, str]]) -> tuple[Message, ...]:
    conv = []
    for j, msg in enumerate(items):
        if len(msg) != 1:
            raise DataFileError(path, f"{key}[{j}]", "a message is {customer: text} or {agent: text}")
        (role, text), = msg.items()
        try:
            conv.append(Message(Role(role), text))
        except ValueError:
            raise DataFileError(path, f"{key}[{j}]", f"unknown role {role!r}") from None
    return tuple(conv)


def _examples(path: Path, key: str, items: Sequence[str | ExampleDoc]) -> tuple[Example, ...]:
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(Example(item))
        else:
            conv = _conversation(path, f"{key}[{i}].conversation", item.conversation)
            out.append(Example(item.text, conv, item.customer_name, item.excerpt, item.suggestion))
    return tuple(out)


def _rewrites(path: Path, key: str, items: Sequence[RewriteDoc]) -> tuple[RewritePair, ...]:
    return tuple(
        RewritePair(item.bad, item.good, _conversation(path, f"{key}[{i}].conversation", item.conversation),
                    item.customer_name)
        for i, item in enumerate(items)
    )


_Needs = dict[str, tuple[tuple[int, str, tuple[str, ...] | None], ...]]
_MoreNeeds = dict[str, Mapping[int, tuple[frozenset[str], ...]]]
_Anchored = dict[str, Mapping[int, re.Pattern[str]]]


def _patterns(path: Path, doc: RuleDoc) -> tuple[dict[str, tuple[PatternEntry, ...]],
                                                  dict[str, tuple[re.Pattern[str] | None, tuple[int, ...]]],
                                                  _Needs, _MoreNeeds, _Anchored]:
    patterns: dict[str, tuple[PatternEntry, ...]] = {}
    anchored: _Anchored = {}
    combined: dict[str, tuple[re.Pattern[str] | None, tuple[int, ...]]] = {}
    needs: _Needs = {}
    more_needs: _MoreNeeds = {}
    for lang, items in doc.patterns.items():
        entries = []
        for i, raw in enumerate(items):
            k = f"patterns.{lang}[{i}]"
            item = PatternDoc(re=raw) if isinstance(raw, str) else raw
            entries.append(PatternEntry(
                _compile(path, f"{k}.re", item.re),
                item.suggestion,
                _condition(path, f"{k}.unless_customer", item.unless_customer) if item.unless_customer else None,
                _condition(path, f"{k}.only_if_customer", item.only_if_customer) if item.only_if_customer else None,
                _condition(path, f"{k}.unless_draft", item.unless_draft) if item.unless_draft else None,
            ))
        patterns[lang] = tuple(entries)
        folded = [i for i, e in enumerate(entries) if "(?-i" not in e.regex.pattern]
        alternation = None
        if folded:
            try:
                alternation = re.compile(first_char_guarded("|".join(
                    f"(?P<_p{i}>{lower_pattern(entries[i].regex.pattern)})" for i in folded)))
            except re.error as exc:
                raise DataFileError(path, f"patterns.{lang}", f"patterns do not combine: {exc}") from exc
        combined[lang] = (alternation, tuple(i for i in range(len(entries)) if i not in folded))
        lowered = [(i, lower_pattern(entries[i].regex.pattern)) for i in folded]
        needs[lang] = tuple((i, p, required_literals(p)) for i, p in lowered)
        more_needs[lang] = MappingProxyType({i: more for i, p, need in needs[lang] if (more := _more_needs(p, need))})
        anchored[lang] = MappingProxyType({i: re.compile(p) for i, p in lowered if anchored_at_start(p)})
    return patterns, combined, needs, more_needs, anchored


# The literal scan that answers ``more_needs`` for a check costs per literal it
# looks for, and short literals ("it", "to") are in nearly every draft: a
# pattern keeps its few most selective other sets, of long literals, as
# measured on the 500-character drafts of bench/rules.py.
_MORE_NEEDS_PER_PATTERN = 2
_MORE_NEEDS_MAX_LITERALS = 16
_MORE_NEEDS_MIN_CHARS = 3


def _more_needs(pattern: str, need: tuple[str, ...] | None) -> tuple[frozenset[str], ...]:
    """The literal sets of ``pattern`` besides ``need`` worth testing before a scan."""
    sets = [s for s in required_literal_sets(pattern) if s != need
            and len(s) <= _MORE_NEEDS_MAX_LITERALS and min(map(len, s)) >= _MORE_NEEDS_MIN_CHARS]
    sets.sort(key=lambda s: (-min(map(len, s)), len(s)))
    return tuple(frozenset(s) for s in sets[:_MORE_NEEDS_PER_PATTERN])


def compile_rule(path: Path, doc: RuleDoc, detectors: Mapping[str, "Detector"]) -> Rule:
    """The compiled ``Rule`` of a validated document; DataFileError names the file and key."""
    languages = tuple(doc.languages)
    for key in ("patterns", "exceptions", "terms", "cues", "examples", "rewrites"):
        _check_languages(path, key, getattr(doc, key), languages)
    if doc.detector not in detectors:
        raise DataFileError(path, "detector", f"unknown detector {doc.detector!r} (known: {', '.join(sorted(detectors))})")

    patterns, combined, needs, more_needs, anchored = _patterns(path, doc)

    exceptions: dict[str, re.Pattern[str] | None] = {}
    for lang, items in doc.exceptions.items():
        for i, item in enumerate(items):
            _compile(path, f"exceptions.{lang}[{i}]", item)
        exceptions[lang] = (re.compile(first_char_guarded("|".join(
            f"(?:{lower_pattern(word_lookbehinds(p))})" for p in items)))
                            if items else None)

    tables: dict[str, dict[str, str | None]] = {
        lang: {t: None for t in mapping} if isinstance(mapping, list) else dict(mapping)
        for lang, mapping in doc.terms.items()}
    # "Pls 重启一下": a Chinese draft's Latin words are read against the English
    # list too, flagged without the English replacement (it would not fit the sentence).
    for lang, source in (doc.params.borrow_terms or {}).items():
        if source not in tables:
            raise DataFileError(path, f"params.borrow_terms.{lang}", f"no term list for {source!r} to borrow")
        own = {t.lower() for t in tables.setdefault(lang, {})}
        tables[lang].update({t: None for t in tables[source] if t.lower() not in own})
    terms: dict[str, TermList] = {}
    for lang, table in tables.items():
        terms[lang] = term_list(table)

    cues: dict[str, Mapping[str, re.Pattern[str]]] = {}
    cue_items: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for lang, groups in doc.cues.items():
        compiled = {}
        sources = {}
        for name, raw in groups.items():
            items = [raw] if isinstance(raw, str) else raw
            if not items:
                raise DataFileError(path, f"cues.{lang}.{name}", "must be a non-empty list of patterns")
            for i, item in enumerate(items):
                _compile(path, f"cues.{lang}.{name}[{i}]", item)
            sources[name] = tuple(word_lookbehinds(p) for p in items)
            compiled[name] = re.compile(guarded_alternation(sources[name], re.IGNORECASE), re.IGNORECASE)
        cues[lang] = MappingProxyType(compiled)
        cue_items[lang] = MappingProxyType(sources)

    bad = {lang: _examples(path, f"examples.{lang}.bad", ex.bad) for lang, ex in doc.examples.items()}
    good = {lang: _examples(path, f"examples.{lang}.good", ex.good) for lang, ex in doc.examples.items()}
    for lang, ex in doc.examples.items():
        for i, good_item in enumerate(ex.good):
            if isinstance(good_item, ExampleDoc) and (good_item.excerpt is not None or good_item.suggestion is not None):
                raise DataFileError(path, f"examples.{lang}.good[{i}]", "a good example has no finding to pin")
    rewrites = {lang: _rewrites(path, f"rewrites.{lang}", items) for lang, items in doc.rewrites.items()}

    params = doc.params.given()
    if "dictionary_dir" in params:
        # a folder the rule names is beside its own (prompts/rules/ -> prompts/spelling/),
        # wherever the deployment keeps its prompts
        params["dictionary_dir"] = str((Path(path).parent / params["dictionary_dir"]).resolve())
    rule = Rule(
        id=doc.id, title=doc.title.strip(), message=" ".join(doc.message.split()),
        severity=doc.severity, sources=tuple(doc.sources), languages=languages, detector=doc.detector,
        fix=doc.fix, params=MappingProxyType(params), patterns=MappingProxyType(patterns),
        combined=MappingProxyType(combined), needs=MappingProxyType(needs), more_needs=MappingProxyType(more_needs),
        anchored=MappingProxyType(anchored),
        exceptions=MappingProxyType(exceptions), terms=MappingProxyType(terms),
        cues=MappingProxyType(cues), cue_items=MappingProxyType(cue_items), bad=MappingProxyType(bad), good=MappingProxyType(good),
        rewrites=MappingProxyType(rewrites), file=shown_path(path),
    )
    detectors[doc.detector].validate(rule, path)
    return rule
