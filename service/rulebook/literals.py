"""Which of a language's required literals occur in a text, found in one pass.

``Rule.alternation_for`` leaves out the patterns whose required literals are
absent from the draft. Testing each literal with ``in`` costs a scan of the
draft per literal, and a language has some 400 of them across its rules: that
was a third of a 500-character check. ``LiteralScan`` answers for all of them
at once, so every rule of a check shares one pass per text. The answer is
exactly the set of literals ``lit in text`` holds for, by three routes:

- one-character literals: a set intersection with the text's characters;
- literals that start with a CJK character: bucketed by that character, so
  only those whose characters all occur in the text are tested with ``in``
  (CJK text has thousands of distinct characters, few of them in a draft);
- the others: one trie-shaped regex inside a lookahead, run at every
  position. A trie tries the longer continuation first, so at each position
  it reports the longest literal starting there; every literal starting there
  is a prefix of that one, and each literal's literal prefixes are listed at
  build time. (A trie over CJK literals is slow: re tries a top-level branch
  per distinct first character, and in CJK text nearly every position opens
  one, hence the buckets.)
"""

from __future__ import annotations

import re
from typing import Iterable

from service.regex_guard import first_char_guarded, trie
from service.textnorm import is_cjk


class LiteralScan:
    """The literals of ``literals`` present in a text: ``present(text)``."""

    def __init__(self, literals: Iterable[str]) -> None:
        words = {lit for lit in literals if lit}
        self._singles = frozenset(lit for lit in words if len(lit) == 1)
        cjk = [lit for lit in words if len(lit) > 1 and is_cjk(lit[0])]
        buckets: dict[str, list[tuple[frozenset[str], str]]] = {}
        for lit in sorted(cjk):
            buckets.setdefault(lit[0], []).append((frozenset(lit), lit))
        self._buckets = {ch: tuple(items) for ch, items in buckets.items()}
        self._bucket_chars = frozenset(buckets)  # a set: meeting a dict walks all its keys
        rest = sorted(words - self._singles - set(cjk))
        self._regex = re.compile(f"(?=({first_char_guarded(trie(rest))}))") if rest else None
        known = set(rest)
        self._prefixes = {lit: tuple(lit[:n] for n in range(2, len(lit) + 1) if lit[:n] in known) for lit in rest}

    def present(self, text: str) -> frozenset[str]:
        chars = set(text)
        found = set(self._singles.intersection(chars))
        for ch in chars & self._bucket_chars:
            found.update(lit for needed, lit in self._buckets[ch] if needed <= chars and lit in text)
        if self._regex is not None:
            for longest in set(self._regex.findall(text)):
                found.update(self._prefixes[longest])
        return frozenset(found)
