"""The one loader of YAML data files and its one error (service/datafile.py),
and the loader of the prompt's tones, which has no test file of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import Field

from service.datafile import REPO_ROOT, DataDoc, DataFileError, Text, load_model, load_models, shown_path
from service.domain import Tone
from service.prompt import PromptBuilder, TonesDoc

TEMPLATES = REPO_ROOT / "prompts" / "templates"


class _WordsDoc(DataDoc):
    name: Text
    words: list[Text]
    extra: list[Text] = Field(default_factory=lambda: ["default"])


def test_a_file_in_the_repository_is_named_from_its_root() -> None:
    assert shown_path(REPO_ROOT / "prompts" / "edits.yaml") == "prompts/edits.yaml"


def test_a_file_elsewhere_is_named_by_its_folder_and_name_only(tmp_path: Path) -> None:
    assert shown_path(tmp_path / "glossary" / "tenant.yaml") == "glossary/tenant.yaml"
    assert shown_path("prompts/guard/_policy.yaml") == "prompts/guard/_policy.yaml"


def test_unreadable_and_invalid_files_name_the_file_not_the_machine(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as err:
        load_model(tmp_path / "data" / "absent.yaml", _WordsDoc)
    assert str(err.value).startswith("data/absent.yaml: (file): cannot read: ")
    assert str(tmp_path) not in str(err.value)
    bad = tmp_path / "data" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_model(bad, _WordsDoc)
    assert str(err.value).startswith("data/bad.yaml: (file): not valid YAML: ")
    assert str(tmp_path) not in str(err.value)


@pytest.mark.parametrize("text,problem", [
    ("name: n\nwords: [a, no, c]\n", "words[1]: expected a string, YAML read a boolean (quote yes/no/on/off)"),
    ("name: n\nwords: [a, 42]\n", "words[1]: expected a string, got int"),
    ("name: n\nwords: a\n", "words: expected a list, got str"),
    ("words: [a]\n", "name: missing"),
    ("name: n\nwords: [a]\nwordz: [b]\n", "wordz: unknown key (allowed: extra, name, words)"),
    ("- a\n- b\n", "(file): expected a mapping, got list"),
])
def test_validation_errors_name_the_key_path(tmp_path: Path, text: str, problem: str) -> None:
    f = tmp_path / "data" / "words.yaml"
    f.parent.mkdir()
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_model(f, _WordsDoc)
    assert str(err.value) == f"data/words.yaml: {problem}"


def test_a_key_written_without_a_value_reads_as_empty(tmp_path: Path) -> None:
    f = tmp_path / "words.yaml"
    f.write_text("name: n\nwords:\nextra:\n", encoding="utf-8")
    doc = load_model(f, _WordsDoc)
    assert doc.words == [] and doc.extra == ["default"]


def test_a_list_document_names_each_item_by_its_index(tmp_path: Path) -> None:
    f = tmp_path / "data" / "many.yaml"
    f.parent.mkdir()
    f.write_text("- {name: a, words: [x]}\n- {name: b, words: [yes]}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^data/many\.yaml: \[1\]\.words\[0\]: expected a string"):
        load_models(f, _WordsDoc)
    f.write_text("name: a\nwords: [x]\n---\nname: b\nwords: [y]\n", encoding="utf-8")
    assert [d.name for d in load_models(f, _WordsDoc)] == ["a", "b"]


# ---------------------------------------------------------------- tones (service/prompt.py)


def test_every_tone_of_the_api_has_its_text() -> None:
    assert set(TonesDoc.model_fields) == {t.value for t in Tone}


@pytest.mark.parametrize("old,new,problem", [
    ('friendly: "', 'friendlier: "', "friendlier: unknown key"),
    ('formal: "courteous', 'formal: 12 #"courteous', "formal: expected a string, got int"),
    ("mirror: ", "mirror: yes\n#", "mirror: expected a string, YAML read a boolean"),
])
def test_a_broken_tones_file_names_the_file_and_key(tmp_path: Path, old: str, new: str, problem: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    f = templates / "tones.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        PromptBuilder(templates)
    assert str(err.value).startswith(f"templates/tones.yaml: {problem}"), str(err.value)


@pytest.mark.parametrize("text", [
    "name: a\nwords: [x]\nname: b\n",
    "name: a\nwords: [x]\nextra: [{k: 1, j: 2, k: 3}]\n",
    'name: a\nwords: [x]\nextra: [{"in store": 1, in store: 2}]\n',
])
def test_a_key_written_twice_is_an_error_not_a_silent_override(tmp_path: Path, text: str) -> None:
    """PyYAML keeps the later of two equal keys without a word; a lexicon
    entry added again elsewhere in its file would silently undo the first."""
    doc = tmp_path / "data" / "twice.yaml"
    doc.parent.mkdir()
    doc.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_model(doc, _WordsDoc)
    assert "written twice" in str(err.value) and str(err.value).startswith("data/twice.yaml: (file): ")


def test_equal_values_under_different_keys_are_fine(tmp_path: Path) -> None:
    doc = tmp_path / "ok.yaml"
    doc.write_text("name: a\nwords: [x, x]\nextra: [y]\n", encoding="utf-8")
    assert load_model(doc, _WordsDoc).words == ["x", "x"]
