"""The shape of the reply: length and one-word answers."""

from __future__ import annotations

import re

from service.checks.context import Context, Detector, strip_span
from service.domain import Violation
from service.rulebook.model import Rule
from service.textnorm import CJK

_WORDS = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")


def run_length(rule: Rule, ctx: Context) -> list[Violation]:
    """Sentences over ``max_sentence_words`` words (``max_sentence_cjk_chars`` in Chinese),
    and whole messages over ``max_chars`` or ``max_sentences``."""
    p = rule.params
    out = []
    cjk_lang = ctx.language == "zh"
    for s, e in ctx.sentences:
        sentence = ctx.text[s:e]
        if cjk_lang:
            too_long = len(CJK.findall(sentence)) > int(p["max_sentence_cjk_chars"])
        else:
            too_long = len(_WORDS.findall(sentence)) > int(p["max_sentence_words"])
        if too_long:
            out.append(ctx.violation(rule, s, e))
    limit = int(p["max_chars_cjk"] if cjk_lang else p["max_chars"])
    if not out and (len(ctx.text.strip()) > limit or len(ctx.sentences) > int(p["max_sentences"])):
        out.append(ctx.whole(rule))
    return out


def run_one_word(rule: Rule, ctx: Context) -> list[Violation]:
    """The whole reply is one bare word such as "ok", "k", "sì", "vale" or "好"."""
    s, e = strip_span(ctx.text, 0, len(ctx.text))
    if e - s > 12:
        return []
    core = _NOT_WORD.sub("", ctx.text[s:e]).casefold()
    terms = rule.terms.get(ctx.language)
    if core and terms is not None and core in terms.replacements:
        return [ctx.violation(rule, s, e)]
    return []


DETECTORS = {
    "length": Detector(run_length, ("params:max_sentence_words", "params:max_sentence_cjk_chars",
                                    "params:max_chars", "params:max_chars_cjk", "params:max_sentences")),
    "one-word": Detector(run_one_word, ("terms",)),
}
