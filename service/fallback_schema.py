"""The shape of the fallback rewrite's data files, as typed pydantic models.

``prompts/fallback/<lang>.yaml`` (``LanguageDoc``: a language's greeting,
cues, rephrasings...) and ``prompts/fallback/_policy.yaml`` (``PolicyDoc``:
which rulebook findings drive the sentence work) are read through
``service.datafile.load_model``, so a wrong type, a missing or misspelt key,
or an unquoted ``no`` in a word list fails at load with the file and the key.
What a model cannot know (regexes compile, a template's group references
exist, the language matches the file name) ``service.fallback`` and
``service.fallback_sentences`` check while compiling, with the same error.
"""

from __future__ import annotations

from pydantic import Field, StrictStr, field_validator

from service.datafile import DataDoc, Text
from service.rulebook.model import CATALOGUE


def _known(ids: list[str]) -> list[str]:
    unknown = [i for i in ids if i not in CATALOGUE]
    if unknown:
        raise ValueError(f"not rule ids of the catalogue: {', '.join(unknown)}")
    return ids


class PolicyDoc(DataDoc):
    """``_policy.yaml``: which rulebook findings drive the fallback's sentence work."""

    # A sentence flagged by one of these, holding no fact, goes.
    drop_sentence_when: list[Text] = Field(min_length=1)
    # The greeting only when the rulebook says this is the opening and it lacks one.
    greet_when: list[Text] = Field(min_length=1)
    # The empathy lead when the rulebook asks for it (besides the language's upset cues).
    empathy_when: list[Text] = Field(min_length=1)
    # A sentence flagged by one of these (too long) is split at the language's
    # clause breaks (``split``), down to the rule's own sentence limit.
    split_sentence_when: list[Text] = Field(default_factory=list)
    # A reply the rulebook finds to be one bare word ("ok", "no", "嗯") is said
    # as the language's full sentence of the same meaning (``one_word``).
    expand_word_when: list[Text] = Field(default_factory=list)
    # The customer's name, when known, goes into a reply the rulebook finds
    # should use it (the language's ``address`` data says where).
    address_by_name_when: list[Text] = Field(default_factory=list)
    # The customer asked for a supervisor or a person and the draft doesn't
    # hand them over: the language's ``escalation`` data.
    escalation_when: list[Text] = Field(default_factory=list)

    @field_validator("drop_sentence_when", "greet_when", "empathy_when", "split_sentence_when",
                     "expand_word_when", "address_by_name_when", "escalation_when")
    @classmethod
    def _in_catalogue(cls, value: list[str]) -> list[str]:
        return _known(value)


class OneWordDoc(DataDoc):
    words: list[Text] = Field(min_length=1)
    to: Text
    # "question": only when the customer's last message asks something (a bare
    # "yes"/"no" answers it); "message": when there is a customer message at all.
    after: str = Field(pattern="^(question|message)$")


class RephraseDoc(DataDoc):
    re: Text
    to: StrictStr


class EscalationDoc(DataDoc):
    """``escalation`` of a language file: the customer asked for a supervisor
    or a person, and the rulebook finds the draft doesn't hand them over.

    Offering the hand-over as a question is not a promise (the guard reads it
    as scaffolding, and the rulebook's own honest rewrites offer it), but it
    must never contradict a draft that says the hand-over can't happen: the
    guard doesn't read such an offer as flipping that refusal in every
    language, so ``refuses`` decides here, before the guard is asked.
    """

    # Words by which a draft says the hand-over can't happen ("can't",
    # "not possible", "busy", "only through this chat"). Such a draft is never
    # offered one: its refusal is said as the limit (``reframe``) and what the
    # agent can do follows (``help_here``).
    refuses: list[Text] = Field(min_length=1)
    # The offer, a question, added to a draft that doesn't refuse.
    offer: Text
    # Words that only talk the customer out of it ("there's no need for a
    # manager", "it's pointless"): they go when the offer is made.
    dismiss: list[Text] = Field(default_factory=list)
    # A curt refusal of the hand-over said as the limit ("I can't transfer
    # you" -> "a transfer isn't available here"); a draft that offers another
    # way (a call back from the manager) is then an honoured request.
    reframe: list[RephraseDoc] = Field(default_factory=list)
    # What the agent can do instead, after a refusal: help here...
    help_here: Text
    # ...unless the rewrite hands the request on another way ("my manager
    # will call you back", "I'm passing this to our phone team").
    hands_over: list[Text] = Field(default_factory=list)


class GreetingDoc(DataDoc):
    """Greeting templates: {name} is name_in_greeting (or ""), {agent} and {brand} the request's."""

    agent_brand: Text
    agent: Text
    brand: Text
    plain: Text


class LanguageDoc(DataDoc):
    """``<lang>.yaml``: what the fallback adds and rewrites in one language."""

    language: Text
    greeting: GreetingDoc
    name_in_greeting: Text
    closing_question: Text
    name_in_closing: Text
    empathy: Text
    # rule id -> what stands instead of an excerpt it would delete
    instead: dict[str, Text] = Field(default_factory=dict)
    sentence_end: Text
    # "" for a language written without spaces
    joiner: StrictStr
    greeting_cues: list[Text] = Field(min_length=1)
    thanks_cues: list[Text] = Field(min_length=1)
    upset_cues: list[Text] = Field(min_length=1)
    apology_cues: list[Text] = Field(min_length=1)
    closing_cues: list[Text] = Field(min_length=1)
    # regexes with one group, the customer's name
    name_cues: list[Text] = Field(default_factory=list)
    question_cues: list[Text] = Field(default_factory=list)
    rephrase: list[RephraseDoc] = Field(default_factory=list)
    split: list[RephraseDoc] = Field(default_factory=list)
    address: list[RephraseDoc] = Field(default_factory=list)
    one_word: list[OneWordDoc] = Field(default_factory=list)
    escalation: EscalationDoc | None = None
