"""What every detector shares: the draft, the conversation facts, and helpers
that build Violations with code-point spans, excerpts and safe suggestions."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from service.domain import Message, Role, Span, Violation
from service.datafile import DataFileError
from service.rulebook.compile import narrowed_terms
from service.rulebook.model import Rule, TermList
from service.textnorm import case_blind_plain, lower_text

if TYPE_CHECKING:
    from service.rulebook.engine import Rulebook

# Sentence ends include the full-width CJK ones (！？；), written as escapes so no editor folds them.
# The full stop of a number's abbreviation ends nothing: "mi ridai il n. ordine?", "order no. 4471",
# "pratica nr. 55", "nº. 8812" are one sentence each.
SENTENCE = re.compile(r"(?:[^.!?。\uff01\uff1f\n;\uff1b]|(?<=\bn)\.(?=\s?\w)|(?<=\bnr)\.(?=\s?\w)|(?<=\bn\u00ba)\.(?=\s?\w)"
                      r"|(?<=\bno)\.(?=\s?\d))+[.!?。\uff01\uff1f;\uff1b]*", re.IGNORECASE)
_ENDS = ".!?\u3002\uff01\uff1f\n"
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


@dataclass(frozen=True)
class Detector:
    """A detector function plus the load-time check of the rule data it needs."""

    run: Callable[[Rule, "Context"], list[Violation]]
    needs: tuple[str, ...] = ()  # e.g. ("cues:request", "terms", "params:max_chars")
    prepare: Callable[[Rule], object] | None = None  # precomputed per-rule state, built at load

    def __call__(self, rule: Rule, ctx: "Context") -> list[Violation]:
        return self.run(rule, ctx)

    def validate(self, rule: Rule, path: Path) -> None:
        for need in self.needs:
            kind, _, name = need.partition(":")
            if kind == "params":
                if name not in rule.params:
                    raise DataFileError(path, f"params.{name}", f"missing (detector {rule.detector!r} needs it)")
                continue
            for lang in rule.languages:
                if kind == "cues" and name not in rule.cues.get(lang, {}):
                    raise DataFileError(path, f"cues.{lang}.{name}", f"missing (detector {rule.detector!r} needs it)")
                if kind == "terms" and lang not in rule.terms:
                    raise DataFileError(path, f"terms.{lang}", f"missing (detector {rule.detector!r} needs it)")
                if kind == "patterns" and lang not in rule.patterns and lang not in rule.terms:
                    raise DataFileError(path, f"patterns.{lang}", f"missing (detector {rule.detector!r} needs it)")


@dataclass(frozen=True)
class Expansion:
    """A rewritten copy of the draft and the way back to the draft's offsets."""

    text: str
    lower: str
    segments: tuple[tuple[int, int, int, int], ...]  # (expanded start, end, original start, end), in order
    windows: tuple[tuple[int, int], ...] = ()  # the sentences of ``text`` that hold a segment, merged

    def touches(self, start: int, end: int) -> bool:
        """Whether the span of ``text`` covers a written-out word (else the draft had it already)."""
        return any(es < end and start < ee for es, ee, _, _ in self.segments)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The draft span a span of ``text`` covers (a replaced word maps to the whole original word)."""
        return self._map(start, True), self._map(end, False)

    def _map(self, p: int, is_start: bool) -> int:
        i = bisect_right([seg[0] for seg in self.segments], p if is_start else p - 1) - 1
        if i < 0:
            return p
        es, ee, os_, oe = self.segments[i]
        if p < ee or (not is_start and p == ee):
            return os_ if is_start else oe
        return oe + (p - ee)


class Context:
    """One check() call: the draft plus facts about the conversation, computed lazily once."""

    def __init__(self, book: "Rulebook", text: str, conversation: Sequence[Message],
                 customer_name: str, language: str) -> None:
        self.book = book
        self.text = text
        self.conversation = conversation
        self.customer_name = customer_name.strip()
        self.language = language

    @cached_property
    def lower(self) -> str:
        return lower_text(self.text)

    def literals(self, lower: str, windows: tuple[tuple[int, int], ...] = ()) -> frozenset[str] | None:
        """The language's required literals found in ``lower`` (the lower-cased
        draft or its expansion), once per check for every rule's
        ``alternation_for``; None when the language has no scan.

        With ``windows``, those inside the windows only: enough for patterns
        run on just the windows, since a required literal is part of the match."""
        cache = self.__dict__.setdefault("_literals", {})
        key = (lower, windows)
        if key not in cache:
            scan = self.book.literal_scans.get(self.language)
            if scan is None:
                cache[key] = None
            elif windows:
                cache[key] = frozenset().union(*(scan.present(lower[ws:we]) for ws, we in windows))
            else:
                cache[key] = scan.present(lower)
        return cache[key]

    def term_regex(self, terms: TermList, text: str | None = None, lower: str | None = None,
                   windows: tuple[tuple[int, int], ...] = ()) -> re.Pattern[str] | None:
        """``terms.regex`` narrowed to the terms ``text`` (the draft by default,
        else an expansion with its ``lower`` and ``windows``) can hold: the
        same matches, and no scan at all for the many lists none of whose
        terms the draft holds. The whole regex when case folding could tell
        a case-blind match from a substring (``case_blind_plain``)."""
        if text is None or lower is None:
            text, lower = self.text, self.lower
        if terms.regex is None:
            return None
        present = self.literals(lower, windows) if self.case_plain(text) else None
        return terms.regex if present is None else narrowed_terms(terms, present)

    def scanner(self, regex: re.Pattern[str], text: str, lower: str) -> re.Pattern[str] | None:
        """``Rulebook.scanners[regex]`` to run over ``text`` (``lower`` is its
        ``lower_text``), or None when ``text`` holds none of the literals the
        regex needs (``Rulebook.scanner_needs``): it cannot match there."""
        need = self.book.scanner_needs.get(regex)
        if need is not None and self.case_plain(text) and not any(map(lower.__contains__, need)):
            return None
        return self.book.scanners[regex]

    def case_plain(self, text: str) -> bool:
        """``case_blind_plain(text)``, once per text and check."""
        plain = self.__dict__.setdefault("_case_plain", {})
        if text not in plain:
            plain[text] = case_blind_plain(text)
        return plain[text]

    # ---- conversation facts
    @cached_property
    def customer_messages(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.conversation if m.role is Role.CUSTOMER)

    @cached_property
    def agent_messages(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.conversation if m.role is Role.AGENT)

    @cached_property
    def customer_blob(self) -> str:
        return "\n".join(self.customer_messages)

    @cached_property
    def customer_blob_lower(self) -> str:
        return self.customer_blob.lower()

    def customer_used(self, regex: re.Pattern[str], word: str) -> bool:
        """Whether the customer wrote ``word`` (in any case) as a term of the term
        regex ``regex`` (``find_terms``): a term the customer used first is theirs
        to use.

        Their messages are scanned only when ``word`` lower-cased is in their
        lower-cased text, once per regex. ``str.lower`` maps each character on
        its own (but a Greek capital sigma), so a term of theirs that lower-cases
        to ``word`` leaves it in that text: without it, the answer is no.
        Repeats count once: their "哈哈哈" or "jajajaja" is the draft's "哈哈" or
        "jaja" (``squeezed``, whose result a longer repeat still contains)."""
        low = squeezed(word.lower())
        if low not in self.customer_blob_lower and "\u03a3" not in self.customer_blob:
            return False
        from service.rulebook.compile import find_terms

        cache = self.__dict__.setdefault("_customer_terms", {})
        used = cache.get(regex)
        if used is None:
            used = cache[regex] = {squeezed(u.group().lower()) for u in find_terms(regex, self.customer_blob)}
        return low in used

    @cached_property
    def trailing_customer(self) -> tuple[str, ...]:
        """Customer messages since the last agent message: what the draft answers."""
        out: list[str] = []
        for m in reversed(self.conversation):
            if m.role is Role.AGENT:
                break
            if m.role is Role.CUSTOMER:
                out.append(m.text)
        return tuple(reversed(out))

    @cached_property
    def name(self) -> str:
        """The customer's name: given by the caller, or said by the customer ("my name is Priya")."""
        if self.customer_name:
            return self.customer_name
        rule = self.book.rules.get("use-name")
        if rule is None:
            return ""
        cue = self.book.any_language_cues[rule.id].get("name_given")
        found = cue.folded if cue is not None else None
        if found is None:
            return ""
        blob = self.customer_blob
        name = ""
        for m in found.finditer(lower_text(blob)):  # the last name given wins
            for key, value in m.groupdict().items():
                if key.endswith("_name") and value:
                    start, end = m.span(key)
                    original = blob[start:end]
                    # Latin names must be capitalised; CJK script has no case
                    if original[0].isupper() or not original[0].isascii() and not original[0].islower():
                        name = original.strip()
        return name

    def terms_found(self, rule: Rule) -> list[re.Match[str]]:
        """``find_terms`` of the rule's term list over the draft, once per check
        (the rule and the expansion both read it)."""
        from service.rulebook.compile import find_terms

        cache = self.__dict__.setdefault("_terms_found", {})
        found = cache.get(rule.id)
        if found is None:
            terms = rule.terms.get(self.language)
            found = cache[rule.id] = list(find_terms(self.term_regex(terms) if terms is not None else None, self.text))
        return found

    @cached_property
    def expanded(self) -> "Expansion | None":
        """The draft with chat abbreviations written out ("nn lo so" -> "non lo so"),
        for the word-level rules to read as well; None when there is none.

        The abbreviations are those of rules with ``params.expand_for_other_rules``
        (no-slang's term list: one table, no second list of variants)."""
        found: list[tuple[int, int, str]] = []
        for rule in self.book.expanders:
            terms = rule.terms.get(self.language)
            if terms is not None and terms.regex is not None:
                for m in self.terms_found(rule):
                    plain = terms.replacement(m.group())
                    if plain:
                        found.append((m.start(), m.end(), match_case(m.group(), plain)))
            for entry in rule.patterns.get(self.language, ()):
                if not entry.suggestion:
                    continue
                scanner = self.scanner(entry.regex, self.text, self.lower)
                if scanner is not None:
                    found.extend((m.start(), m.end(), entry.suggestion) for m in scanner.finditer(self.text)
                                 if m.end() > m.start())
        pieces: list[str] = []
        segments: list[tuple[int, int, int, int]] = []  # expanded start/end, original start/end
        pos = at = 0
        for start, end, plain in sorted(found):
            if start < pos:
                continue
            pieces.append(self.text[pos:start])
            at += start - pos
            pieces.append(plain)
            segments.append((at, at + len(plain), start, end))
            at += len(plain)
            pos = end
        if not segments:
            return None
        pieces.append(self.text[pos:])
        text = "".join(pieces)
        # Only the sentences around a written-out word can read differently: the
        # other rules read just those (a match must touch the word anyway).
        windows: list[tuple[int, int]] = []
        for es, ee, _, _ in segments:
            ws = max(text.rfind(ch, 0, es) for ch in _ENDS) + 1
            ends = [i for i in (text.find(ch, ee) for ch in _ENDS) if i >= 0]
            we = min(ends) + 1 if ends else len(text)
            if windows and ws <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(we, windows[-1][1]))
            else:
                windows.append((ws, we))
        return Expansion(text, lower_text(text), tuple(segments), tuple(windows))

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        out = []
        for m in SENTENCE.finditer(self.text):
            s, e = strip_span(self.text, m.start(), m.end())
            if e > s:
                out.append((s, e))
        return tuple(out)

    def any_language_cue(self, rule: Rule, name: str, texts: Iterable[str]) -> re.Match[str] | None:
        """First match of cue ``name`` in any of the rule's languages in ``texts``
        (a customer may write in another language than the reply)."""
        found = self.book.any_language_cues[rule.id].get(name)
        if found is None:
            return None
        for text in texts:
            m = found.search(text, self.lowered(text))
            if m:
                return m
        return None

    def lowered(self, text: str) -> str:
        """``lower_text(text)``, once per text and check: several rules' cues read the same messages."""
        cache = self.__dict__.setdefault("_lowered", {})
        lower = cache.get(text)
        if lower is None:
            lower = cache[text] = lower_text(text)
        return lower

    # ---- building violations
    def violation(self, rule: Rule, start: int, end: int, suggestion: str = "") -> Violation:
        return Violation(rule.id, rule.severity, rule.message, Span(start, end), self.text[start:end], suggestion)

    def whole(self, rule: Rule) -> Violation:
        s, e = strip_span(self.text, 0, len(self.text))
        return self.violation(rule, s, e)

    def finish(self, found: list[Violation]) -> list[Violation]:
        """Cross-rule tidying: a gendered word replaced by the name already uses
        the name; and a refused hand-over ("Non è possibile parlare con un
        supervisore") is honor-escalation's finding, not also a flat refusal
        for positive-framing (the shared eval labels cite only the first)."""
        if self.name and any(v.rule_id == "neutral-address" and v.suggestion == self.name for v in found):
            found = [v for v in found if v.rule_id != "use-name"]
        refused = [v.span for v in found if v.rule_id == "honor-escalation"]
        if refused:
            # only the refusal of the hand-over itself: a sentence naming the
            # manager; "es política de la empresa" beside it is a refusal of its own
            rule = self.book.rules.get("honor-escalation")
            target = rule.cue(self.language, "target") if rule is not None else None

            def of_handover(start: int) -> bool:
                return target is None or any(s <= start < e and target.search(self.text, s, e)
                                             for s, e in self.sentences)
            found = [v for v in found if not (v.rule_id == "positive-framing" and of_handover(v.span.start) and any(
                r.start <= v.span.start and v.span.end <= r.end for r in refused))]
        return found


