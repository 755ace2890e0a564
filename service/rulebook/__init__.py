"""The etiquette rulebook: rule data from ``prompts/``, validated at start-up.

The rules are data (YAML under ``prompts/rules/``, glossaries under
``prompts/glossary/``) so a deployment can add a term, a glossary or a language
without a code change. The package is layered, imports pointing one way:

- ``model``: the compiled rule data (imports nothing of ours but
  ``service.domain`` and the text helpers below it: ``service.textnorm``,
  ``service.regex_guard``, ``literals``); bad data is a
  ``service.datafile.DataFileError``;
- ``schema``: the YAML shapes as pydantic models;
- ``compile``: documents to compiled rules (regexes, tries, alternations);
- ``service.checks``: the detectors, which read ``model`` and ``compile``;
- ``engine`` (the ``Rulebook`` running the detectors) and ``loader``.

The engine and the loader are re-exported lazily (PEP 562): a detector module
imports ``service.rulebook.model``, which runs this file first, and an eager
import of the engine here would then import the half-loaded detectors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.rulebook.compile import find_terms, lower_pattern, term_ok, term_regex
from service.rulebook.model import (
    BASE_LANGUAGE_ORDER,
    CATALOGUE,
    Example,
    PatternEntry,
    RewritePair,
    Rule,
    TermList,
)
from service.textnorm import lower_text

if TYPE_CHECKING:
    from service.rulebook.engine import Rulebook
    from service.rulebook.loader import DEFAULT_PROMPTS, REPO_ROOT, load_glossary, load_rulebook

_LAZY = {
    "Rulebook": "service.rulebook.engine",
    "DEFAULT_PROMPTS": "service.rulebook.loader",
    "REPO_ROOT": "service.rulebook.loader",
    "load_glossary": "service.rulebook.loader",
    "load_rulebook": "service.rulebook.loader",
}

__all__ = [
    "BASE_LANGUAGE_ORDER", "CATALOGUE", "DEFAULT_PROMPTS", "Example", "PatternEntry", "REPO_ROOT",
    "RewritePair", "Rule", "Rulebook", "TermList", "find_terms", "load_glossary",
    "load_rulebook", "lower_pattern", "lower_text", "term_ok", "term_regex",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'service.rulebook' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
