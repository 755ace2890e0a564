"""The shape of the reply: length and one-word answers."""

from __future__ import annotations

import re

from service.checks.context import Context, Detector, strip_span
from service.domain import Violation
from service.rulebook.model import Rule
from service.textnorm import CJK, count_cjk

_WORDS = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")
# No word of any language is longer; a longer reply is no one-word reply.
_LONGEST_WORD = 30


def run_length(rule: Rule, ctx: Context) -> list[Violation]:
    """Sentences over ``max_sentence_words`` words (``max_sentence_cjk_chars`` in Chinese),
    and whole messages over ``max_chars`` or ``max_sentences``."""
    p = rule.params
    out = []
    cjk_lang = ctx.language == "zh"
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        if cjk_lang:
            too_long = count_cjk(sentence) > int(p["max_sentence_cjk_chars"])
        else:
            too_long = len(_WORDS.findall(sentence)) > int(p["max_sentence_words"])
        if too_long:
            out.append(ctx.violation(rule, s, e))
    limit = int(p["max_chars_cjk"] if cjk_lang else p["max_chars"])
    if not out and (len(ctx.text.strip()) > limit or len(ctx.sentences) > int(p["max_sentences"])):
        out.append(ctx.whole(rule))
    return out


def run_one_word(rule: Rule, ctx: Context) -> list[Violation]:
    """The whole reply is one bare word: any single word ("Nope.", "Tomorrow",
    "Confirmed"), a listed short phrase ("got it"), or in Chinese at most
    ``max_cjk_chars`` characters ("知道了"). A list of words can't foresee every
    curt answer; the shape of the reply is what the rule is about."""
    s, e = strip_span(ctx.text, 0, len(ctx.text))
    if e == s or e - s > _LONGEST_WORD:
        return []
    reply = ctx.text[s:e]
    core = _NOT_WORD.sub("", reply).casefold()
    terms = rule.terms.get(ctx.language)
    if core and terms is not None and core in terms.replacements:
        return [ctx.violation(rule, s, e)]
    if ctx.language == "zh":
        han = CJK.findall(reply)
        bare = 1 <= len(han) <= int(rule.params["max_cjk_chars"]) and len(han) == len(core)
    else:
        bare = len(_WORDS.findall(reply)) == 1
    return [ctx.violation(rule, s, e)] if bare else []


DETECTORS = {
    "length": Detector(run_length, ("params:max_sentence_words", "params:max_sentence_cjk_chars",
                                    "params:max_chars", "params:max_chars_cjk", "params:max_sentences")),
    "one-word": Detector(run_one_word, ("terms", "params:max_cjk_chars")),
}