_REPEATS = re.compile(r"(.)\1{2,}")
_REPEATED_PAIRS = re.compile(r"(..)\1{2,}")


def squeezed(term: str) -> str:
    """A term with repeats cut to two: "哈哈哈" -> "哈哈", "jajajaja" -> "jaja"."""
    return _REPEATED_PAIRS.sub(r"\1\1", _REPEATS.sub(r"\1\1", term))


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def widen_for_deletion(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span so that deleting it leaves well-spaced text.

    "will definitely be" -> delete "definitely "; "contraseña? jaja" -> delete
    " jaja"; "Hi ma'am, sure." -> delete " ma'am"; "lol, ok" -> delete "lol, ".
    """
    before = text[start - 1] if start > 0 else "\0"
    at_start = start == 0 or before in _ENDS or (before == " " and start >= 2 and text[start - 2] in ".!?")
    m = re.match(r"[,;:\uff0c\uff1b\uff1a]?[ \t]+|[,\uff0c]", text[end:])
    if at_start and m:
        return start, end + m.end()
    if end < len(text) and text[end] in " \t" and (start == 0 or before.isspace() or before in "([¿¡"):
        return start, end + 1
    if before in " \t":
        return start - 1, end
    return start, end


def at_sentence_start(text: str, start: int) -> bool:
    head = text[:start].rstrip()
    return not head or head[-1] in _ENDS or head[-1] in ":\uff1a"


def match_case(excerpt: str, suggestion: str) -> str:
    """"Pls" -> "Please", "IDK" -> "I don't know"; lower-case stays as the data says."""
    if suggestion and excerpt[:1].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
