"""Reading ``prompts/rules/*.yaml`` and ``prompts/glossary/*.yaml`` into a Rulebook.

A rule file holds one rule per YAML document (several documents or a list
per file are fine). Its keys are the fields of ``schema.RuleDoc``:

- ``id`` (from the catalogue), ``title``, ``message``, ``severity``
  (suggestion/warning/error), ``sources`` (``"<seed file>, rule N"`` or
  ``'<seed file>, "Section"'``), ``languages`` (base tags);
- ``detector``: the detector family in ``service/checks`` that applies it;
- ``fix``: how a violation is fixed without the model: ``replace`` (the
  suggestion is a literal drop-in), ``delete`` (the suggestion, else remove the
  excerpt) or ``model`` (only a rewrite fixes it). The fallback rewrite and
  ``Rulebook.replacement`` read this, not lists of rule ids;
- ``params``: detector settings (thresholds, acronym list...);
- ``terms``: per language, term -> literal replacement ("" deletes, null =
  flag without a replacement), or a plain list;
- ``patterns``: per language, regexes (case-insensitive) or mappings with
  ``re``, ``suggestion``, ``unless_customer``/``only_if_customer`` (a regex
  over the customer's messages), ``unless_draft`` (a regex over the whole
  draft that cancels the pattern: a next step said elsewhere in it);
- ``exceptions``: per language, regexes whose matches are never flagged;
- ``cues``: per language, named regex lists the conversation detectors read;
- ``examples``: per language, ``bad`` and ``good`` drafts (a string, or a
  mapping with ``text``, ``conversation: [{customer: ...}, {agent: ...}]``,
  ``customer_name``, and for a bad one ``excerpt`` and ``suggestion``, which
  pin the span and the suggestion of the finding); every one runs as a test;
- ``rewrites``: per language, ``{bad, good}`` pairs: bad breaks the rule,
  good is an honest rewrite that fixes it; each runs as a test of the rule and
  of the guard.

A glossary file is ``{language: xx, terms: {technical term: plain words}}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from service.checks import DETECTORS
from service.datafile import REPO_ROOT, DataFileError, load_models
from service.rulebook.compile import compile_rule
from service.rulebook.engine import Rulebook
from service.rulebook.model import CATALOGUE, Rule
from service.rulebook.schema import GlossaryDoc, RuleDoc

DEFAULT_PROMPTS = REPO_ROOT / "prompts"


def load_glossary(path: Path, into: dict[str, dict[str, str]]) -> None:
    """Merge one glossary file ({language: xx, terms: {term: plain words}}) into ``into``."""
    for glossary in load_models(path, GlossaryDoc):
        into.setdefault(glossary.language, {}).update({t.strip(): p.strip() for t, p in glossary.terms.items()})


def load_rules(rules_dir: Path) -> dict[str, Rule]:
    """Every rule under ``rules_dir``, by id, in catalogue order; each catalogue id exactly once."""
    rule_files = sorted(rules_dir.glob("*.yaml"))
    if not rule_files:
        raise DataFileError(rules_dir, "(directory)", "no rule files (*.yaml)")
    found: dict[str, Rule] = {}
    for path in rule_files:
        for doc in load_models(path, RuleDoc):
            rule = compile_rule(path, doc, DETECTORS)
            if rule.id in found:
                raise DataFileError(path, "id", f"{rule.id!r} is already defined in {found[rule.id].file}")
            found[rule.id] = rule
    missing = [rid for rid in CATALOGUE if rid not in found]
    if missing:
        raise DataFileError(rules_dir, "id", f"no rule data for {', '.join(missing)}")
    return {rid: found[rid] for rid in CATALOGUE}


def load_rulebook(rules_dir: Path = DEFAULT_PROMPTS, glossary_paths: Sequence[Path] = ()) -> Rulebook:
    """Load and validate ``rules_dir``/rules/*.yaml and ``rules_dir``/glossary/*.yaml.

    ``glossary_paths`` extend or override the built-in glossary (a deployment's
    own terms, without a code change). Raises DataFileError naming the file and key.
    """
    rules_dir = Path(rules_dir)
    rules = load_rules(rules_dir / "rules")
    glossary: dict[str, dict[str, str]] = {}
    for path in sorted((rules_dir / "glossary").glob("*.yaml")):
        load_glossary(path, glossary)
    for path in glossary_paths:
        load_glossary(Path(path), glossary)
    return Rulebook(rules, glossary)
