"""Fact extraction and normalisation for the honesty guard.

A rewrite must keep every fact of the draft and add none, so both texts are
reduced to sets of normalised keys: "$4.99" and "4.99 USD" both become
``amt:USD:4.99``, "two weeks" and "2 weeks" both ``dur:2:week``, "12 March" and
"March 12" both ``date:3-12``. Comparing keys, not strings, is what lets a
rewrite reword freely while a changed digit still shows.

Everything language-specific (number words, weekday and month names, currency
words, duration units, commitment/refusal patterns used by the guard) is data
in ``prompts/guard/<lang>.yaml``, loaded and compiled once per process.
Matching runs on a *folded* copy of the text where each code point is replaced
by its NFKC form when that form is a single code point (full-width digits and
punctuation become ASCII), so indices of the folded text are indices of the


The package reads in one direction: ``keys`` (normal forms, no language
data) <- ``lexicon`` (a language's compiled data and the extraction passes)
<- ``loader`` (the YAML files into lexicons).
"""

from service.facts.keys import (
    CJK_DIGITS,
    DAY_KEY,
    DEFAULT_GUARD_DIR,
    KIND_LABELS,
    TIME_KINDS,
    cjk_number,
    dotted_date,
    duration_key,
    equivalent_keys,
    other_readings,
    writes_day_first,
    implied_channels,
    share_keys,
    list_items,
)
from service.facts.lexicon import Lexicon
from service.facts.loader import _default_lexicons, extract_facts, load_lexicon, load_lexicons, pick
from service.textnorm import fold

__all__ = [
    "CJK_DIGITS", "DAY_KEY", "DEFAULT_GUARD_DIR", "KIND_LABELS", "TIME_KINDS", "Lexicon", "cjk_number",
    "dotted_date", "duration_key", "equivalent_keys", "extract_facts", "fold", "implied_channels", "load_lexicon", "share_keys", "other_readings", "writes_day_first",
    "load_lexicons", "pick", "_default_lexicons", "list_items",
]
