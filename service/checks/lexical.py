"""Word-level detectors: term lists, regex patterns, shouting, jargon.

All run precompiled regexes once over the draft (and, for the "the customer
said it first" exemption, once over the customer's messages): linear time.
"""

from __future__ import annotations

import re
from typing import Any

from service.checks.context import Context, Detector, Expansion, at_sentence_start, match_case, overlaps, widen_for_deletion
from service.domain import Violation
from service.rulebook.compile import find_terms, term_ok
from service.rulebook.model import Rule
from service.textnorm import is_cjk


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

    A rule also reads the draft with chat abbreviations written out
    (``Context.expanded``): "nn lo so" says "non lo so", "x hacer" says "por
    hacer". Findings there map back to the draft's span.
    """
    out = _term_findings(rule, ctx, ctx.text, ctx.lower, None)
    exp = ctx.expanded
    if exp is not None and not rule.params.get("expand_for_other_rules"):
        seen = [(v.span.start, v.span.end) for v in out]
        for v in _term_findings(rule, ctx, exp.text, exp.lower, exp, exp.windows):
            if not overlaps(seen, v.span.start, v.span.end):
                out.append(v)
    return out


def _term_findings(rule: Rule, ctx: Context, text: str, lower: str, exp: Expansion | None,
                   windows: tuple[tuple[int, int], ...] = ()) -> list[Violation]:
    lang = ctx.language
    out: list[Violation] = []
    spans = windows or ((0, len(text)),)

    def new(start: int, end: int) -> bool:
        """Whether a match is this pass's to report: on the expansion, only one
        that covers a written-out word (else the draft itself reads so, and the
        first pass has it). Asked first, so the exceptions and the customer's
        side are read only for matches that can be reported."""
        return exp is None or exp.touches(start, end)

    def add(start: int, end: int, replacement: str | None) -> None:
        if exp is not None:
            start, end = exp.original(start, end)
            if replacement is not None and replacement != "":
                replacement = None  # the literal fix was written for the expanded words
        s, e, sugg = _suggest(ctx, start, end, replacement)
        out.append(ctx.violation(rule, s, e, sugg))

    exc = rule.exceptions.get(lang)
    excepted: list[tuple[int, int]] | None = None

    def is_excepted(start: int, end: int) -> bool:
        nonlocal excepted
        if excepted is None:  # read once something matches, which most rules' scans don't
            excepted = [m.span() for m in exc.finditer(lower)] if exc is not None else []
        return overlaps(excepted, start, end)

    terms = rule.terms.get(lang)
    if terms is not None and terms.regex is not None:
        narrowed = ctx.term_regex(terms, text, lower, windows) if exp is not None else None
        found = ctx.terms_found(rule) if exp is None else [] if narrowed is None else [
            m for ws, we in spans for m in narrowed.finditer(text, ws, we)
            if m.end() > m.start() and term_ok(text, m.start(), m.end())]
        for m in found:
            word = m.group()
            if not new(m.start(), m.end()):
                continue
            if rule.params.get("exempt_if_customer_used") and ctx.customer_used(terms.regex, word):
                continue
            if is_excepted(m.start(), m.end()):
                continue
            add(m.start(), m.end(), terms.replacement(word))
    entries = rule.patterns.get(lang, ())
    if entries:
        one_by_one = rule.combined[lang][1]
        allowed: dict[int, bool] = {}

        def may_report(i: int) -> bool:
            """A pattern's conditions on the draft and the customer's side, read
            only once the draft matches it."""
            if i not in allowed:
                entry = entries[i]
                allowed[i] = not (
                    (entry.unless_draft is not None and entry.unless_draft.search(text))
                    or (entry.unless_customer is not None and entry.unless_customer.search(ctx.customer_blob))
                    or (entry.only_if_customer is not None and not entry.only_if_customer.search(ctx.customer_blob))
                )
            return allowed[i]
        present = ctx.literals(lower, windows)
        excluded: frozenset[int] = frozenset()
        while True:
            # A pattern whose conditions refuse this draft must not hide, as the
            # alternation's first branch at a position, another that may report
            # ("it's not that hard" is sarcasm whatever the customer said).
            alternation = rule.alternation_for(lang, lower, present, excluded)
            matches: list[tuple[int, re.Match[str]]] = [] if alternation is None else [
                (int(m.lastgroup[2:]), m) for ws, we in spans
                for m in alternation.finditer(lower, ws, we) if m.lastgroup]
            refused = frozenset(i for i, m in matches if m.end() > m.start() and not may_report(i))
            if not refused:
                break
            excluded |= refused
        for i in one_by_one:
            scanner = ctx.scanner(entries[i].regex, text, lower)
            if scanner is not None:
                matches.extend((i, m) for ws, we in spans for m in scanner.finditer(text, ws, we))
        for i, m in matches:
            if m.end() == m.start():
                continue
            end = m.end() if entries[i].suggestion else _word_end(text, m.end())
            if not new(m.start(), end) or is_excepted(m.start(), m.end()):
                continue
            if may_report(i):
                add(m.start(), end, entries[i].suggestion)
    return out


# The scanners below open with the character class of their first character
# and check what stands before it with a two-character lookbehind
# ("(?<!\w.)" after the first character is "(?<!\w)" before it): re then skips
# in C to the positions where that class matches, where an opening lookbehind
# made it try the pattern at every position. Same matches.
#
# The words of a draft that may be in capitals: any without a lower-case ASCII
# letter (most words have one, and the shouting loop then skips them in C).
# As "(?<!\w)[^\Wa-z]+(?!\w)".
_MAYBE_CAPS = re.compile(r"[^\Wa-z](?<!\w.)[^\Wa-z]*(?!\w)")
# A capitalised Latin token of 2-6 letters standing alone: not part of a code
# ("INV-4471", "X200-B", "a/B") and not inside a longer Latin word, accented
# letters included ("GIÀ" is no acronym "GI"). CJK may
# touch it ("线路SNR余量"). As "(?<![A-Za-z0-9_\-/\u00C0-\u024F])[A-Z]{2,6}(?![A-Za-z0-9_\-/\u00C0-\u024F])".
_CAPS_TOKEN = re.compile(r"[A-Z](?<![A-Za-z0-9_\-/\u00C0-\u024F].)[A-Z]{1,5}(?![A-Za-z0-9_\-/\u00C0-\u024F])")
# An acronym written with its small words in lower case: "IdP", "SaaS",
# "IoT", "VoIP", "QoS", "PPPoE", "VoLTE" (3-5 letters, a capital after a
# lower-case letter, which no word of en/it/es has; longer ones are names:
# "PayPal", "YouTube"). Opens with its capital, so re skips to capitals;
# the edge check comes after.
_MIXED_CASE_TOKEN = re.compile(r"[A-Z](?<![A-Za-z0-9_\-/\u00C0-\u024F].)(?=[A-Za-z]{2,4}(?![A-Za-z0-9_\-/\u00C0-\u024F]))"
                               r"[A-Z]{0,3}[a-z]{1,2}[A-Z][A-Za-z]{0,2}(?![A-Za-z0-9_\-/\u00C0-\u024F])")
_VOWELS = frozenset("AEIOUY")
# Two consonants a word of en/it/es may begin with ("STOP", "FREE", "SBAGLIO",
# "GNOCCHI", "PSICO"); an acronym often begins with another pair ("DSLAM", "MFA").
_ONSETS = frozenset(
    "BL BR CH CL CR DR FL FR GH GL GN GR KL KN KR PH PL PN PR PS SB SC SD SF SG SH SK SL SM SN SP SQ SR ST SV"
    " SW SZ TH TR TS TW VR WH WR".split()
)


def acronym_shaped(word: str) -> bool:
    """An all-caps token that cannot be a word read aloud: no vowel ("SNR",
    "CRC", "TTL") or a start no en/it/es word has ("DSLAM", "MFA", "SSO").

    "NEVER", "STOP", "FREE", "GRATIS", "SUBITO" are words: written in capitals
    they shout, they are not jargon.
    """
    if not _VOWELS.intersection(word):
        return True
    return word[0] not in _VOWELS and word[1] not in _VOWELS and word[:2] not in _ONSETS


_CAPS_NEIGHBOUR = re.compile(r"[A-Z]{2,}")


def _alone_in_caps(text: str, m: re.Match[str]) -> bool:
    """No all-caps word next to the token: "la CU si trasferisce" (an acronym),
    not "NON È COSÌ" (shouting, which no-shouting reports)."""
    before = text[max(0, m.start() - 12):m.start()].split()
    after = text[m.end():m.end() + 12].split()
    near = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return not any(_CAPS_NEIGHBOUR.search(w) and w.upper() == w and any(c.isalpha() for c in w) for w in near)


def unfamiliar_acronyms(ctx: Context, familiar: frozenset[str],
                        keyword: re.Pattern[str] | None = None) -> list[re.Match[str]]:
    """Acronym-shaped tokens of the draft the customer can't be expected to know:
    not in ``familiar`` (common acronyms, slang) and not written by the customer first.

    A token of two or three capitals standing alone ("CU", "OLO", "KO") is one
    too: too short to shout. A keyword the customer is told to send ("text STOP
    to 60060", "发短信CXLL到10086": ``keyword`` matches right after it) is a
    literal to type, not jargon.
    """
    text = ctx.text
    found = [m for m in _CAPS_TOKEN.finditer(text) if m.group() not in familiar
             and (acronym_shaped(m.group()) or len(m.group()) <= 3 and _alone_in_caps(text, m))]
    found += [m for m in _MIXED_CASE_TOKEN.finditer(text) if m.group().upper() not in familiar]
    if found and keyword is not None:
        found = [m for m in found if not keyword.match(text, m.end())]
    if found:
        blob = ctx.customer_blob.upper()
        found = [m for m in found if not _stands_in(blob, m.group())]
    return found


def _stands_in(text: str, token: str) -> bool:
    """Whether ``_CAPS_TOKEN`` finds ``token`` in ``text``. Its matches are runs of
    capitals with no letter, digit or code character on either side, so they
    are exactly the places ``token`` stands so: no need to collect every
    capitalised word of the customer's messages for the few tokens asked about."""
    return token in text and re.search(rf"(?<![A-Za-z0-9_\-/\u00C0-\u024F]){re.escape(token)}(?![A-Za-z0-9_\-/\u00C0-\u024F])", text) is not None


# Repeated "!" or "！" ("!{2,}|！{2,}"), each branch opening with its literal so re skips to them.
_BANGS = re.compile("!!+|\uff01\uff01+")


def run_shouting(rule: Rule, ctx: Context) -> list[Violation]:
    """Runs of ALL-CAPS words, excluding acronyms and codes; repeated "!".

    A run shouts when it has two or more capitalised non-acronym words, or one
    of ``params.min_single_word`` letters or more. Acronyms come from
    ``params.acronyms`` plus the language's ``terms``; a token with a digit
    (a product code such as X200) never shouts and breaks a run.
    """
    text = ctx.text
    acronyms = ctx.book.prepared[rule.id].get(ctx.language, frozenset())
    emphasis = ctx.book.prepared[rule.id].get("_emphasis", {}).get(ctx.language, frozenset())
    min_single = int(rule.params.get("min_single_word", 5))
    out: list[Violation] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        if not run:
            return
        # a lone acronym-shaped token ("SNR", "DSLAM") is jargon (no-jargon), not shouting
        loud = [m for m in run if len(m.group()) >= 2 and m.group() not in acronyms
                and not (len(run) == 1 and acronym_shaped(m.group()) and m.group() not in emphasis)]
        if len(loud) >= 2 or any(len(m.group()) >= min_single or m.group() in emphasis for m in loud):
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

    # a keyword the customer is told to send ("invii SALDO al 40916": no-jargon's
    # sent_keyword_before) is what they type, not a shout
    keyword = ctx.book.prepared.get("no-jargon", {}).get("_keyword")
    for m in _MAYBE_CAPS.finditer(text):
        w = m.group()
        # every letter upper-case: CJK letters have no case, so "下载PDF发票" is no shout
        caps = w.isupper() and all(ch.isupper() for ch in w)
        if caps and keyword is not None and keyword.match(text, m.end()):
            caps = False
        if caps and run:
            # a word in the gap (the loop skips those with a lower-case ASCII letter) ends the run
            gap = text[run[-1].end():m.start()]
            if len(gap) > 3 or any(ch.isalnum() or ch in "_\n.!?:;\u3002\uff01\uff1f\uff1a\uff1b" for ch in gap):
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
    out = run_acronyms(rule, ctx)
    terms = ctx.book.glossary_terms.get(ctx.language)
    if terms is None or terms.regex is None:
        return out
    for m in find_terms(ctx.term_regex(terms), ctx.text):
        if ctx.customer_used(terms.regex, m.group()):
            continue
        plain = terms.replacement(m.group()) or ""
        if at_sentence_start(ctx.text, m.start()):
            plain = match_case(m.group(), plain)
        out.append(ctx.violation(rule, m.start(), m.end(), plain))
    return out


def run_acronyms(rule: Rule, ctx: Context) -> list[Violation]:
    """Unfamiliar acronyms are jargon (Vale's acronym rule): an acronym-shaped
    capitalised token (see ``acronym_shaped``) that is not a common acronym
    (``params.familiar_acronyms`` and the no-shouting rule's list), not slang
    ("IDK", "THX": no-slang's) and not a glossary term (the glossary gives
    those a plain word)."""
    prepared = ctx.book.prepared.get(rule.id, {})
    own = prepared.get(ctx.language)
    if own is None:
        return []
    found = unfamiliar_acronyms(ctx, own, prepared.get("_keyword"))
    if not found:
        return []
    lang = ctx.language
    shouting_data = ctx.book.prepared.get("no-shouting", {})
    # a short common word of any of the languages ("MAI" in a draft read as English) is no acronym
    shouting = shouting_data.get(lang, frozenset()).union(*shouting_data.get("_emphasis", {}).values())
    slang = ctx.book.rules["no-slang"].terms.get(lang) if "no-slang" in ctx.book.rules else None
    glossary = ctx.book.glossary_terms.get(lang)
    out = []
    for m in found:
        w = m.group()
        low = w.lower()
        if w in shouting or (slang is not None and low in slang.replacements) \
                or (glossary is not None and low in glossary.replacements):
            continue
        out.append(ctx.violation(rule, m.start(), m.end(), ""))
    return out


def prepare_glossary(rule: Rule) -> dict[str, Any]:
    """Per language, the capitalised tokens that are not unfamiliar acronyms;
    under "_keyword", what follows a keyword the customer is told to send."""
    if "familiar_acronyms" not in rule.params:
        return {}
    own = {str(a).upper() for a in rule.params.get("familiar_acronyms", [])}
    out: dict[str, Any] = {lang: frozenset(own) for lang in rule.languages}
    if rule.params.get("sent_keyword_before"):
        out["_keyword"] = re.compile(str(rule.params["sent_keyword_before"]), re.IGNORECASE)
    return out


def prepare_shouting(rule: Rule) -> dict[str, Any]:
    """Per language, the acronyms that never shout; under "_emphasis", per
    language, the short common words that shout even alone ("NON", "NOT", "YA")."""
    common = {str(a) for a in rule.params.get("acronyms", [])}
    out: dict[str, Any] = {
        lang: frozenset(common | {str(t) for t in (rule.terms[lang].replacements if lang in rule.terms else {})}
                        | {str(t).upper() for t in (rule.terms[lang].replacements if lang in rule.terms else {})})
        for lang in rule.languages
    }
    out["_emphasis"] = {str(lang): frozenset(str(w).upper() for w in words)
                        for lang, words in (rule.params.get("emphasis_words") or {}).items()}
    return out


DETECTORS = {
    "terms": Detector(run_terms, ("patterns",)),
    "patterns": Detector(run_terms, ("patterns",)),
    "shouting": Detector(run_shouting, ("params:acronyms",), prepare_shouting),
    "glossary": Detector(run_glossary, (), prepare_glossary),
}
