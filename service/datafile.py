"""Reading the YAML data files (``prompts/``) into typed models, and the one error for bad data.

Rules, glossaries, guard lexicons, fallback data, edit explanations and tones
are data a deployment edits without a code change, so a mistake in them must
stop the service at start-up with a message a person can act on: which file,
which key, what is wrong (``prompts/rules/02-no-shouting.yaml:
params.acronyms[3]: expected a string, YAML read a boolean (quote yes/no/on/off)``).
Every loader reads its file through ``load_model`` (``load_models`` for a
file of several documents), so the shape of each file is a pydantic model and
pydantic's ``ValidationError`` becomes a ``DataFileError`` here and nowhere
else. Checks a model cannot make (does a regex compile, is a rule id in the
rulebook) raise ``DataFileError`` directly, with the same message shape.

This module sits at the bottom of the import graph: it imports nothing from
``service``, so every loader can use it without a cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints, ValidationError, model_validator

REPO_ROOT = Path(__file__).resolve().parent.parent

Model = TypeVar("Model", bound=BaseModel)

# A word or a regex of a list: text, never empty, never a YAML boolean or number.
Text = Annotated[StrictStr, StringConstraints(min_length=1)]


class DataDoc(BaseModel):
    """The base of a data file's model.

    An unknown key is an error, since a misspelt key would otherwise be read
    as absent. A key written with nothing after it (``refusals:``) reads as
    empty, as the hand-written loaders before the models read it: an optional
    key takes its default, a required list or mapping is empty.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_empty(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = {}
        for key, value in data.items():
            field = cls.model_fields.get(key) if isinstance(key, str) else None
            if value is None and field is not None:
                if not field.is_required():
                    continue
                origin = get_origin(field.annotation)
                if origin in (list, dict):
                    value = origin()
            out[key] = value
        return out


def shown_path(file: Path | str) -> str:
    """``file`` as a message shows it: a relative path as given; else relative
    to the repository when it is in it (``prompts/rules/01-no-slang.yaml``),
    else its folder and name (``glossary/tenant.yaml``). Messages go to logs
    and CI output, where an absolute path says nothing a maintainer needs and
    describes the machine."""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return Path(path.parent.name, path.name).as_posix()


class DataFileError(Exception):
    """A data file is unreadable or malformed; the message names the file and the key path."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file = shown_path(file)
        self.key = key
        self.problem = problem
        super().__init__(f"{self.file}: {key}: {problem}")


def read_yaml(file: Path) -> Any:
    """The one YAML document of ``file`` (None when it is empty)."""
    documents = read_yaml_documents(file)
    if len(documents) > 1:
        raise DataFileError(file, "(file)", "expected one YAML document")
    return documents[0] if documents else None


# libyaml's safe loader when PyYAML was built with it: the same documents,
# parsed in C (the rule files take ~1 s in pure Python, and every server start
# and rulebook load reads them).
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader that refuses a key written twice in one mapping: PyYAML
    keeps the later one without a word, so a lexicon entry added again
    elsewhere in its file would silently change or undo the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is written twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_SAFE_LOADER = _UniqueKeyLoader


def read_yaml_documents(file: Path) -> list[Any]:
    """The non-empty YAML documents of ``file``. The text is read first so
    that a YAML error names a position, not this machine's path."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(file, "(file)", f"cannot read: {exc.strerror or exc}") from None
    try:
        return [doc for doc in yaml.load_all(text, Loader=_SAFE_LOADER) if doc is not None]
    except yaml.YAMLError as exc:
        raise DataFileError(file, "(file)", f"not valid YAML: {exc}") from None


def load_model(file: Path, model: type[Model]) -> Model:
    """The one document of ``file`` validated as ``model`` (an empty file is an empty mapping)."""
    doc = read_yaml(file)
    return validated(model, {} if doc is None else doc, file)


def load_models(file: Path, model: type[Model]) -> list[Model]:
    """Every document of ``file`` validated as ``model``; a document that is a
    list holds several, each named by its index in the key path (``[2].id``)."""
    out: list[Model] = []
    for doc in read_yaml_documents(file):
        if isinstance(doc, list):
            out.extend(validated(model, item, file, f"[{i}]") for i, item in enumerate(doc))
        else:
            out.append(validated(model, doc, file))
    return out


def validated(model: type[Model], data: Any, file: Path | str, at: str = "") -> Model:
    """``data`` (found at key path ``at`` of ``file``) validated as ``model``;
    the deepest of pydantic's errors becomes a DataFileError, an unknown key
    first among equals: a misspelt key is the line to fix, not the key it
    leaves missing."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = max(exc.errors(), key=lambda e: (len(e["loc"]), e["type"] == "extra_forbidden"))
        key = _joined(at, key_path(tuple(err["loc"]), data))
        raise DataFileError(file, key or "(file)", _problem(err, model)) from None


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
            out = _joined(out, str(part))
            node = node[part]
        elif isinstance(node, dict) and i == len(loc) - 1 and part != "[key]":
            out = _joined(out, str(part))  # a missing key
    return out


def _joined(path: str, key: str) -> str:
    if not path or not key or key.startswith("["):
        return path + key
    return f"{path}.{key}"


_EXPECTED = {
    "string_type": "a string", "int_type": "an integer", "float_type": "a number", "bool_type": "true or false",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
}


def _problem(err: Any, model: type[BaseModel]) -> str:
    """What is wrong, said for the person editing the file."""
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(model.model_fields)) if len(err["loc"]) == 1 else ""
        return f"unknown key (allowed: {allowed})" if allowed else "unknown key"
    if isinstance(value, bool) and kind != "bool_type":
        return f"expected {_EXPECTED.get(kind, 'text')}, YAML read a boolean (quote yes/no/on/off)"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {type(value).__name__}"
    if kind in ("enum", "literal_error"):
        return f"{value!r}: {err['msg']}"
    return str(err["msg"]).removeprefix("Value error, ")
