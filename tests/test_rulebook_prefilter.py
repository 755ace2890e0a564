"""The literal prefilter of the rule alternations (``Rule.alternation_for``) finds
exactly what the whole alternation finds: it only leaves out patterns that
cannot match because a literal every match needs is absent."""

from __future__ import annotations

import re

import pytest

from service.regex_guard import required_literal_sets, required_literals
from service.rulebook import load_rulebook
from service.rulebook.literals import LiteralScan
from service.textnorm import lower_text
from tests.eval_rulebook_corpus import load

BOOK = load_rulebook()


def _texts(lang: str) -> list[str]:
    out = [c["draft"] for half in ("dev", "dev2") for c in load(half) if c["lang"] == lang]
    for rule in BOOK.rules.values():
        out += [e.text for e in rule.bad.get(lang, ()) + rule.good.get(lang, ())]
        out += [p.bad for p in rule.rewrites.get(lang, ())] + [p.good for p in rule.rewrites.get(lang, ())]
    return out


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
def test_narrowed_alternation_matches_like_the_whole(lang: str) -> None:
    checked = 0
    for rule in BOOK.rules.values():
        whole = rule.combined.get(lang, (None, ()))[0]
        if whole is None:
            continue
        for text in _texts(lang):
            low = lower_text(text)
            narrowed = rule.alternation_for(lang, low)
            want = [(m.span(), m.lastgroup) for m in whole.finditer(low)]
            got = [(m.span(), m.lastgroup) for m in narrowed.finditer(low)] if narrowed is not None else []
            assert got == want, (rule.id, text)
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize("pattern,literals", [
    (r"\bthe delay (?:was|is) (?:because|due to)\b", ("the delay ",)),
    (r"\b(?:i|we) (?:promise|guarantee)\b", ("guarantee", "promise")),
    (r"(?:不能|不可以)[^。]{0,15}(?:公司|我们的)", ("公司", "我们的")),
    (r"\b(?:so )?that's on you\b", ("that's on you",)),
    (r"(?:a|b)?c*", None),  # nothing is required
])
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == literals
    if literals is not None:
        for m in re.finditer(pattern, "the delay was because i promise 不能买公司 so that's on you"):
            assert any(lit in m.group() for lit in literals)


@pytest.mark.parametrize("pattern,sets", [
    (r"\b(?:try|check) (?:our |the )?(?:faq|manual)\b", (("check", "try"), (" ",), ("faq", "manual"))),
    (r"\bthe delay (?:was|is) (?:because|due to)\b", (("the delay ",), ("is", "was"), (" ",), ("because", "due to"))),
    (r"(?:please )?call(?: us)?", (("call",),)),
    (r"(?i)\bfaq", ()),  # the case of the text is not the pattern's
    (r"(?:a|b)?c*", ()),
])
def test_required_literal_sets(pattern: str, sets: tuple[tuple[str, ...], ...]) -> None:
    assert required_literal_sets(pattern) == sets
    for m in re.finditer(pattern, "try our faq; the delay is due to a call, please call us"):
        assert all(any(lit in m.group() for lit in need) for need in sets)


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
def test_literal_scan_finds_what_in_finds(lang: str) -> None:
    """``LiteralScan.present`` is the one-pass answer to ``lit in text`` for every literal."""
    scan = BOOK.literal_scans[lang]
    literals = {lit for rule in BOOK.rules.values() for _, _, need in rule.needs.get(lang, ()) for lit in need or ()}
    literals |= {lit for rule in BOOK.rules.values() for sets in rule.more_needs.get(lang, {}).values()
                 for need in sets for lit in need}
    literals |= {lit for terms in BOOK.term_lists(lang) for lit in terms.literals}
    texts = _texts(lang) + ["pls, k? 不能不能公司 nonono", "", "x"]
    for text in texts:
        for variant in (text, lower_text(text)):
            assert scan.present(variant) == {lit for lit in literals if lit in variant}, variant


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
def test_cue_scan_finds_what_in_finds(lang: str) -> None:
    """A big cue's own scan answers ``lit in text`` for each of its literals."""
    cues = [cue for rule_cues in BOOK.any_language_cues.values() for cue in rule_cues.values() if cue.scan]
    assert cues  # show-empathy's "upset" at least
    for cue in cues:
        literals = {lit for _, need in cue.items for lit in need or ()}
        for text in _texts(lang) + ["Hey!! still waiting, 气死了", ""]:
            low = lower_text(text)
            assert cue.scan.present(low) == {lit for lit in literals if lit in low}, text


@pytest.mark.parametrize("lang", ["en", "it", "es", "zh"])
def test_narrowed_cues_and_terms_match_as_the_whole(lang: str) -> None:
    """A cue narrowed to the alternatives whose literals a text holds, and a
    term list narrowed to its terms the text holds, find what the whole does."""
    from service.checks.context import Context
    from service.rulebook.compile import find_terms

    for text in _texts(lang) + ["Hey!! ſtill waiting, Σ ı İ 气死了", "IDK lol", ""]:
        low = lower_text(text)
        for cues in BOOK.any_language_cues.values():
            for cue in cues.values():
                whole = cue.folded.search(low) if cue.folded is not None else None
                if whole is None and cue.exact is not None:
                    whole = cue.exact.search(text)
                narrow = cue.search(text, low)
                assert (whole and whole.span()) == (narrow and narrow.span()), text
        ctx = Context(BOOK, text, (), "", lang)
        for terms in BOOK.term_lists(lang):
            expected = [m.span() for m in find_terms(terms.regex, text)]
            assert [m.span() for m in find_terms(ctx.term_regex(terms), text)] == expected, text


def test_case_blind_plain() -> None:
    """Texts where a case-blind match is not a substring of the lower-cased text are told apart."""
    from service.textnorm import case_blind_plain

    assert case_blind_plain("Perché NON è possibile? ’€ 不能")
    assert not case_blind_plain("ſorry")  # re matches "s" here under IGNORECASE
    assert not case_blind_plain("İstanbul")  # lower() makes two code points
    assert not case_blind_plain("ΟΔΟΣ")  # a final sigma lowers by context
    assert re.search("(?i)sorry", "ſorry") and "sorry" not in lower_text("ſorry")


def test_literal_scan_prefixes_and_buckets() -> None:
    scan = LiteralScan(["ab", "abc", "abcd", "b", "不能", "不能买", "公司", "x y"])
    assert scan.present("zabcz") == {"ab", "abc", "b"}
    assert scan.present("abcd 不能买") == {"ab", "abc", "abcd", "b", "不能", "不能买"}
    assert scan.present("x y 公") == {"x y"}
    assert scan.present("") == frozenset()


@pytest.mark.parametrize(("pattern", "anchored"), [
    (r"^\s*no[.!]*\s*$", True),
    (r"\Afoo", True),
    (r"(?:^a|^b)c", True),
    (r"\bnon|^\s*boh", False),  # one branch can match anywhere
    (r"(?:^|x)a", False),
    (r"(?m:^a)", False),  # at every line start
])
def test_anchored_at_start(pattern: str, anchored: bool) -> None:
    from service.regex_guard import anchored_at_start

    assert anchored_at_start(pattern) is anchored
    if anchored:  # no match but at the start, wherever the search begins
        text = "a\nbc no\nfoo ac"
        assert all(m.start() == 0 for m in re.finditer(pattern, text))
