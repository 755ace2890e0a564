"""The Rulebook: compiled rules plus the detectors that apply them.

``check()`` only runs precompiled regexes over the draft and the
conversation (see ``compile``), so it stays linear in their length.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from service.checks import DETECTORS
from service.checks.context import Context
from service.domain import Message, Violation
from service.language import LanguageDetector
from service.regex_guard import guarded_if_slow
from service.rulebook.compile import any_language, case_blind_needs, term_list
from service.rulebook.literals import LiteralScan
from service.rulebook.model import BASE_LANGUAGE_ORDER, AnyLanguageCue, Rule, TermList


# Support agents writing it/es/zh borrow the English technical terms as they are
# ("il deployment", "la API key", "SSO登录"): the English glossary's Latin-script
# terms are jargon in every language. A borrowed term has no literal plain word
# in the draft's language (None: the rewrite finds one).
LOANWORD_SOURCE = "en"


def _with_loanwords(glossary: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str | None]]:
    source = glossary.get(LOANWORD_SOURCE, {})
    out: dict[str, dict[str, str | None]] = {}
    for lang, terms in glossary.items():
        merged: dict[str, str | None] = {}
        if lang != LOANWORD_SOURCE:
            merged.update({t: None for t in source if t.isascii()})
        merged.update(terms)
        out[lang] = merged
    return out


class Rulebook:
    """All rules by id, in catalogue order, plus the detectors that apply them."""

    def __init__(self, rules: Mapping[str, Rule], glossary: Mapping[str, Mapping[str, str]]) -> None:
        self.rules: Mapping[str, Rule] = MappingProxyType(dict(rules))
        langs = {lang for rule in rules.values() for lang in rule.languages}
        self.languages: tuple[str, ...] = tuple(
            [l for l in BASE_LANGUAGE_ORDER if l in langs] + sorted(langs - set(BASE_LANGUAGE_ORDER))
        )
        self.glossary: Mapping[str, Mapping[str, str]] = MappingProxyType(
            {lang: MappingProxyType(dict(terms)) for lang, terms in glossary.items()}
        )
        self.glossary_terms: Mapping[str, TermList] = MappingProxyType({
            lang: term_list(terms) for lang, terms in _with_loanwords(glossary).items()
        })
        # Built once: lingua model construction is the expensive part.
        self.detector = LanguageDetector(self.languages)
        self._detectors = {rid: DETECTORS[rule.detector] for rid, rule in self.rules.items()}
        self.prepared: Mapping[str, Any] = MappingProxyType({
            rid: det.prepare(self.rules[rid]) for rid, det in self._detectors.items() if det.prepare is not None
        })
        # rules whose term lists are abbreviations the other word-level rules also read expanded
        self.expanders: tuple[Rule, ...] = tuple(
            r for r in self.rules.values() if r.params.get("expand_for_other_rules")
        )
        self._order = {rid: i for i, rid in enumerate(self.rules)}
        # The patterns run one by one (the case-sensitive ones, and the abbreviations
        # ``expanded`` writes out), each behind a guard on its first characters: the
        # same matches, far fewer tries.
        one_by_one = [rule.patterns[lang][i] for rule in self.rules.values()
                      for lang, (_, indexes) in rule.combined.items() for i in indexes]
        one_by_one += [e for rule in self.expanders for entries in rule.patterns.values() for e in entries
                       if e.suggestion]
        self.scanners: Mapping[re.Pattern[str], re.Pattern[str]] = MappingProxyType({
            e.regex: re.compile(guarded_if_slow(e.regex.pattern, e.regex.flags), e.regex.flags) for e in one_by_one
        })
        # ... and the literals one of which a text must hold for each to match
        # there (``Context.scanner``), most often none.
        self.scanner_needs: Mapping[re.Pattern[str], frozenset[str]] = MappingProxyType({
            e.regex: need for e in one_by_one if (need := case_blind_needs(e.regex)) is not None
        })
        # Per language, the required literals of every rule's alternation (both
        # ``needs`` and ``more_needs``) and the lower-cased terms of its term
        # lists (``narrowed_terms``), found in one pass per text.
        self.literal_scans: Mapping[str, LiteralScan] = MappingProxyType({
            lang: LiteralScan(
                [lit for rule in self.rules.values() for _, _, need in rule.needs.get(lang, ()) for lit in need or ()]
                + [lit for rule in self.rules.values() for sets in rule.more_needs.get(lang, {}).values()
                   for need in sets for lit in need]
                + [lit for terms in self.term_lists(lang) for lit in terms.literals])
            for lang in self.languages
        })
        # Each cue across all of a rule's languages in one regex: a customer may
        # write in another language than the reply, and one search beats four.
        self.any_language_cues: Mapping[str, Mapping[str, AnyLanguageCue]] = MappingProxyType({
            rid: MappingProxyType({
                name: any_language(rule, name)
                for name in {n for lang in rule.languages for n in rule.cues.get(lang, {})}
            })
            for rid, rule in self.rules.items()
        })

    def term_lists(self, language: str) -> list[TermList]:
        """The term lists a check in ``language`` reads: every rule's and the glossary's."""
        lists = [rule.terms[language] for rule in self.rules.values() if language in rule.terms]
        glossary = self.glossary_terms.get(language)
        return lists + ([glossary] if glossary is not None else [])

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
        ctx = Context(self, text, tuple(conversation), customer_name, language)
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
        """The literal replacement for ``violation.excerpt``, or None when there is none
        (``literal_replacement`` with this rulebook's rule)."""
        return literal_replacement(self.rules.get(violation.rule_id), violation)


def literal_replacement(rule: Rule | None, violation: Violation) -> str | None:
    """The literal replacement for ``violation.excerpt``, or None when there is none.

    ``Violation.suggestion`` is "" both for "delete this" (laughter such as
    "lol", a softened "definitely", a gendered "ma'am" when the name is not
    known) and for "no safe replacement"; the rule's ``fix`` and its data
    tell the two apart for the fallback rewrite.
    """
    if violation.suggestion:
        return violation.suggestion
    if rule is None or rule.fix == "model":
        return None
    if rule.fix == "delete":
        return ""
    core = violation.excerpt.strip(" ,;:\t\n")
    for terms in rule.terms.values():
        if terms.replacement(core) == "":
            return ""
    for entries in rule.patterns.values():
        for entry in entries:
            if entry.suggestion == "" and entry.regex.fullmatch(core):
                return ""
    return None
