"""The word scanners of ``service.checks.lexical`` are written to open with a
character class (re then skips in C to where a match can start); each must
find exactly what its plain form finds, at any starting position."""

from __future__ import annotations

import random
import re

import pytest

from service.checks import lexical
from tests.eval_rulebook_corpus import load

PLAIN = {
    "_MAYBE_CAPS": r"(?<!\w)[^\Wa-z]+(?!\w)",
    "_CAPS_TOKEN": r"(?<![A-Za-z0-9_\-/\u00C0-\u024F])[A-Z]{2,6}(?![A-Za-z0-9_\-/\u00C0-\u024F])",
    "_BANGS": "!{2,}|\uff01{2,}",
}
_ALPHABET = ["A", "B", "Z", "a", "z", "1", "_", "-", "/", " ", "\n", "!", "\uff01", "É", "é", "中", ".", "ß", "İ", "²"]


def _texts() -> list[str]:
    rng = random.Random(15)
    texts = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    return texts + [c["draft"] for half in ("dev", "dev2") for c in load(half)]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_scanner_finds_what_its_plain_form_finds(name: str) -> None:
    fast, plain = getattr(lexical, name), re.compile(PLAIN[name])
    for text in _texts():
        for pos in range(0, len(text) + 1, 4):
            assert [m.span() for m in fast.finditer(text, pos)] == [m.span() for m in plain.finditer(text, pos)], text
