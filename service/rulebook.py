"""The etiquette rulebook: rule data from ``prompts/``, validated at start-up.

The rules are data (YAML under ``prompts/rules/``, glossaries under
``prompts/glossary/``) so a deployment can add a term, a glossary or a language
without a code change. Everything that can fail (unknown keys, bad severities,
patterns that don't compile, ids outside the catalogue) fails here, once, with
the file and key in the message, never later inside ``check()``.

``check()`` only runs precompiled regexes over the draft and the conversation,
so it stays linear in their length.

A rule file (one rule per YAML document; several documents or a list per file
are fine) has these keys:

- ``id`` (from the catalogue), ``title``, ``message``, ``severity``
  (suggestion/warning/error), ``sources`` (``"<seed file>, rule N"`` or
  ``'<seed file>, "Section"'``), ``languages`` (base tags);
- ``detector``: the detector family in ``service/checks`` that applies it;
- ``params``: detector settings (thresholds, acronym list...);
- ``terms``: per language, term -> literal replacement ("" deletes, null =
  flag without a replacement), or a plain list;
- ``patterns``: per language, regexes (case-insensitive) or mappings with
  ``re``, ``suggestion``, ``unless_customer``/``only_if_customer`` (a regex
  over the customer's messages);
- ``exceptions``: per language, regexes whose matches are never flagged
  ("never mind", "come mai");
- ``cues``: per language, named regex lists the conversation detectors read
  (what an escalation request, a refusal or an upset customer looks like);
- ``examples``: per language, ``bad`` and ``good`` drafts (a string, or a
  mapping with ``text``, ``conversation: [{customer: ...}, {agent: ...}]``
  and ``customer_name``); every one of them runs as a test;
- ``rewrites``: per language, a list of paired examples ``{bad: draft that
  breaks this rule, good: an honest rewrite of it that fixes the rule}``, with
  the same optional ``conversation`` and ``customer_name`` as ``examples``; each
  pair runs as a test of the rule (bad flagged, good not) and of the guard
  (good is an honest rewrite of bad).

A glossary file is ``{language: xx, terms: {technical term: plain words}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import yaml

from service.domain import Message, Severity, Violation
from service.regex_guard import first_char_guarded, unguarded

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROMPTS = REPO_ROOT / "prompts"

# The contract of RULES.md (the rule catalogue), in its order, then our additions.
CATALOGUE: tuple[str, ...] = (
    "no-slang", "no-shouting", "no-jargon", "no-absolutes", "no-unkept-promises",
    "positive-framing", "no-sarcasm", "no-excuses-or-blame", "show-empathy",
    "greet-properly", "neutral-address", "use-name", "close-on-high-note",
    "keep-it-short", "no-one-word-replies", "dont-ask-twice", "communicate-status",
    "no-deflection", "honor-escalation", "no-personal-opinion", "no-pressure",
    "stay-on-topic", "correct-spelling", "mirror-customer",
    # Beyond RULES.md (the prompt-injection issue): never insult or swear.
    "no-insults",
)
BASE_LANGUAGE_ORDER = ("en", "it", "es", "zh")

_RULE_KEYS = {
    "id", "title", "message", "severity", "sources", "languages", "detector",
    "params", "patterns", "exceptions", "terms", "cues", "examples", "rewrites", "notes",
}
_REQUIRED = ("id", "title", "message", "severity", "sources", "languages", "detector")
_PATTERN_KEYS = {"re", "suggestion", "unless_customer", "only_if_customer"}
_EXAMPLE_KEYS = {"text", "conversation", "customer_name"}
_REWRITE_KEYS = {"bad", "good", "conversation", "customer_name"}
_SOURCE_RE = re.compile(r'^\d{3}_[0-9a-f]{16}\.txt, (?:rule \d+|item \d+|"[^"]+")$')
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class RulebookError(Exception):
    """Invalid rule data; the message names the file and the key."""


@dataclass(frozen=True)
class PatternEntry:
    regex: re.Pattern[str]
    suggestion: str | None = None
    unless_customer: re.Pattern[str] | None = None
    only_if_customer: re.Pattern[str] | None = None


@dataclass(frozen=True)
class TermList:
    """A compiled alternation of literal terms and the replacement of each.

    ``replacements[term.lower()]`` is the drop-in replacement ("" deletes the
    term, None means there is no safe literal replacement).
    """

    regex: re.Pattern[str] | None
    replacements: Mapping[str, str | None]

    def replacement(self, excerpt: str) -> str | None:
        return self.replacements.get(excerpt.lower())


@dataclass(frozen=True)
class Example:
    text: str
    conversation: tuple[Message, ...] = ()
    customer_name: str = ""


@dataclass(frozen=True)
class RewritePair:
    """A draft that breaks a rule (``bad``) and an honest rewrite of it that fixes it (``good``)."""

    bad: str
    good: str
    conversation: tuple[Message, ...] = ()
    customer_name: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    message: str
    severity: Severity
    sources: tuple[str, ...]
    languages: tuple[str, ...]
    detector: str = "patterns"
    params: Mapping[str, Any] = field(default_factory=dict)
    patterns: Mapping[str, tuple[PatternEntry, ...]] = field(default_factory=dict)
    # Per language: the case-insensitive patterns folded into one alternation
    # (groups _p<index>) that runs on the lower-cased draft, plus the indexes of
    # case-sensitive patterns that run one by one. One scan, no IGNORECASE:
    # several times faster than a scan per pattern.
    combined: Mapping[str, tuple[re.Pattern[str] | None, tuple[int, ...]]] = field(default_factory=dict)
    exceptions: Mapping[str, re.Pattern[str] | None] = field(default_factory=dict)
    terms: Mapping[str, TermList] = field(default_factory=dict)
    cues: Mapping[str, Mapping[str, re.Pattern[str]]] = field(default_factory=dict)
    bad: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    good: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    rewrites: Mapping[str, tuple[RewritePair, ...]] = field(default_factory=dict)
    file: str = ""

    def __hash__(self) -> int:  # the data holds mappings; a rule is identified by its id
        return hash(self.id)

    @property
    def source(self) -> str:
        return "; ".join(self.sources)

    def cue(self, language: str, name: str) -> re.Pattern[str] | None:
        return self.cues.get(language, {}).get(name)


def _trie(words: Iterable[str]) -> str:
    """A regex for a set of literals as a trie ("pls|plz" -> "pl[sz]"), so the engine
    does not try every alternative at every position; longer matches win."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return render(root)


