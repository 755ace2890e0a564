"""The compiled rule data every detector reads.

This module sits at the bottom of the rulebook: the detectors in
``service/checks`` import it, and it imports nothing from them, so the data
can be loaded, inspected and tested without the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import AbstractSet, Any, Callable, Literal, Mapping

from service.domain import Message, Severity
from service.regex_guard import first_char_guarded, guarded_alternation
from service.rulebook.literals import LiteralScan
from service.textnorm import case_blind_plain, lower_text

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

# How a violation of a rule is fixed without the model:
# - replace: the suggestion is a literal drop-in replacement for the excerpt
#   (a term or pattern whose data says "" is deleted; null = no safe literal);
# - delete: the suggestion when there is one, else the excerpt goes (a gendered
#   "ma'am" without a known name, a question the customer already answered);
# - model: only a rewrite can fix it (tone, framing, missing empathy).
Fix = Literal["replace", "delete", "model"]


class RegexMemo(dict[Any, "re.Pattern[str] | None"]):
    """Regexes compiled at check time (a big alternation narrowed to the
    alternatives a text can match), by what they keep. The texts decide the
    keys, so the memo is emptied when it outgrows ``limit``: a bound on
    memory that costs only a recompile."""

    def __init__(self, limit: int = 1024) -> None:
        super().__init__()
        self.limit = limit

    def get_or_build(self, key: Any, build: Callable[[], "re.Pattern[str] | None"]) -> "re.Pattern[str] | None":
        try:
            return self[key]
        except KeyError:
            pass
        if len(self) > self.limit:
            self.clear()
        built = self[key] = build()
        return built


@dataclass(frozen=True)
class PatternEntry:
    regex: re.Pattern[str]
    suggestion: str | None = None
    unless_customer: re.Pattern[str] | None = None
    only_if_customer: re.Pattern[str] | None = None
    unless_draft: re.Pattern[str] | None = None


@dataclass(frozen=True)
class TermList:
    """A compiled alternation of literal terms and the replacement of each.

    ``replacements[term.lower()]`` is the drop-in replacement ("" deletes the
    term, None means there is no safe literal replacement).
    """

    regex: re.Pattern[str] | None
    replacements: Mapping[str, str | None]
    # The terms as written (``regex`` is ``term_regex(terms)``), for
    # ``compile.narrowed_terms``; () when the list can't be narrowed.
    terms: tuple[str, ...] = ()
    # narrowed regexes by the terms they keep
    memo: RegexMemo = field(default_factory=RegexMemo, compare=False, repr=False)

    def replacement(self, excerpt: str) -> str | None:
        return self.replacements.get(excerpt.lower())

    @cached_property
    def by_literal(self) -> Mapping[str, tuple[str, ...]]:
        """Each term's ``lower_text`` with the terms it stands for: every match
        of a term holds it in the lower-cased text (unless ``case_blind_plain``
        says otherwise, and then a list holding such a term has none)."""
        if not all(map(case_blind_plain, self.terms)):
            return {}
        by: dict[str, list[str]] = {}
        for term in self.terms:
            by.setdefault(lower_text(term), []).append(term)
        return {lit: tuple(ts) for lit, ts in by.items()}

    @cached_property
    def literals(self) -> frozenset[str]:
        return frozenset(self.by_literal)


@dataclass(frozen=True)
class Example:
    """A draft a rule must flag (``bad``) or leave alone (``good``).

    ``excerpt`` and ``suggestion``, when given, pin what a bad example's
    finding says, as Vale's testdata and LanguageTool's ``<example
    correction>`` do: the span must cover ``excerpt`` exactly and the
    suggestion must be ``suggestion`` ("" = delete or no literal fix).
    """

    text: str
    conversation: tuple[Message, ...] = ()
    customer_name: str = ""
    excerpt: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class RewritePair:
    """A draft that breaks a rule (``bad``) and an honest rewrite of it that fixes it (``good``)."""

    bad: str
    good: str
    conversation: tuple[Message, ...] = ()
    customer_name: str = ""


@dataclass(frozen=True)
class AnyLanguageCue:
    """One cue of a rule across all its languages (a customer may write in
    another language than the reply): ``folded`` runs on ``lower_text`` of a
    text, ``exact`` (the items that must see case) on the text as written.

    ``items`` are ``folded``'s alternatives, each with the literals one of
    which its every match holds (None: unknown). A big cue (show-empathy's
    "upset": a hundred alternatives in four languages, most opening with
    ``\\b``) is tried whole at every word character of a message; with a
    ``scan`` of its literals, ``search`` runs only the alternatives that can
    match in the text (usually none or one): the same first match, a fraction
    of the cost. A small cue runs whole: its scan would cost what it saves."""
    folded: re.Pattern[str] | None
    exact: re.Pattern[str] | None
    items: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    scan: LiteralScan | None = None
    # A trie of every literal the alternatives need: one search, stopping at
    # the first literal met, tells a message that holds none (most messages)
    # far faster than trying every alternative, or scanning for all of them.
    needle: re.Pattern[str] | None = None
    # narrowed alternations by the indexes of ``items`` they keep
    memo: RegexMemo = field(default_factory=RegexMemo, compare=False, repr=False)

    @cached_property
    def _index(self) -> tuple[frozenset[int], Mapping[str, tuple[int, ...]], frozenset[str]]:
        """The items that always run, each literal with the items it admits, and those literals."""
        return _literal_index(tuple((i, pattern, need) for i, (pattern, need) in enumerate(self.items)))

    def search(self, text: str, lower: str) -> re.Match[str] | None:
        """A match in ``text`` (``lower`` is ``lower_text(text)``), or None.

        An alternative none of whose literals ``lower`` holds cannot match
        there; leaving it out changes neither where the first match starts
        nor which alternative makes it."""
        if self.needle is not None and self.needle.search(lower) is None:
            folded = self._narrowed(frozenset())  # none needing a literal can match: the others, if any
        elif self.scan is not None:
            folded = self._narrowed(self.scan.present(lower))
        else:
            folded = self.folded
        found = folded.search(lower) if folded is not None else None
        if found is None and self.exact is not None:
            found = self.exact.search(text)
        return found

    def _narrowed(self, present: AbstractSet[str]) -> re.Pattern[str] | None:
        always, by_literal, literals = self._index
        keep = tuple(sorted({i for lit in literals.intersection(present) for i in by_literal[lit]}.union(always)))
        if len(keep) == len(self.items):
            return self.folded
        if not keep:
            return None
        return self.memo.get_or_build(
            keep, lambda: re.compile(guarded_alternation([self.items[i][0] for i in keep])))


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    message: str
    severity: Severity
    sources: tuple[str, ...]
    languages: tuple[str, ...]
    detector: str = "patterns"
    fix: Fix = "model"
    params: Mapping[str, Any] = field(default_factory=dict)
    patterns: Mapping[str, tuple[PatternEntry, ...]] = field(default_factory=dict)
    # Per language: the case-insensitive patterns folded into one alternation
    # (groups _p<index>) that runs on the lower-cased draft, plus the indexes of
    # case-sensitive patterns that run one by one. One scan, no IGNORECASE:
    # several times faster than a scan per pattern.
    combined: Mapping[str, tuple[re.Pattern[str] | None, tuple[int, ...]]] = field(default_factory=dict)
    # Per language, for each index of ``combined``'s alternation: literals one of
    # which every match holds (None: always run). ``candidates`` uses them to
    # leave out patterns that cannot match the text before scanning it.
    needs: Mapping[str, tuple[tuple[int, str, tuple[str, ...] | None], ...]] = field(default_factory=dict)
    # Per language, by index: the other literal sets each match of the pattern
    # holds one of ("check the faq": "check" and "faq"), tested only for the
    # patterns ``needs`` lets through; ``LiteralScan`` looks for them too.
    more_needs: Mapping[str, Mapping[int, tuple[frozenset[str], ...]]] = field(default_factory=dict)
    # Per language, by index: the patterns of ``combined``'s alternation that
    # can match only at the start of the text ("^\\s*no[.!]*\\s*$"), each
    # compiled alone. The alternation tries them at every position; one
    # ``match`` at the start tells whether they can match at all.
    anchored: Mapping[str, Mapping[int, re.Pattern[str]]] = field(default_factory=dict)
    exceptions: Mapping[str, re.Pattern[str] | None] = field(default_factory=dict)
    terms: Mapping[str, TermList] = field(default_factory=dict)
    cues: Mapping[str, Mapping[str, re.Pattern[str]]] = field(default_factory=dict)
    cue_items: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)  # sources, word-edged
    bad: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    good: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    rewrites: Mapping[str, tuple[RewritePair, ...]] = field(default_factory=dict)
    file: str = ""  # the rule file as a data error names it (service.datafile.shown_path)
    # check-time memos of this rule: ``alternation_for``'s literal index per
    # language, and its narrowed alternations
    indexes: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, init=False)
    narrowed: RegexMemo = field(default_factory=lambda: RegexMemo(2048), compare=False, repr=False, init=False)

    def __hash__(self) -> int:  # the data holds mappings; a rule is identified by its id
        return hash(self.id)

    @property
    def source(self) -> str:
        return "; ".join(self.sources)

    def cue(self, language: str, name: str) -> re.Pattern[str] | None:
        return self.cues.get(language, {}).get(name)

    def alternation_for(self, language: str, lower: str, present: AbstractSet[str] | None = None,
                        excluded: AbstractSet[int] = frozenset()) -> re.Pattern[str] | None:
        """``combined[language]``'s alternation narrowed to the patterns whose
        required literals occur in ``lower`` (the others cannot match there):
        None when none can. Same matches as the whole alternation, a fraction
        of the scan. Narrowed alternations are compiled once and kept.

        ``present``, when given, is the set of the language's literals found in
        ``lower`` (``LiteralScan``: one pass shared by every rule of a check).
        A pattern that passes must also find a literal of each of its
        ``more_needs`` sets (in ``present``, which holds them, else in ``lower``).
        ``excluded``: patterns left out (their conditions refuse this draft), so
        that the alternation's first branch at a position is one that may report."""
        alternation = self.combined.get(language, (None, ()))[0]
        if alternation is None:
            return None
        needs = self.needs.get(language)
        if not needs:
            return alternation
        index = self.indexes.get(language)
        if index is None:
            index = self.indexes[language] = _literal_index(needs)
        always, by_literal, literals = index
        if present is None:
            found = {i for lit, idxs in by_literal.items() if lit in lower for i in idxs}
        else:  # the few literals of the text that are this rule's, met in C
            found = {i for lit in literals.intersection(present) for i in by_literal[lit]}
        found.update(always)
        more = self.more_needs.get(language)
        if more:
            if present is None:
                has = lower.__contains__
                found = {i for i in found if all(any(map(has, need)) for need in more.get(i, ()))}
            else:
                found = {i for i in found if not any(map(present.isdisjoint, more.get(i, ())))}
        anchored = self.anchored.get(language)
        if anchored:
            found = {i for i in found if i not in anchored or anchored[i].match(lower)}
        keep = tuple(sorted(found - excluded))
        if not keep:
            return None
        if len(keep) == len(needs):
            return alternation
        return self.narrowed.get_or_build((language, keep), lambda: _alternation_of(needs, keep))


def _alternation_of(needs: tuple[tuple[int, str, tuple[str, ...] | None], ...],
                    keep: tuple[int, ...]) -> re.Pattern[str]:
    lowered = {i: p for i, p, _ in needs}
    return re.compile(first_char_guarded("|".join(f"(?P<_p{i}>{lowered[i]})" for i in keep)))


def _literal_index(needs: tuple[tuple[int, str, tuple[str, ...] | None], ...]
                   ) -> tuple[frozenset[int], Mapping[str, tuple[int, ...]], frozenset[str]]:
    """The patterns that always run, each required literal with the patterns
    it admits, and those literals as a set (to meet a check's found literals)."""
    always = frozenset(i for i, _, need in needs if need is None)
    by: dict[str, list[int]] = {}
    for i, _, need in needs:
        for lit in need or ():
            by.setdefault(lit, []).append(i)
    return always, {lit: tuple(idxs) for lit, idxs in by.items()}, frozenset(by)



