"""The shape of the YAML files, as typed pydantic models.

Rule files (``prompts/rules/*.yaml``) and glossaries (``prompts/glossary/*.yaml``)
are read into these models first, so every shape error (an unknown key, a
missing title, a boolean where YAML read ``no``) is caught in one place and
reported as a ``RulebookError`` naming the file and the key path
(``patterns.en[3].re``). What a model cannot know (does a regex compile, is a
language one of the rule's, does the detector have the data it needs) is
checked by ``compile``, with the same error shape.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from service.domain import Severity
from service.rulebook.model import CATALOGUE, Fix, fail, RulebookError

SOURCE_RE = re.compile(r'^\d{3}_[0-9a-f]{16}\.txt, (?:rule \d+|item \d+|"[^"]+")$')
LANG_RE = re.compile(r"^[a-z]{2,3}$")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Lang = Annotated[str, StringConstraints(pattern=LANG_RE.pattern)]


class _Doc(BaseModel):
    # Numbers are words here ("886" is Chinese slang for bye); booleans are not.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class PatternDoc(_Doc):
    re: NonEmpty
    suggestion: str | None = None
    unless_customer: NonEmpty | None = None
    only_if_customer: NonEmpty | None = None
    # A regex over the whole draft that, when it matches, cancels this pattern:
    # "I don't know" is fine when the same draft says what happens next.
    unless_draft: NonEmpty | None = None


class ExampleDoc(_Doc):
    text: str
    conversation: list[dict[str, str]] = Field(default_factory=list)
    customer_name: str = ""
    # What the finding must say: the excerpt its span covers, and its suggestion.
    excerpt: str | None = None
    suggestion: str | None = None


class ExamplesDoc(_Doc):
    bad: list[Union[str, ExampleDoc]] = Field(default_factory=list)
    good: list[Union[str, ExampleDoc]] = Field(default_factory=list)


class RewriteDoc(_Doc):
    bad: NonEmpty
    good: NonEmpty
    conversation: list[dict[str, str]] = Field(default_factory=list)
    customer_name: str = ""


class RuleDoc(_Doc):
    id: str
    title: NonEmpty
    message: NonEmpty
    severity: Severity
    sources: list[Annotated[str, StringConstraints(pattern=SOURCE_RE.pattern)]] = Field(min_length=1)
    languages: list[Lang] = Field(min_length=1)
    detector: NonEmpty
    fix: Fix
    params: dict[str, Any] = Field(default_factory=dict)
    patterns: dict[str, list[Union[NonEmpty, PatternDoc]]] = Field(default_factory=dict)
    exceptions: dict[str, list[NonEmpty]] = Field(default_factory=dict)
    terms: dict[str, Union[dict[str, str | None], list[str]]] = Field(default_factory=dict)
    cues: dict[str, dict[str, Union[NonEmpty, list[NonEmpty]]]] = Field(default_factory=dict)
    examples: dict[str, ExamplesDoc] = Field(default_factory=dict)
    rewrites: dict[str, list[RewriteDoc]] = Field(default_factory=dict)
    notes: Any = None

    @field_validator("id")
    @classmethod
    def _in_catalogue(cls, value: str) -> str:
        if value not in CATALOGUE:
            raise ValueError(f"{value!r} is not in the rule catalogue (RULES.md)")
        return value


class GlossaryDoc(_Doc):
    language: Lang
    terms: dict[NonEmpty, NonEmpty] = Field(min_length=1)


_HINTS = {
    "missing": "missing",
    "extra_forbidden": "unknown key",
    "enum": "not one of suggestion, warning, error",
}


def key_path(loc: tuple[Any, ...], data: Any) -> str:
    """``("patterns", "en", 3, "re")`` -> ``patterns.en[3].re``, following the
    data so pydantic's union tags ("list[str]", "PatternDoc") are left out."""
    out = ""
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out += f"[{part}]"
            node = node[part]
        elif isinstance(node, dict) and part in node:
            out += ("." if out else "") + str(part)
            node = node[part]
        elif isinstance(node, dict) and i == len(loc) - 1 and part != "[key]":
            out += ("." if out else "") + str(part)  # a missing key
    return out or "<document>"


def parse(model: type[_Doc], data: Any, path: Path | str) -> Any:
    """``model`` validated from ``data``, or the deepest error as a RulebookError."""
    if not isinstance(data, dict):
        raise fail(path, "<document>", f"must be a mapping ({model.__name__})")
    if model is RuleDoc:
        for key in ("id", "title", "message", "severity", "sources", "languages", "detector"):
            if data.get(key) in (None, "", []):
                raise fail(path, key, "missing")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = max(exc.errors(), key=lambda e: len(e["loc"]))
        key = key_path(tuple(err["loc"]), data)
        why = _HINTS.get(err["type"], err["msg"])
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(f for f in _fields_at(model, err["loc"])))
            why = f"unknown key (allowed: {allowed})" if allowed else why
        if isinstance(err.get("input"), bool):
            why = "YAML read a boolean: quote words such as yes/no/on/off"
        elif err["type"] == "enum":
            why = f"{err.get('input')!r} is {why}"
        raise RulebookError(f"{path}: key '{key}': {why}") from None


def _fields_at(model: type[_Doc], loc: tuple[Any, ...]) -> list[str]:
    """The allowed keys of the model an unknown key was found in (for the message)."""
    if len(loc) == 1:
        return list(model.model_fields)
    return []