# Characters that make a Latin term part of something bigger: an email, a URL, a code, a word.
_BEFORE = set("@#/\\.-")
_AFTER = set("'’@#/\\-")
_AFTER_UNITS = set("0123456789.,%元块号个件次位年月日天")


def term_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One trie-shaped regex for a term list.

    Latin terms start at a word boundary (``term_ok`` then rejects matches
    inside an email, a URL or a code); CJK terms need no boundary; numeric
    slang ("886") must not touch other digits. Terms with an upper-case letter
    match case-sensitively (API is jargon, "api" is Italian for bees); the
    others ignore case.
    """
    terms = {t for t in terms if t}
    cjk = [t for t in terms if _CJK.match(t[0])]
    digits = [t for t in terms if t.isdigit()]
    latin = [t for t in terms if t not in cjk and t not in digits]
    ci = [t.lower() for t in latin if not any(ch.isupper() for ch in t)]
    cs = [t for t in latin if any(ch.isupper() for ch in t)]
    branches = []
    word_parts = ([f"(?i:{_trie(ci)})"] if ci else []) + ([_trie(cs)] if cs else [])
    if word_parts:
        branches.append(r"\b(?:" + "|".join(word_parts) + ")")
    if cjk:
        branches.append(_trie(cjk))
    if digits:
        branches.append(r"(?=\d)(?<![0-9A-Za-z.,#:/\-])(?:" + _trie(digits) + ")")
    if not branches:
        return None
    return re.compile(first_char_guarded("|".join(branches)))


def term_ok(text: str, start: int, end: int) -> bool:
    """Whether a term match stands alone (not inside a word, email, URL, code or amount)."""
    first, last = text[start], text[end - 1]
    if first.isdigit() and last.isdigit():
        nxt = text[end] if end < len(text) else ""
        return not nxt or not (nxt in _AFTER_UNITS or (nxt.isascii() and nxt.isalnum()))
    if not _CJK.match(first) and start > 0 and text[start - 1] in _BEFORE:
        return False
    if not _CJK.match(last) and end < len(text):
        nxt = text[end]
        if (nxt.isalnum() and not _CJK.match(nxt)) or nxt == "_" or nxt in _AFTER:
            return False
        if nxt == "." and end + 1 < len(text) and text[end + 1].isalnum():
            return False
    return True


def find_terms(regex: re.Pattern[str] | None, text: str):
    """Matches of a term regex that stand alone (see ``term_ok``)."""
    if regex is None or not text:
        return
    for m in regex.finditer(text):
        if m.end() > m.start() and term_ok(text, m.start(), m.end()):
            yield m


def _any_language(rule: Rule, name: str) -> tuple[re.Pattern[str], bool]:
    """Cue ``name`` of every language of ``rule`` in one regex, and whether it
    runs on lower-cased text (no IGNORECASE: much faster) or needs the original."""
    parts = []
    for lang in rule.languages:
        cue = rule.cues.get(lang, {}).get(name)
        if cue is not None:
            # group names are per language so the languages can share one pattern
            parts.append(unguarded(cue.pattern).replace("(?P<", f"(?P<{lang}_").replace("(?P=", f"(?P={lang}_"))
    if any("(?-i" in p for p in parts):
        return re.compile(first_char_guarded("|".join(f"(?:{p})" for p in parts), re.IGNORECASE), re.IGNORECASE), False
    return re.compile(first_char_guarded("|".join(f"(?:{lower_pattern(p)})" for p in parts))), True


class Rulebook:
    """All rules by id, in catalogue order, plus the detectors that apply them."""

    def __init__(self, rules: Mapping[str, Rule], glossary: Mapping[str, Mapping[str, str]]) -> None:
        from service import checks  # the detectors; imported here to keep rule data importable alone
        from service.checks.context import Context
        from service.language import LanguageDetector

        self.rules: Mapping[str, Rule] = MappingProxyType(dict(rules))
        langs = {lang for rule in rules.values() for lang in rule.languages}
        self.languages: tuple[str, ...] = tuple(
            [l for l in BASE_LANGUAGE_ORDER if l in langs] + sorted(langs - set(BASE_LANGUAGE_ORDER))
        )
        self.glossary: Mapping[str, Mapping[str, str]] = MappingProxyType(
            {lang: MappingProxyType(dict(terms)) for lang, terms in glossary.items()}
        )
        self.glossary_terms: Mapping[str, TermList] = MappingProxyType({
            lang: TermList(term_regex(terms), MappingProxyType({k.lower(): v for k, v in terms.items()}))
            for lang, terms in glossary.items()
        })
        # Built once: lingua model construction is the expensive part.
        self.detector = LanguageDetector(self.languages)
        self._detectors = {rid: checks.DETECTORS[rule.detector] for rid, rule in self.rules.items()}
        self.prepared: Mapping[str, Any] = MappingProxyType({
            rid: det.prepare(self.rules[rid]) for rid, det in self._detectors.items() if det.prepare is not None
        })
        self._order = {rid: i for i, rid in enumerate(self.rules)}
        self._context = Context
        # Each cue across all of a rule's languages in one regex: a customer may
        # write in another language than the reply, and one search beats four.
        self.any_language_cues: Mapping[str, Mapping[str, tuple[re.Pattern[str], bool]]] = MappingProxyType({
            rid: MappingProxyType({
                name: _any_language(rule, name)
                for name in {n for lang in rule.languages for n in rule.cues.get(lang, {})}
            })
            for rid, rule in self.rules.items()
        })

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def check(
        self,
        text: str,
        conversation: Sequence[Message] = (),
        customer_name: str = "",
        language: str = "en",
    ) -> list[Violation]:
        """Every rule the agent's next message ``text`` breaks, sorted by span start.

        ``conversation`` holds the messages before ``text``; ``language`` is the
        base tag the caller resolved (no detection here for choosing patterns).
        """
        ctx = self._context(self, text, tuple(conversation), customer_name, language)
        found: list[Violation] = []
        for rid, rule in self.rules.items():
            if language not in rule.languages:
                continue
            found.extend(self._detectors[rid](rule, ctx))
        found = ctx.finish(found)
        seen = set()
        unique = []
        for v in found:
            key = (v.rule_id, v.span.start, v.span.end)
            if key not in seen:
                seen.add(key)
                unique.append(v)
        unique.sort(key=lambda v: (v.span.start, v.span.end, self._order[v.rule_id]))
        return unique

    def relevant_rules(self, violations: Iterable[Violation]) -> list[Rule]:
        """The distinct rules behind ``violations``, in catalogue order."""
        ids = {v.rule_id for v in violations}
        return [rule for rid, rule in self.rules.items() if rid in ids]

    def replacement(self, violation: Violation) -> str | None:
        """The literal replacement for ``violation.excerpt``, or None when there is none.

        ``Violation.suggestion`` is "" both for "delete this" (laughter such as
        "lol", a softened "definitely", a gendered "ma'am" when the name is not
        known) and for "no safe replacement"; this tells the two apart for the
        fallback rewrite.
        """
        if violation.suggestion:
            return violation.suggestion
        rule = self.rules.get(violation.rule_id)
        if rule is None:
            return None
        if rule.detector == "address":
            return ""
        if rule.detector in ("terms", "patterns"):
            core = violation.excerpt.strip(" ,;:\t\n")
            for terms in rule.terms.values():
                if terms.replacement(core) == "":
                    return ""
            for entries in rule.patterns.values():
                for entry in entries:
                    if entry.suggestion == "" and entry.regex.fullmatch(core):
                        return ""
        return None


# --------------------------------------------------------------------------- loading


def _fail(path: Path, key: str, why: str) -> RulebookError:
    return RulebookError(f"{path}: key '{key}': {why}")


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


def lower_text(text: str) -> str:
    """``text.lower()`` with the same length, so spans found in it hold for ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(low_ch if len(low_ch := ch.lower()) == 1 else ch for ch in text)


