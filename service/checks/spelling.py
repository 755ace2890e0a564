"""Spelling: the rule's list of common misspellings, plus dropped accents
and doubled letters typed once.

Agents typing fast in Spanish and Italian leave accents out ("tendra",
"perche", "fedelta", "ano" for "año"). No list of such words can be complete,
so the accent check reads word frequencies instead: a word written without
accents is a slip when the same letters with accents are a word that is much
more common in the language ("tendrá" is 30 times as frequent as "tendra").
Where both spellings are common words ("si"/"sí", "esta"/"está", "e"/"è")
the check stays silent: it can't know which one was meant.

Frequencies come from ``wordfreq`` (a well-kept multi-source word-frequency
list with its data inside the package, no network). At load, each language's
list is turned into one map from the accent-less spelling to the accented
word, so a check is one dictionary lookup per word.

A sentence left in lower case after one that ended (". il ristorante") is
a slip of capitalisation, in a draft that capitalises its other sentences
(one typed all in lower case is chat style, which no-slang reports). It is
found from the full stop, not the word: a scan that starts at a punctuation
mark skips the text between marks in one step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from service.checks.context import Context, Detector, at_sentence_start, match_case
from service.checks.lexical import run_terms
from service.checks.misspellings import WORD, Speller, load_speller
from service.domain import Violation
from service.rulebook.model import Rule
from service.textnorm import strip_accents

# A word of ASCII letters only: one that already carries an accent was typed with care.
_PLAIN_WORD = re.compile(r"(?<![\w'’])[A-Za-z]{2,}(?![\w'’])")
# An end of sentence (or the text's start), one space, and a word in lower
# case; the mark comes first, so re skips to the next mark in one step.
_LOWER_AFTER_STOP = re.compile(r"(?:[.!?] |\A)([a-zß-öø-ÿ]+)(?![^\W\d_])")
# Whether some sentence starts with a capital: the text's first letter, or one after a mark.
_CAPITAL_START = re.compile(r"\A[\s\"“«¡¿]*[A-ZÀ-ÖØ-Þ]|[.!?][\s\"“«¡¿]+[A-ZÀ-ÖØ-Þ]")


@lru_cache(maxsize=8)
def accent_slips(language: str, min_gain: float, ambiguous_finals: str = "") -> dict[str, str]:
    """accent-less spelling -> the accented word, where the accented word is
    ``min_gain`` Zipf points (log10 of the frequency) more common than the
    accent-less letters are as a word of their own.

    A word whose only accent is a final one of ``ambiguous_finals`` is left
    out: "lanzo"/"lanzó", "parlo"/"parlò" are two forms of one verb (I
    launch, he launched), each right in its place."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(language, "small")

    def misspellings() -> Iterator[tuple[str, str]]:
        for word in freqs:
            plain = strip_accents(word)
            if plain == word or not plain.isascii() or not plain.isalpha():
                continue
            if word[-1] in ambiguous_finals and word[:-1] == plain[:-1]:
                continue
            yield plain, word
    return _much_commoner(freqs, min_gain, misspellings())


# A doubled consonant (or the "cq" of "acquisto") a fast typist may type once.
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1|cq")


