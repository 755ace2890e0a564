"""Words a dictionary rejects that are one typing slip from a common word
("urjente", "aquistato", "pleaes", "habiles"), for correct-spelling.

A hand-typed list of misspellings only knows the slips someone thought of;
a frequency list alone can't tell a slip from a rare form ("prenotarle",
"aspettiate", "abriré" and "acquirer" are rare and right). Hunspell can,
through its affix rules, but the pip-installable one is slow to load and to
ask, so ``scripts/build_spelling_lexicon.py`` asks it once, offline, about
every rare word in wordfreq's large list that is one edit from a common word,
and writes the answers to ``prompts/spelling/<lang>.json.gz``:

- ``slips``: rejected, with the common word as the suggestion;
- ``near``: accepted, or no English word in an Italian or Spanish draft.

A word in neither set and not among wordfreq's common words is one wordfreq
has never seen in print; it is read as a slip when a word at least
``min_zipf`` common is one edit away ("urjente" -> "urgente"), the accented
spelling first. A word the conversation has, a term of any rule's list (slang
and jargon have rules of their own), a capitalised word inside a sentence
(a name) and a word in capitals are never read.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import StrictFloat

from service.datafile import DataDoc, DataFileError, Text, validated
from service.textnorm import strip_accents

# Letters of the word's own language: an accented letter may be the slip ("aparició")
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "es": "abcdefghijklmnopqrstuvwxyzáéíóúñü",
    "it": "abcdefghijklmnopqrstuvwxyzàèéìíòóù",
}
# A word of letters alone, not part of an address, a path, a code or a contraction.
WORD = re.compile(r"(?<![\w'’@./\\-])[^\W\d_]+(?![\w'’@-]|\.\w)")


class SpellingLexiconDoc(DataDoc):
    """``prompts/spelling/<lang>.json.gz``, as the build script writes it."""

    language: Text
    source: Text
    min_gain: StrictFloat
    accent_gain: StrictFloat
    slips: dict[Text, Text]
    near: list[Text]


@dataclass(frozen=True, eq=False)
class Speller:
    """One language's slips, near words and common words (word -> Zipf)."""

    language: str
    slips: dict[str, str]
    near: frozenset[str]
    common: dict[str, float]
    min_zipf: float
    min_length: int

    def correction(self, word: str) -> str | None:
        """The word meant, when ``word`` (lower case) is a slip; else None."""
        if len(word) < self.min_length or word in self.common:
            return None
        fixed = self.slips.get(word)
        if fixed is None and word not in self.near:
            fixed = _unseen_correction(self, word)
        return None if fixed is None or another_ending(word, fixed) else fixed


def another_ending(word: str, fixed: str) -> bool:
    """Whether the two differ only in the last letter: one added, dropped or
    changed ("delicates"/"delicate", "generaré"/"generar", "revisá"/"revisa",
    "Tapad"/"Tapa"). Endings carry inflection, so such a word is more often
    another form of the word than a slip. A letter held too long ("heyy",
    "holaa") and two last letters swapped ("pleaes") are slips."""
    if len(word) == len(fixed) + 1 and word[:-1] == fixed:
        return word[-1] != word[-2]
    return fixed[:-1] == word or word[:-1] == fixed[:-1]


@lru_cache(maxsize=4096)
def _unseen_correction(speller: Speller, word: str) -> str | None:
    """The commonest word one edit away, an accented spelling of the same
    letters first, if any is ``min_zipf`` common."""
    best: tuple[bool, float, str] | None = None
    plain = strip_accents(word)
    for e in edits(word, ALPHABETS.get(speller.language, ALPHABETS["en"])):
        z = speller.common.get(e, 0.0)
        if z < speller.min_zipf:
            continue
        key = (strip_accents(e) == plain, z, e)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def edits(word: str, alphabet: str) -> Iterator[str]:
    """Every spelling one edit away: a letter dropped, two swapped, one changed,
    one added (``scripts/build_spelling_lexicon.py`` builds the lexicons with it,
    so the check and the lexicon read "one edit" alike)."""
    for i in range(len(word) + 1):
        a, b = word[:i], word[i:]
        if b:
            yield a + b[1:]
            for c in alphabet:
                if c != b[0]:
                    yield a + c + b[1:]
        if len(b) > 1 and b[0] != b[1]:
            yield a + b[1] + b[0] + b[2:]
        for c in alphabet:
            yield a + c + b


def load_speller(path: Path, language: str, min_zipf: float, min_length: int) -> Speller:
    """Read one language's lexicon; wordfreq's small list gives the common words."""
    import wordfreq

    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as err:
        raise DataFileError(path, "(file)", f"cannot read the spelling lexicon: {err}") from err
    doc = validated(SpellingLexiconDoc, data, path)
    if doc.language != language:
        raise DataFileError(path, "language", f"is {doc.language!r}, the rule reads it as {language!r}")
    common = {w: math.log10(f * 1e9) for w, f in wordfreq.get_frequency_dict(language, "small").items() if f > 0}
    return Speller(language, dict(doc.slips), frozenset(doc.near), common, min_zipf, min_length)
