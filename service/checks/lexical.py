"""Word-level detectors: term lists, regex patterns, shouting, jargon.

All run precompiled regexes once over the draft (and, for the "the customer
said it first" exemption, once over the customer's messages): linear time.
"""

from __future__ import annotations

import re

from service.checks.context import Context, Detector, at_sentence_start, match_case, overlaps, widen_for_deletion
from service.domain import Violation
from service.rulebook.compile import find_terms
from service.rulebook.model import Rule
from service.textnorm import is_cjk


def _exception_spans(rule: Rule, ctx: Context) -> list[tuple[int, int]]:
    exc = rule.exceptions.get(ctx.language)
    return [m.span() for m in exc.finditer(ctx.lower)] if exc is not None else []


def _suggest(ctx: Context, start: int, end: int, replacement: str | None) -> tuple[int, int, str]:
    """The span and suggestion for one finding: "" deletes (span widened to keep spacing)."""
    if replacement is None:
        return start, end, ""
    if replacement == "":
        s, e = widen_for_deletion(ctx.text, start, end)
        return s, e, ""
    return start, end, match_case(ctx.text[start:end], replacement)


def _word_end(text: str, end: int) -> int:
    """``end`` moved to the end of the word it falls inside ("oferta|s" -> "ofertas|").

    A pattern may end on a stem ("promoci", "oferta"); an excerpt that stops
    mid-word is a wrong span for the edit that replaces it. CJK has no words
    to finish, and a pattern with a literal suggestion keeps its exact span.
    """
    if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum() \
            and not is_cjk(text[end - 1]) and not is_cjk(text[end]):
        while end < len(text) and text[end].isalnum() and not is_cjk(text[end]):
            end += 1
    return end


def run_terms(rule: Rule, ctx: Context) -> list[Violation]:
    """Term lists and regex patterns of ``rule`` for the draft's language.

    params.exempt_if_customer_used: a term the customer used first may be
    mirrored (their own "lol", their own "ma'am").
    """
    lang = ctx.language
    text = ctx.text
    out: list[Violation] = []
    excepted = _exception_spans(rule, ctx)
    terms = rule.terms.get(lang)
    if terms is not None and terms.regex is not None:
        used: set[str] | None = None
        for m in find_terms(terms.regex, text):
            word = m.group()
            if rule.params.get("exempt_if_customer_used"):
                if used is None:  # scan the customer's messages only when the draft has a term
                    used = {u.group().lower() for u in find_terms(terms.regex, ctx.customer_blob)}
                if word.lower() in used:
                    continue
            if overlaps(excepted, m.start(), m.end()):
                continue
            s, e, sugg = _suggest(ctx, m.start(), m.end(), terms.replacement(word))
            out.append(ctx.violation(rule, s, e, sugg))
    entries = rule.patterns.get(lang, ())
    if entries:
        alternation, one_by_one = rule.combined[lang]
        matches: list[tuple[int, re.Match[str]]] = []
        if alternation is not None:
            matches.extend((int(m.lastgroup[2:]), m) for m in alternation.finditer(ctx.lower) if m.lastgroup)
        for i in one_by_one:
            matches.extend((i, m) for m in entries[i].regex.finditer(text))
        allowed: dict[int, bool] = {}
        for i, m in matches:
            if m.end() == m.start() or overlaps(excepted, m.start(), m.end()):
                continue
            if i not in allowed:  # the customer's side is read only once the draft matches
                entry = entries[i]
                allowed[i] = not (
                    (entry.unless_draft is not None and entry.unless_draft.search(text))
                    or (entry.unless_customer is not None and entry.unless_customer.search(ctx.customer_blob))
                    or (entry.only_if_customer is not None and not entry.only_if_customer.search(ctx.customer_blob))
                )
            if allowed[i]:
                end = m.end() if entries[i].suggestion else _word_end(text, m.end())
                s, e, sugg = _suggest(ctx, m.start(), end, entries[i].suggestion)
                out.append(ctx.violation(rule, s, e, sugg))
    return out


_WORD = re.compile(r"\w+")
_BANGS = re.compile("!{2,}|\uff01{2,}")


def run_shouting(rule: Rule, ctx: Context) -> list[Violation]:
    """Runs of ALL-CAPS words, excluding acronyms and codes; repeated "!".

    A run shouts when it has two or more capitalised non-acronym words, or one
    of ``params.min_single_word`` letters or more. Acronyms come from
    ``params.acronyms`` plus the language's ``terms``; a token with a digit
    (a product code such as X200) never shouts and breaks a run.
    """
    text = ctx.text
    acronyms = ctx.book.prepared[rule.id].get(ctx.language, frozenset())
    min_single = int(rule.params.get("min_single_word", 5))
    out: list[Violation] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        if not run:
            return
        loud = [m for m in run if len(m.group()) >= 2 and m.group() not in acronyms]
        if len(loud) >= 2 or any(len(m.group()) >= min_single for m in loud):
            start, end = run[0].start(), run[-1].end()
            pieces = []
            pos = start
            for i, m in enumerate(run):
                pieces.append(text[pos:m.start()])
                w = m.group()
                if w in acronyms or (w == "I" and ctx.language == "en"):
                    pieces.append(w)
                else:
                    pieces.append(w.lower())
                pos = m.end()
            sugg = "".join(pieces)
            if at_sentence_start(text, start):
                sugg = sugg[:1].upper() + sugg[1:]
            out.append(ctx.violation(rule, start, end, sugg))
        run.clear()

    for m in _WORD.finditer(text):
        w = m.group()
        # every letter upper-case: CJK letters have no case, so "下载PDF发票" is no shout
        caps = w.isupper() and all(ch.isupper() for ch in w)
        if caps and run:
            gap = text[run[-1].end():m.start()]
            if len(gap) > 3 or any(ch.isalnum() or ch in "\n.!?:;。!?" for ch in gap):
                flush()
        if caps:
            run.append(m)
        else:
            flush()
    flush()
    for m in _BANGS.finditer(text):
        out.append(ctx.violation(rule, m.start(), m.end(), m.group()[0]))
    return out


def run_glossary(rule: Rule, ctx: Context) -> list[Violation]:
    """Glossary terms (technical words) -> the glossary's plain words.

    A term the customer used first is theirs to use (a customer who writes
    "PDF" or "API" knows the word).
    """
    terms = ctx.book.glossary_terms.get(ctx.language)
    if terms is None or terms.regex is None:
        return []
    used: set[str] | None = None
    out = []
    for m in find_terms(terms.regex, ctx.text):
        if used is None:  # scan the customer's messages only when the draft has a term
            used = {u.group().lower() for u in find_terms(terms.regex, ctx.customer_blob)}
        if m.group().lower() in used:
            continue
        plain = terms.replacement(m.group()) or ""
        if at_sentence_start(ctx.text, m.start()):
            plain = match_case(m.group(), plain)
        out.append(ctx.violation(rule, m.start(), m.end(), plain))
    return out


def prepare_shouting(rule: Rule) -> dict[str, frozenset[str]]:
    common = {str(a) for a in rule.params.get("acronyms", [])}
    return {
        lang: frozenset(common | {str(t) for t in (rule.terms[lang].replacements if lang in rule.terms else {})}
                        | {str(t).upper() for t in (rule.terms[lang].replacements if lang in rule.terms else {})})
        for lang in rule.languages
    }


DETECTORS = {
    "terms": Detector(run_terms, ("patterns",)),
    "patterns": Detector(run_terms, ("patterns",)),
    "shouting": Detector(run_shouting, ("params:acronyms",), prepare_shouting),
    "glossary": Detector(run_glossary),
}