@lru_cache(maxsize=8)
def double_letter_slips(language: str, min_gain: float) -> dict[str, str]:
    """A word typed with one letter of a double ("agiorna", "aquistato",
    "tomorow", "desarollo") -> the word, where the word is ``min_gain`` Zipf
    points more common than the single-letter spelling as a word of its own;
    where both are common words ("caro"/"carro", "copia"/"coppia") nothing
    is read. Slips of five letters or more: shorter ones ("core" for
    "corre") are borrowed words, names and abbreviations as often."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(language, "small")

    def misspellings() -> Iterator[tuple[str, str]]:
        for word in freqs:
            if len(word) < 6 or not word.isascii() or not word.isalpha():
                continue
            for m in _DOUBLED.finditer(word):
                yield word[:m.start()] + word[m.start() + 1:], word
    return _much_commoner(freqs, min_gain, misspellings())


def _much_commoner(freqs: dict[str, float], min_gain: float, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """misspelling -> word, for each (misspelling, word) pair where the word
    is ``min_gain`` Zipf points more common than the misspelling is as a word
    of its own; the commonest word where one misspelling has several."""
    ratio = 10 ** min_gain
    best: dict[str, tuple[float, str]] = {}
    for wrong, word in pairs:
        freq = freqs[word]
        if freq >= ratio * freqs.get(wrong, 0.0) and freq > best.get(wrong, (0.0, ""))[0]:
            best[wrong] = (freq, word)
    return {wrong: word for wrong, (_, word) in best.items()}


def run_spelling(rule: Rule, ctx: Context) -> list[Violation]:
    """The rule's term list, then words whose accents were left out.

    A capitalised word inside a sentence is a name ("Hola Jose"): not flagged."""
    out = run_terms(rule, ctx)
    if ctx.language in (rule.params.get("sentence_case_languages") or ()):
        out.extend(_lower_case_starts(rule, ctx))
    prepared: SpellingData = ctx.book.prepared[rule.id]
    speller = prepared.spellers.get(ctx.language)
    if speller is not None:
        others = [s for lang, s in prepared.spellers.items() if lang != ctx.language]
        out.extend(_dictionary_slips(rule, ctx, speller, others, out))
    slips = prepared.slips.get(ctx.language)
    if not slips:
        return out
    # Most drafts hold no slip: one set test over the words (found in C)
    # spares a Python step per word.
    if slips.keys().isdisjoint(map(str.lower, _PLAIN_WORD.findall(ctx.text))):
        return out
    taken = [(v.span.start, v.span.end) for v in out]
    for m in _PLAIN_WORD.finditer(ctx.text):
        word = m.group()
        fixed = slips.get(word.lower())
        if fixed is None or any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if word[0].isupper() and not at_sentence_start(ctx.text, m.start()):
            continue
        out.append(ctx.violation(rule, m.start(), m.end(), match_case(word, fixed)))
    return out


def _dictionary_slips(rule: Rule, ctx: Context, speller: Speller, others: list[Speller],
                      found: list[Violation]) -> list[Violation]:
    """Words the language's dictionary lexicon reads as slips (``misspellings``).

    Not read: a word the conversation has (the customer's spelling, a product
    they named), a term of any rule's list (slang and jargon are reported by
    their own rules), a capitalised word inside a sentence (a name), one
    in capitals (an acronym, or shouting), or a common word of another
    language read here (``others``): a draft written in Italian to a customer
    who wrote in Spanish is checked as Spanish, and its words are no slips."""
    # Most words are common: one set difference (in C) leaves the few to read.
    rare = set(WORD.findall(ctx.lower)).difference(speller.common)
    if not rare:
        return []
    out = []
    taken = [(v.span.start, v.span.end) for v in found]
    for m in WORD.finditer(ctx.text):
        word = m.group()
        low = word.lower()
        if len(word) < speller.min_length or word.isupper() or low not in rare:
            continue
        if word[0].isupper() and not at_sentence_start(ctx.text, m.start()):
            continue
        fixed = speller.correction(low)
        if fixed is None or low in _term_words(ctx.book, ctx.language) or low in _conversation_words(ctx):
            continue
        if any(low in other.common for other in others):
            continue
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        out.append(ctx.violation(rule, m.start(), m.end(), match_case(word, fixed)))
    return out


def _conversation_words(ctx: Context) -> frozenset[str]:
    words = ctx.__dict__.get("_conversation_words")
    if words is None:
        words = ctx.__dict__["_conversation_words"] = frozenset(
            w.lower() for msg in ctx.conversation for w in WORD.findall(msg.text))
    return words


@lru_cache(maxsize=16)
def _term_words(book: object, language: str) -> frozenset[str]:
    """Every word of every rule's term list and the glossary in ``language``."""
    lists = book.term_lists(language)  # type: ignore[attr-defined]
    return frozenset(w for terms in lists for term in terms.terms for w in re.findall(r"[^\W\d_]+", str(term).lower()))


def _lower_case_starts(rule: Rule, ctx: Context) -> list[Violation]:
    """Words that start a sentence in lower case, when the draft capitalises
    some sentence. The word before the full stop must be a word of two
    letters or more and no abbreviation (``params.abbreviations``: "a.m.",
    "etc.", "Sra." end no sentence)."""
    text = ctx.text
    found = []
    for m in _LOWER_AFTER_STOP.finditer(text):
        if m.start(1) == 0:
            found.append(m)   # the reply's first word, in a reply that capitalises elsewhere
            continue
        before = text[max(0, m.start() - 12):m.start()]
        word = re.search(r"[^\W\d_]+$", before)
        if word is None or len(word.group()) < 2 or word.start() > 0 and before[word.start() - 1] == ".":
            continue  # "3 p.m. please": no word, or a letter of an abbreviation
        if word.group().lower() in _abbreviations(rule, ctx.language):
            continue
        found.append(m)
    if not found or not _CAPITAL_START.search(text):
        return []
    return [ctx.violation(rule, m.start(1), m.end(1)) for m in found]


@lru_cache(maxsize=64)
def _abbreviations(rule: Rule, language: str) -> frozenset[str]:
    """``params.abbreviations`` of a language, read once (a rule is immutable)."""
    prepared: dict = rule.params.get("abbreviations") or {}
    return frozenset(str(a).lower() for a in prepared.get(language) or ())


@dataclass(frozen=True)
class SpellingData:
    """What correct-spelling builds at start-up: per language, the map of
    slips from frequencies (dropped accents, a double typed once) and the
    dictionary lexicon's speller."""

    slips: dict[str, dict[str, str]] = field(default_factory=dict)
    spellers: dict[str, Speller] = field(default_factory=dict)


def prepare_spelling(rule: Rule) -> SpellingData:
    """Built at start-up (a list takes ~0.1 s to read); an accent's reading
    wins where both give one. The lexicons sit in ``params.dictionary_dir``,
    a folder named relative to the rule file (``../spelling``)."""
    gain = float(rule.params.get("accent_min_gain", 1.0))
    finals = "".join(rule.params.get("accent_ambiguous_finals") or ())
    out: dict[str, dict[str, str]] = {}
    for lang in rule.params.get("double_letter_languages") or ():
        out[lang] = dict(double_letter_slips(lang, gain))
    for lang in rule.params.get("accent_languages") or ():
        out.setdefault(lang, {}).update(accent_slips(lang, gain, finals))
    spellers = {}
    folder = Path(str(rule.params.get("dictionary_dir", "")))
    for lang in rule.params.get("dictionary_languages") or ():
        spellers[lang] = load_speller(folder / f"{lang}.json.gz", lang,
                                      float(rule.params.get("dictionary_min_zipf", 4.0)),
                                      int(rule.params.get("dictionary_min_length", 4)))
    return SpellingData(out, spellers)


DETECTORS: dict[str, Detector] = {
    "spelling": Detector(run_spelling, ("patterns", "params:accent_languages", "params:accent_min_gain"),
                         prepare_spelling),
}
