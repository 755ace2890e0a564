"""The shape of the YAML files, as typed pydantic models.

Rule files (``prompts/rules/*.yaml``) and glossaries (``prompts/glossary/*.yaml``)
are read into these models first, so every shape error (an unknown key, a
missing title, a boolean where YAML read ``no``) is caught in one place and
reported by ``service.datafile`` as a ``DataFileError`` naming the file and
the key path (``patterns.en[3].re``). What a model cannot know (does a regex
compile, is a language one of the rule's, does the detector have the data it
needs) is checked by ``compile``, with the same error.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, StringConstraints
from pydantic import field_validator

from service.domain import Severity
from service.rulebook.model import CATALOGUE, Fix

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


class ParamsDoc(_Doc):
    """A rule's ``params``: the settings its detector reads, each typed.

    Strict types, so an unquoted ``NO`` or ``on`` in a word list (a YAML
    boolean) or a bare number where a word belongs fails at load instead of
    silently never matching; an unknown name (a typo) fails too.
    """

    # lexical detectors
    exempt_if_customer_used: StrictBool = False
    expand_for_other_rules: StrictBool = False
    min_single_word: StrictInt | None = None
    acronyms: list[StrictStr] | None = None
    emphasis_words: dict[Lang, list[StrictStr]] | None = None
    familiar_acronyms: list[StrictStr] | None = None
    sent_keyword_before: StrictStr | None = None
    # address and dialogue detectors
    head_chars: StrictInt | None = None
    same_title: dict[Lang, list[list[StrictStr]]] | None = None
    min_words: StrictInt | None = None
    min_chars: StrictInt | None = None
    label_stopwords: dict[Lang, list[StrictStr]] | None = None
    sample_chars: StrictInt | None = None
    min_cjk_chars: StrictInt | None = None
    min_confidence: StrictFloat | None = None
    min_stiff: StrictInt | None = None
    lookback_turns: StrictInt | None = None
    # a language whose drafts are also read against another language's term list
    borrow_terms: dict[Lang, Lang] | None = None
    # the spelling detector
    accent_languages: list[Lang] | None = None
    # languages whose words typed with one letter of a double are read ("agiorna", "tomorow")
    double_letter_languages: list[Lang] | None = None
    accent_min_gain: StrictFloat | None = None
    accent_ambiguous_finals: list[StrictStr] | None = None
    # languages read against a dictionary lexicon (prompts/<dictionary_dir>/<lang>.json.gz,
    # scripts/build_spelling_lexicon.py), the Zipf a word one edit from an unseen word
    # must reach to name it a slip, and the shortest word read
    dictionary_languages: list[Lang] | None = None
    dictionary_dir: StrictStr | None = None
    dictionary_min_zipf: StrictFloat | None = None
    dictionary_min_length: StrictInt | None = None
    # correct-spelling: languages whose sentences start with a capital, and the
    # abbreviations whose full stop ends no sentence
    sentence_case_languages: list[Lang] | None = None
    abbreviations: dict[Lang, list[StrictStr]] | None = None
    # the length detector
    max_sentence_words: StrictInt | None = None
    max_sentence_cjk_chars: StrictInt | None = None
    max_chars: StrictInt | None = None
    max_chars_cjk: StrictInt | None = None
    max_sentences: StrictInt | None = None
    # the one-word detector: a Chinese reply this short and nothing else is one word
    max_cjk_chars: StrictInt | None = None

    def given(self) -> dict[str, Any]:
        """The params the file sets, so a detector's own default applies to the rest."""
        return self.model_dump(exclude_unset=True)


class RuleDoc(_Doc):
    id: str
    title: NonEmpty
    message: NonEmpty
    severity: Severity
    sources: list[Annotated[str, StringConstraints(pattern=SOURCE_RE.pattern)]] = Field(min_length=1)
    languages: list[Lang] = Field(min_length=1)
    detector: NonEmpty
    fix: Fix
    params: ParamsDoc = Field(default_factory=ParamsDoc)
    patterns: dict[str, list[Union[NonEmpty, PatternDoc]]] = Field(default_factory=dict)
    exceptions: dict[str, list[NonEmpty]] = Field(default_factory=dict)
    terms: dict[str, Union[dict[str, str | None], list[str]]] = Field(default_factory=dict)
    cues: dict[str, dict[str, Union[NonEmpty, list[NonEmpty]]]] = Field(default_factory=dict)
    examples: dict[str, ExamplesDoc] = Field(default_factory=dict)
    rewrites: dict[str, list[RewriteDoc]] = Field(default_factory=dict)
    notes: Any = None

    @field_validator("id", "title", "message", "severity", "sources", "languages", "detector", mode="before")
    @classmethod
    def _given(cls, value: Any) -> Any:
        """An empty required key (``title:``, ``title: ''``) reads as missing, as an absent one does."""
        if value in (None, "", []):
            raise ValueError("missing")
        return value

    @field_validator("id")
    @classmethod
    def _in_catalogue(cls, value: str) -> str:
        if value not in CATALOGUE:
            raise ValueError(f"{value!r} is not in the rule catalogue (RULES.md)")
        return value


class GlossaryDoc(_Doc):
    language: Lang
    terms: dict[NonEmpty, NonEmpty] = Field(min_length=1)
