"""One reading of text for every rule-side module: same-length case folding,
same-length NFKC, and what counts as a CJK character.

Spans are code-point offsets into the draft the agent typed, so every
normalised copy the detectors search must keep the length of the original:
``str.lower()`` turns "İ" into two code points and NFKC turns "ﬁ" into two, and
a match found after either would point at the wrong characters. The functions
here fall back to per-character folding only for the rare text that needs it.

The names and behaviour match ``guard_text.lower_same_length`` and
``facts.fold`` so the honesty guard can switch to this module unchanged.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CJK_CLASS", "CJK", "LATIN_WORD_CHAR", "case_blind_plain", "count_cjk", "fold", "has_cjk", "is_cjk", "lower_same_length", "lower_text"]

# Kana, CJK Extension A, the unified ideographs and the compatibility
# ideographs: the scripts of the languages the rulebook reads (zh; ja kana so a
# pasted Japanese name is not taken for Latin). One definition: the term
# matcher, the detectors, the edit tokenizer and the fallback must agree on
# where a CJK word starts, or a span found by one is cut wrongly by another.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CLASS}]")
# A word character that is not CJK. Python's ``\\w`` counts ideographs as word
# characters, so ``\\b`` never falls between "拨打" and "138..." nor between
# "是" and "CDN"; a lookaround on this class is the word edge for a Latin word
# or a number written against Chinese text.
LATIN_WORD_CHAR = f"[^\\W{CJK_CLASS}]"

# The ideographic comma always ends a clause; folded to "," it would join
# "订单10000，1元" into the number 10000.1.
_KEEP_UNFOLDED = frozenset("\uff0c")


_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def count_cjk(text: str) -> int:
    """How many CJK characters ``text`` holds: ``len(CJK.findall(text))``, but
    summed over runs, so a Chinese text is not split into a string per character."""
    return sum(map(len, _CJK_RUN.findall(text)))


def is_cjk(ch: str) -> bool:
    """Whether the single character ``ch`` is a CJK ideograph or kana."""
    return bool(ch) and CJK.match(ch) is not None


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds any CJK character (such text has no word spaces)."""
    return CJK.search(text) is not None


def strip_accents(text: str) -> str:
    """"vía" -> "via": words compare without diacritics, because agents
    typing fast in Spanish and Italian often drop them ("garantia", "perche")."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def lower_same_length(s: str) -> str:
    """Lower case without changing indices ("İ".lower() is two code points)."""
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


# The rulebook's historical name for the same function.
lower_text = lower_same_length


def _case_odd() -> str:
    """The characters for which "matches under IGNORECASE" and "equal after
    ``lower_text``" part ways: re also matches a few pairs whose lower cases
    differ ("s" and long "ſ", "i" and dotless "ı", Greek symbol variants),
    and "İ" and a final "Σ" lower differently in ``str.lower``. Computed over
    the BMP: no character beyond it is odd in these ways."""
    try:
        import _sre
        from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - a Python without them: every non-ASCII character is odd
        return "\u0080-\U0010ffff"
    odd = {c for key, values in _EXTRA_CASES.items() for c in (key, *values) if c > 0x7F}
    return "".join(
        re.escape(chr(cp)) for cp in range(0x80, 0x10000)
        if cp in odd or _sre.unicode_tolower(cp) in odd or chr(cp).lower() != chr(_sre.unicode_tolower(cp))
    )


_CASE_ODD = re.compile(f"[{_case_odd()}]")


def case_blind_plain(text: str) -> bool:
    """Whether a case-blind (IGNORECASE) match of a literal in ``text`` is
    always an occurrence of the literal's ``lower_text`` in ``lower_text(text)``
    (true unless the text or the literal holds a character of ``_case_odd``),
    so a substring test on the lower-cased text can rule such a match out."""
    return _CASE_ODD.search(text) is None


class _FoldTable(dict[int, str]):
    """Code point -> its fold, for ``str.translate``: each character is
    normalised the first time a text holds it, then looked up in C. The
    table stops growing at ``_FOLD_TABLE_MAX`` entries, so hostile input
    that walks the whole of Unicode can't grow it without bound."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        folded = n if len(n) == 1 and ch not in _KEEP_UNFOLDED else ch
        if len(self) < _FOLD_TABLE_MAX:
            self[code] = folded
        return folded


_FOLD_TABLE_MAX = 1 << 16


_FOLDS = _FoldTable()


def fold(text: str) -> str:
    """NFKC per code point, keeping length (so spans stay valid).

    Text already in NFKC (nearly every chat message; checked in C) has no
    code point that folds to another single one, so it is returned as is.
    The rest (most Chinese text: its full-width commas) is folded a
    character at a time through a table: half the time of a Python loop.
    """
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and "\uff0c" not in text):
        return text
    return text.translate(_FOLDS)