def _compile(path: Path, key: str, pattern: Any, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise _fail(path, key, "a pattern must be a non-empty string")
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise _fail(path, key, f"pattern {pattern!r} does not compile: {exc}") from exc


def _lang_map(path: Path, key: str, value: Any, languages: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, key, "must be a mapping of language -> data")
    for lang in value:
        if lang not in languages:
            raise _fail(path, f"{key}.{lang}", f"language not in this rule's languages {list(languages)}")
    return value


def _conversation(path: Path, key: str, items: Any) -> tuple[Message, ...]:
    from service.domain import Role

    if not isinstance(items, list):
        raise _fail(path, key, "must be a list of messages such as [{customer: text}, {agent: text}]")
    conv = []
    for j, msg in enumerate(items):
        if not isinstance(msg, dict) or len(msg) != 1:
            raise _fail(path, f"{key}[{j}]", "a message is {customer: text} or {agent: text}")
        (role, mtext), = msg.items()
        try:
            conv.append(Message(Role(role), str(mtext)))
        except ValueError:
            raise _fail(path, f"{key}[{j}]", f"unknown role {role!r}") from None
    return tuple(conv)


def _examples(path: Path, key: str, items: Any) -> tuple[Example, ...]:
    if not isinstance(items, list):
        raise _fail(path, key, "must be a list of examples")
    out = []
    for i, item in enumerate(items):
        k = f"{key}[{i}]"
        if isinstance(item, str):
            out.append(Example(item))
            continue
        if not isinstance(item, dict) or "text" not in item:
            raise _fail(path, k, "an example is a string or a mapping with 'text'")
        unknown = set(item) - _EXAMPLE_KEYS
        if unknown:
            raise _fail(path, f"{k}.{sorted(unknown)[0]}", "unknown key")
        conv = _conversation(path, f"{k}.conversation", item.get("conversation") or [])
        out.append(Example(str(item["text"]), conv, str(item.get("customer_name", ""))))
    return tuple(out)


def _rewrites(path: Path, key: str, items: Any) -> tuple[RewritePair, ...]:
    if not isinstance(items, list):
        raise _fail(path, key, "must be a list of {bad, good} pairs")
    out = []
    for i, item in enumerate(items):
        k = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, k, "a rewrite is a mapping with 'bad' and 'good'")
        unknown = set(item) - _REWRITE_KEYS
        if unknown:
            raise _fail(path, f"{k}.{sorted(unknown)[0]}", f"unknown key (allowed: {', '.join(sorted(_REWRITE_KEYS))})")
        for side in ("bad", "good"):
            value = item.get(side)
            if not isinstance(value, str) or not value.strip():
                raise _fail(path, f"{k}.{side}", "must be a non-empty string")
        name = item.get("customer_name", "")
        if not isinstance(name, str):
            raise _fail(path, f"{k}.customer_name", "must be a string")
        conv = _conversation(path, f"{k}.conversation", item.get("conversation") or [])
        out.append(RewritePair(item["bad"], item["good"], conv, name))
    return tuple(out)


def _parse_rule(path: Path, data: Any, detectors: Mapping[str, Any]) -> Rule:
    if not isinstance(data, dict):
        raise _fail(path, "<document>", "a rule must be a mapping")
    for key in data:
        if key not in _RULE_KEYS:
            raise _fail(path, str(key), f"unknown key (allowed: {', '.join(sorted(_RULE_KEYS))})")
    for key in _REQUIRED:
        if key not in data or data[key] in (None, "", []):
            raise _fail(path, key, "missing")
    rid = data["id"]
    if rid not in CATALOGUE:
        raise _fail(path, "id", f"{rid!r} is not in the rule catalogue (RULES.md)")
    for key in ("title", "message"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(path, key, "must be a non-empty string")
    try:
        severity = Severity(data["severity"])
    except ValueError:
        raise _fail(path, "severity", f"{data['severity']!r} is not one of suggestion, warning, error") from None
    sources = data["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) and _SOURCE_RE.match(s) for s in sources):
        raise _fail(path, "sources", "must be a list like ['001_6ee733cc4e807eeb.txt, rule 6']")
    languages = data["languages"]
    if not isinstance(languages, list) or not all(isinstance(l, str) and _LANG_RE.match(l) for l in languages):
        raise _fail(path, "languages", "must be a list of base language tags such as [en, it]")
    languages = tuple(languages)
    detector = data["detector"]
    if detector not in detectors:
        raise _fail(path, "detector", f"unknown detector {detector!r} (known: {', '.join(sorted(detectors))})")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise _fail(path, "params", "must be a mapping")

    patterns: dict[str, tuple[PatternEntry, ...]] = {}
    combined: dict[str, tuple[re.Pattern[str] | None, tuple[int, ...]]] = {}
    for lang, items in _lang_map(path, "patterns", data.get("patterns") or {}, languages).items():
        if not isinstance(items, list):
            raise _fail(path, f"patterns.{lang}", "must be a list")
        entries = []
        for i, item in enumerate(items):
            k = f"patterns.{lang}[{i}]"
            if isinstance(item, str):
                item = {"re": item}
            if not isinstance(item, dict) or "re" not in item:
                raise _fail(path, k, "a pattern is a string or a mapping with 're'")
            unknown = set(item) - _PATTERN_KEYS
            if unknown:
                raise _fail(path, f"{k}.{sorted(unknown)[0]}", "unknown key")
            sugg = item.get("suggestion")
            if sugg is not None and not isinstance(sugg, str):
                raise _fail(path, f"{k}.suggestion", "must be a string")
            entries.append(PatternEntry(
                _compile(path, f"{k}.re", item["re"]),
                sugg,
                _compile(path, f"{k}.unless_customer", item["unless_customer"]) if "unless_customer" in item else None,
                _compile(path, f"{k}.only_if_customer", item["only_if_customer"]) if "only_if_customer" in item else None,
            ))
        patterns[lang] = tuple(entries)
        folded = [i for i, e in enumerate(entries) if "(?-i" not in e.regex.pattern]
        alternation = None
        if folded:
            try:
                alternation = re.compile(first_char_guarded("|".join(
                    f"(?P<_p{i}>{lower_pattern(entries[i].regex.pattern)})" for i in folded)))
            except re.error as exc:
                raise _fail(path, f"patterns.{lang}", f"patterns do not combine: {exc}") from exc
        combined[lang] = (alternation, tuple(i for i in range(len(entries)) if i not in folded))

    exceptions: dict[str, re.Pattern[str] | None] = {}
    for lang, items in _lang_map(path, "exceptions", data.get("exceptions") or {}, languages).items():
        if not isinstance(items, list):
            raise _fail(path, f"exceptions.{lang}", "must be a list")
        for i, item in enumerate(items):
            _compile(path, f"exceptions.{lang}[{i}]", item)
        exceptions[lang] = (re.compile(first_char_guarded("|".join(f"(?:{lower_pattern(p)})" for p in items)))
                            if items else None)

    terms: dict[str, TermList] = {}
    for lang, mapping in _lang_map(path, "terms", data.get("terms") or {}, languages).items():
        if isinstance(mapping, list):
            mapping = {t: None for t in mapping}
        if not isinstance(mapping, dict):
            raise _fail(path, f"terms.{lang}", "must be a mapping term -> replacement (or a list)")
        for term, repl in mapping.items():
            if isinstance(term, bool) or isinstance(repl, bool):
                raise _fail(path, f"terms.{lang}.{term}", "YAML read a boolean: quote words such as yes/no/on/off")
            if not isinstance(term, (str, int)) or (repl is not None and not isinstance(repl, str)):
                raise _fail(path, f"terms.{lang}.{term}", "a term maps to a replacement string or null")
        mapping = {str(t): r for t, r in mapping.items()}
        terms[lang] = TermList(term_regex(mapping), MappingProxyType({t.lower(): r for t, r in mapping.items()}))

    cues: dict[str, dict[str, re.Pattern[str]]] = {}
    for lang, groups in _lang_map(path, "cues", data.get("cues") or {}, languages).items():
        if not isinstance(groups, dict):
            raise _fail(path, f"cues.{lang}", "must be a mapping cue-name -> list of patterns")
        compiled = {}
        for name, items in groups.items():
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not items:
                raise _fail(path, f"cues.{lang}.{name}", "must be a non-empty list of patterns")
            for i, item in enumerate(items):
                _compile(path, f"cues.{lang}.{name}[{i}]", item)
            compiled[name] = re.compile(first_char_guarded("|".join(f"(?:{p})" for p in items), re.IGNORECASE),
                                        re.IGNORECASE)
        cues[lang] = MappingProxyType(compiled)  # type: ignore[assignment]  # read-only view of the dict

    bad: dict[str, tuple[Example, ...]] = {}
    good: dict[str, tuple[Example, ...]] = {}
    for lang, ex in _lang_map(path, "examples", data.get("examples") or {}, languages).items():
        if not isinstance(ex, dict) or set(ex) - {"bad", "good"}:
            raise _fail(path, f"examples.{lang}", "must be a mapping with 'bad' and 'good' lists")
        bad[lang] = _examples(path, f"examples.{lang}.bad", ex.get("bad") or [])
        good[lang] = _examples(path, f"examples.{lang}.good", ex.get("good") or [])

    rewrites: dict[str, tuple[RewritePair, ...]] = {}
    raw_rewrites = data.get("rewrites")
    for lang, items in _lang_map(path, "rewrites", {} if raw_rewrites is None else raw_rewrites, languages).items():
        rewrites[lang] = _rewrites(path, f"rewrites.{lang}", items)

    rule = Rule(
        id=rid, title=data["title"].strip(), message=" ".join(data["message"].split()),
        severity=severity, sources=tuple(sources), languages=languages, detector=detector,
        params=MappingProxyType(dict(params)), patterns=MappingProxyType(patterns),
        combined=MappingProxyType(combined),
        exceptions=MappingProxyType(exceptions), terms=MappingProxyType(terms),
        cues=MappingProxyType(cues), bad=MappingProxyType(bad), good=MappingProxyType(good),
        rewrites=MappingProxyType(rewrites), file=str(path),
    )
    detectors[detector].validate(rule, path)
    return rule


def _read_yaml(path: Path) -> list[Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            return [d for d in yaml.safe_load_all(fh) if d is not None]
    except yaml.YAMLError as exc:
        raise RulebookError(f"{path}: key '<document>': not valid YAML: {exc}") from exc
    except OSError as exc:
        raise RulebookError(f"{path}: key '<file>': cannot read: {exc}") from exc


def load_glossary(path: Path, into: dict[str, dict[str, str]]) -> None:
    """Merge one glossary file ({language: xx, terms: {term: plain words}}) into ``into``."""
    for doc in _read_yaml(path):
        if not isinstance(doc, dict):
            raise _fail(path, "<document>", "a glossary is a mapping with 'language' and 'terms'")
        unknown = set(doc) - {"language", "terms"}
        if unknown:
            raise _fail(path, sorted(unknown)[0], "unknown key (allowed: language, terms)")
        lang = doc.get("language")
        if not isinstance(lang, str) or not _LANG_RE.match(lang):
            raise _fail(path, "language", "missing or not a base language tag")
        terms = doc.get("terms")
        if not isinstance(terms, dict) or not terms:
            raise _fail(path, "terms", "must be a non-empty mapping term -> plain words")
        for term, plain in terms.items():
            if not isinstance(term, str) or not term.strip() or not isinstance(plain, str) or not plain.strip():
                raise _fail(path, f"terms.{term}", "term and plain words must be non-empty strings")
        into.setdefault(lang, {}).update({t.strip(): p.strip() for t, p in terms.items()})


def load_rulebook(rules_dir: Path = DEFAULT_PROMPTS, glossary_paths: Sequence[Path] = ()) -> Rulebook:
    """Load and validate ``rules_dir``/rules/*.yaml and ``rules_dir``/glossary/*.yaml.

    ``glossary_paths`` extend or override the built-in glossary (a deployment's
    own terms, without a code change). Raises RulebookError naming the file and key.
    """
    from service.checks import DETECTORS

    rules_dir = Path(rules_dir)
    rule_files = sorted((rules_dir / "rules").glob("*.yaml"))
    if not rule_files:
        raise RulebookError(f"{rules_dir / 'rules'}: key '<file>': no rule files (*.yaml)")
    found: dict[str, Rule] = {}
    for path in rule_files:
        for doc in _read_yaml(path):
            docs = doc if isinstance(doc, list) else [doc]
            for item in docs:
                rule = _parse_rule(path, item, DETECTORS)
                if rule.id in found:
                    raise _fail(path, "id", f"{rule.id!r} is already defined in {found[rule.id].file}")
                found[rule.id] = rule
    missing = [rid for rid in CATALOGUE if rid not in found]
    if missing:
        raise RulebookError(f"{rules_dir / 'rules'}: key 'id': no rule data for {', '.join(missing)}")
    glossary: dict[str, dict[str, str]] = {}
    for path in sorted((rules_dir / "glossary").glob("*.yaml")):
        load_glossary(path, glossary)
    for path in glossary_paths:
        load_glossary(Path(path), glossary)
    ordered = {rid: found[rid] for rid in CATALOGUE}
    return Rulebook(ordered, glossary)
