"""Content preservation: does the candidate still say what the draft says, and nothing else?

Facts (numbers, ids, dates...) are compared by ``service/facts/``; this module
compares the *rest* of the meaning, clause by clause, as content words:

* ``DROPPED_CONTENT``: a clause of the draft none of whose content words the
  candidate carries any more (by stem, or by the plain replacement the jargon
  glossary gave for it), unless the rules asked to remove that text.
* ``NEW_CONTENT``: a clause of the candidate whose content words mostly come
  from nowhere: not the draft, not the glossary's replacements, not the
  customer's identifiers, not the etiquette scaffolding (greetings, thanks,
  empathy, closings, offers of help, hedges) listed per language.

Why content-word alignment and not an embedding model: it was measured on the
dev half of the corpus (README, "How the guard decides"), and alignment with
Snowball stemmers (en, it, es) and jieba's word segmentation (zh) is
deterministic, explainable (a finding names the clause and the words) and
costs tens of microseconds. No sentence-embedding model that ships inside a
PyPI package was available to compare against on this machine.

Stems come from ``snowballstemmer`` (the Snowball project's own generated
Python stemmers), Chinese words from ``jieba``; stop words from
``stopwordsiso`` (the stopwords-iso collection) plus each language's own list
in ``prompts/guard/<lang>.yaml``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Literal, Sequence

import snowballstemmer
import stopwordsiso
from pydantic import Field, StrictBool, StrictStr

from service.datafile import DataDoc, DataFileError, Text
from service.regex_guard import first_char_guarded, phrase_alternation
from service.textnorm import CJK_CLASS, strip_accents

__all__ = ["ContentDoc", "ContentLexicon", "Token", "load_content_lexicon"]

# Two long stems with the same first letters are one word ("confirm"/"confirmation").
_HEAD = 5
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CJK = re.compile(f"[{CJK_CLASS}]+")
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_STEMMERS = {"en": "english", "it": "italian", "es": "spanish"}
_WORD_CACHE = 64  # texts whose words are kept: a request's draft, answers and glossary text
# Characters that carry grammar, not content: one of them shared is no overlap.
_CJK_FUNCTION = frozenset("的了是在我您你他她它们这那有和就也都不没很会要把被给对为吗呢吧啊一个上下")


@dataclass(frozen=True)
class Token:
    """One content word: its comparison key and where it is in the text."""

    key: str
    start: int
    end: int


def _jieba() -> Any:
    """jieba's tokenizer, initialised once per process (its dictionary loads
    in about a second, so the server does it at start-up, not per request)."""
    with _JIEBA_LOCK:
        import jieba

        if not _JIEBA:
            jieba.setLogLevel(60)
            jieba.initialize()
            _JIEBA.append(jieba)
        return _JIEBA[0]


_JIEBA: list[Any] = []
_JIEBA_LOCK = threading.Lock()


@dataclass
class ContentLexicon:
    """One language's content-word data, compiled."""

    language: str
    word_boundaries: bool
    stopwords: frozenset[str]
    scaffolding: re.Pattern[str]
    framing: frozenset[str]
    segmenter: str = "jieba"
    elision: bool = False
    # rule id -> phrases a rewrite may add when the draft breaks that rule
    rule_scaffolding: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # lower-case words borrowed from another language ("pending", "backlog" in
    # an Italian draft): jargon the rules ask to say in the reader's words
    borrowed: frozenset[str] = frozenset()
    # lower-case words so common in the language that, inside an empathy or
    # thanks clause, they are its frame ("理解您看到账单时的疑虑": 看到)
    common: frozenset[str] = frozenset()
    _cache: dict[str, tuple[tuple[Token, ...], frozenset[int]]] = field(default_factory=dict, repr=False)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stem: Callable[[str], str] = field(default=lambda w: w, repr=False)

    def tokens(self, low: str, skip: bytearray | None = None) -> list[Token]:
        """Content words of an already lower-cased, folded text.

        ``skip`` marks characters whose words are not content (fact spans,
        scaffolding, text the rules asked to remove). The words of a text are
        computed once (a request asks for them several times with different
        masks) and filtered here."""
        words = self._read(low)[0]
        if not skip:
            return list(words)
        return [t for t in words if not any(skip[t.start:t.end])]

    def cuts(self, low: str) -> frozenset[int]:
        """Where the segmenter cuts a text written without spaces (the ends
        of every word it finds), from the same pass as the text's words."""
        return self._read(low)[1]

    def _read(self, low: str) -> tuple[tuple[Token, ...], frozenset[int]]:
        cached = self._cache.get(low)
        if cached is not None:
            return cached
        out: list[Token] = []
        cuts: set[int] = set()
        if self.word_boundaries:
            for m in _LATIN_WORD.finditer(low):
                w, start = m.group(0), m.start()
                if self.elision and ("'" in w or "’" in w):
                    cut = max(w.rfind("'"), w.rfind("’")) + 1
                    w, start = w[cut:], start + cut
                if len(w) < 3 or w in self.stopwords:
                    continue
                # Stemmed without accents: "garantia" and "garantía" are one word
                bare = strip_accents(w)
                if bare in self.stopwords:
                    continue   # "perche", "pero" typed for "perché", "però"
                out.append(Token(self._stem(bare), start, m.end()))
        else:
            for run in _CJK.finditer(low):
                base = run.start()
                for word, start, end in self._segment(run.group(0)):
                    cuts.update((base + start, base + end))
                    if len(word) < 2 or word in self.stopwords:
                        continue
                    out.append(Token(word, base + start, base + end))
        result = tuple(out), frozenset(cuts)
        with self._cache_lock:
            if len(self._cache) >= _WORD_CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[low] = result
        return result

    def _segment(self, run: str) -> Iterable[tuple[str, int, int]]:
        if self.segmenter == "bigram":
            if len(run) == 1:
                return [(run, 0, 1)]
            return [(run[i:i + 2], i, i + 2) for i in range(len(run) - 1)]
        # Dictionary-only segmentation (no HMM: several times faster) leaves a
        # word it doesn't know as single characters; consecutive ones that
        # carry content are joined back ("闪" "退" -> "闪退").
        out: list[tuple[str, int, int]] = []
        pending: list[tuple[str, int, int]] = []
        for word, start, end in _jieba().tokenize(run, HMM=False):
            if len(word) == 1 and word not in _CJK_FUNCTION and word not in self.stopwords:
                pending.append((word, start, end))
                continue
            if pending:
                out.append(("".join(w for w, _, _ in pending), pending[0][1], pending[-1][2]))
                pending = []
            out.append((word, start, end))
        if pending:
            out.append(("".join(w for w, _, _ in pending), pending[0][1], pending[-1][2]))
        return out

    def vocabulary(self, tokens: Iterable[Token], text: str = "") -> set[str]:
        """The keys ``matches`` looks up: stems (and those of hyphenated words
        joined), plus (Chinese) every character
        of every content word, since Chinese paraphrases share characters,
        not words (发货 / 发出, 重装 / 重新安装)."""
        keys = {t.key for t in tokens}
        if self.word_boundaries and "-" in text:
            # "pre-orders" also says "preorders", "e-mail" "email": the words
            # joined, as a rewrite that mends the spelling may write them
            keys |= {self._stem(strip_accents(m.group(0).replace("-", ""))) for m in _HYPHENATED.finditer(text)}
        if not self.word_boundaries:
            keys |= {ch for k in list(keys) for ch in k if ch not in self.stopwords}
            keys |= {ch for ch in text if _CJK.match(ch) and ch not in self.stopwords and ch not in _CJK_FUNCTION}
        return keys

    def matches(self, key: str, vocabulary: frozenset[str] | set[str], text: str, strict: bool = False) -> bool:
        """Whether a content word is carried by a text with this vocabulary:
        same stem (or the same first five letters of a long stem); in Chinese
        the word or one of its characters is among the text's content words."""
        if key in vocabulary:
            return True
        if self.word_boundaries:
            return len(key) >= _HEAD and any(len(v) >= _HEAD and v[:_HEAD] == key[:_HEAD] for v in vocabulary)
        if key in text:
            return True
        if strict:  # the word, or a two-character piece of it
            return any(key[i:i + 2] in text for i in range(len(key) - 1))
        return any(ch in vocabulary for ch in key)

    def matcher(self, vocabulary: set[str], text: str) -> Callable[[str], bool]:
        """``matches`` against one vocabulary for many words: with spaces, the
        heads of its long stems are collected once, not scanned per word."""
        if not self.word_boundaries:
            return lambda key: self.matches(key, vocabulary, text)
        heads = {v[:_HEAD] for v in vocabulary if len(v) >= _HEAD}
        return lambda key: key in vocabulary or (len(key) >= _HEAD and key[:_HEAD] in heads)

    def carried_by(self, low: str) -> Callable[[str], bool]:
        """``matcher`` for the content words of one lower-cased, folded text
        (a rewrite, or one of its sentences or list items)."""
        return self.matcher(self.vocabulary(self.tokens(low), low), low)

    def scaffolding_mask(self, low: str, rules: Iterable[str] = ()) -> bytearray:
        """Characters inside etiquette phrases, and inside the phrases the
        draft's broken ``rules`` ask for (a hand-over offer for honor-escalation)."""
        return self.rule_scaffolding_mask(low, rules, base=True)

    def rule_scaffolding_mask(self, low: str, rules: Iterable[str], base: bool = False) -> bytearray:
        mask = bytearray(len(low))
        if not base and not any(r in self.rule_scaffolding for r in rules):
            return mask
        patterns = [*([self.scaffolding] if base else []),
                    *(self.rule_scaffolding[r] for r in set(rules) if r in self.rule_scaffolding)]
        for rx in patterns:
            for m in rx.finditer(low):
                mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        return mask


class BorrowedDoc(DataDoc):
    """Words of ``language`` at least ``min_zipf`` common there and ``min_gain``
    Zipf points more common there than in the draft's own language."""

    language: Text
    min_zipf: Annotated[float, Field(ge=0, le=8)]
    min_gain: Annotated[float, Field(gt=0, le=8)]


class ContentDoc(DataDoc):
    """The content keys of ``prompts/guard/<lang>.yaml`` (the guard's lexicon model extends it)."""

    # added to stopwords-iso's list for the language
    content_stopwords: list[Text] = Field(default_factory=list)
    # words stopwords-iso lists that carry meaning here ("refund", "never")
    content_keep: list[Text] = Field(default_factory=list)
    # regexes of etiquette phrases that are never new content
    scaffolding: list[Text] = Field(default_factory=list)
    # rule id -> regexes of phrases a rewrite may add when the draft breaks that rule
    rule_scaffolding: dict[str, list[Text]] = Field(default_factory=dict)
    segmenter: Literal["jieba", "bigram"] = "jieba"
    stemmer: StrictStr | None = None
    # irregular forms read as their base word before stemming ("sent" is
    # "send", "devuelto" is "devolver"): a stemmer cuts endings, it does not
    # know that "the label has been sent" is the draft's "we'll send the label"
    word_forms: dict[Text, Text] = Field(default_factory=dict)
    elision: StrictBool = False
    # words a positive reframe adds: "available", "window", "option"
    framing: list[Text] = Field(default_factory=list)
    # where the language's borrowed jargon comes from (see ``borrowed_words``)
    borrowed_from: BorrowedDoc | None = None
    # in an empathy or thanks clause, words at least this common (Zipf) are
    # its frame, not content (see ``common_words``); None: none are
    etiquette_common_zipf: Annotated[float, Field(ge=3, le=8)] | None = None


def _compile(pattern: str) -> re.Pattern[str]:
    """A case-insensitive phrase list behind its first-character guard
    (``service/regex_guard.py``): scanned at every position of both texts."""
    return re.compile(first_char_guarded(pattern, re.IGNORECASE), re.IGNORECASE)


@lru_cache(maxsize=8)
def _iso_stopwords(language: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in stopwordsiso.stopwords(language))


@lru_cache(maxsize=8)
def borrowed_words(language: str, source: str, min_zipf: float, min_gain: float) -> frozenset[str]:
    """Words of ``source`` a ``language`` text uses as borrowed jargon: common
    in ``source`` (Zipf ``min_zipf`` or more: log10 of the frequency per
    billion words) and ``min_gain`` Zipf points rarer in ``language``
    ("pending": 4.0 in English, 1.7 in Italian; "test" and "online", common
    in both, are words of Italian too). Frequencies from ``wordfreq``, the
    list ``service/checks/spelling.py`` reads."""
    import wordfreq

    theirs = wordfreq.get_frequency_dict(source, "small")
    ours = wordfreq.get_frequency_dict(language, "small")
    least, ratio = 10 ** (min_zipf - 9), 10 ** min_gain
    return frozenset(w for w, f in theirs.items()
                     if f >= least and w.isascii() and w.isalpha() and f >= ratio * ours.get(w, 0.0))


@lru_cache(maxsize=8)
def common_words(language: str, min_zipf: float) -> frozenset[str]:
    """The language's words at least ``min_zipf`` common (``wordfreq``): "need",
    "see", "situation", 需要, 看到, 情况. An empathy clause ("I understand you
    need to sort out the number after the move") is built of them around the
    customer's own words; a rare word there is content the draft must hold."""
    import wordfreq

    least = 10 ** (min_zipf - 9)
    return frozenset(w for w, f in wordfreq.get_frequency_dict(language, "small").items() if f >= least)


def load_content_lexicon(doc: ContentDoc, file: Path, language: str, word_boundaries: bool) -> ContentLexicon:
    """The compiled content keys of one ``prompts/guard/<lang>.yaml`` (``ContentDoc``)."""
    keep = {w.casefold() for w in doc.content_keep}
    stop = (_iso_stopwords(language) | {w.casefold() for w in doc.content_stopwords}) - keep
    stop |= {strip_accents(w) for w in stop} - keep
    for i, item in enumerate(doc.scaffolding):
        try:
            re.compile(item)
        except re.error as exc:
            raise DataFileError(file, f"scaffolding[{i}]", f"invalid regex: {exc}") from exc
    body = phrase_alternation(doc.scaffolding) if doc.scaffolding else r"(?!x)x"
    scaffold_re = _compile(rf"(?<!\w)(?:{body})(?!\w)" if word_boundaries else body)
    rule_scaffolding = {}
    for rule_id, phrases in doc.rule_scaffolding.items():
        try:
            body = phrase_alternation(phrases) if phrases else r"(?!x)x"
            rule_scaffolding[str(rule_id)] = _compile(rf"(?<!\w)(?:{body})(?!\w)" if word_boundaries else body)
        except re.error as exc:
            raise DataFileError(file, f"rule_scaffolding.{rule_id}", f"invalid regex: {exc}") from exc
    segmenter = doc.segmenter
    stemmer_name = _STEMMERS.get(language) or doc.stemmer
    lex = ContentLexicon(language=language, word_boundaries=word_boundaries, stopwords=frozenset(stop),
                         scaffolding=scaffold_re, segmenter=segmenter, framing=frozenset(),
                         rule_scaffolding=rule_scaffolding, elision=doc.elision,
                         borrowed=frozenset() if doc.borrowed_from is None else borrowed_words(
                             language, doc.borrowed_from.language, doc.borrowed_from.min_zipf,
                             doc.borrowed_from.min_gain) - stop,
                         common=frozenset() if doc.etiquette_common_zipf is None else common_words(
                             language, doc.etiquette_common_zipf))
    if word_boundaries and stemmer_name:
        try:
            stemmer = snowballstemmer.stemmer(stemmer_name)
        except KeyError as exc:
            raise DataFileError(file, "stemmer", f"unknown Snowball stemmer {stemmer_name!r}") from exc
        lock = threading.Lock()   # a Snowball stemmer object keeps state between calls

        forms = {strip_accents(k.casefold()): strip_accents(v.casefold()) for k, v in doc.word_forms.items()}
        forms |= {k.casefold(): v.casefold() for k, v in doc.word_forms.items()}

        @lru_cache(maxsize=65536)
        def stem(word: str) -> str:
            with lock:
                return str(stemmer.stemWord(forms.get(word, word)))
        lex._stem = stem
    if not word_boundaries and segmenter == "jieba":
        _jieba()   # its dictionary loads in about a second: at start-up, not in a request
    lex.framing = frozenset(lex._stem(strip_accents(w.casefold())) if word_boundaries else w
                            for w in doc.framing)
    return lex


@dataclass(frozen=True)
class ContentThresholds:
    """When a clause counts as dropped or new; chosen on the corpus's dev half
    (README, "How the guard decides")."""

    dropped_min_words: int = 3      # a draft clause with fewer content words is not judged
    new_min_words: int = 3          # a candidate clause needs this many unexplained words...
    new_min_share: float = 0.75     # ...making up more than this share of its content words
    mostly_dropped_words: int = 5   # a clause this long with a single word left is dropped


@dataclass(frozen=True)
class Clause:
    """A clause of a text and the content words in it."""

    start: int
    end: int
    tokens: tuple[Token, ...]
    anchored: bool = False    # holds a fact the other text shares
    question: bool = False    # part of a sentence that ends with a question mark
    sentence: bool = False    # the clause is a whole sentence
    warning: bool = False     # says what not to do ("don't share the code"): a point however short
    instruction: bool = False  # tells the customer to do something: judged however short


@dataclass(frozen=True)
class ContentVerdict:
    dropped: list[tuple[Clause, list[Token]]]
    new: list[tuple[Clause, list[Token]]]
    explained: int = 0   # jargon clauses whose plain-words explanation is still unaccounted for


def clauses_with_tokens(bounds: Sequence[tuple[int, int]], tokens: Sequence[Token],
                        anchored: Callable[[int, int], bool],
                        question: Callable[[int, int], bool] = lambda a, b: False,
                        sentence: Callable[[int, int], bool] = lambda a, b: False,
                        warning: Callable[[int, int], bool] = lambda a, b: False,
                        instruction: Callable[[int, int], bool] = lambda a, b: False) -> list[Clause]:
    out = []
    i = 0
    toks = sorted(tokens, key=lambda t: t.start)
    for a, b in bounds:
        mine = []
        while i < len(toks) and toks[i].start < b:
            if toks[i].start >= a:
                mine.append(toks[i])
            i += 1
        out.append(Clause(a, b, tuple(mine), anchored(a, b), question(a, b), sentence(a, b), warning(a, b),
                          instruction(a, b)))
    return out


def compare(lex: ContentLexicon, draft_clauses: Sequence[Clause], draft_vocabulary: set[str], draft_low: str,
            cand_clauses: Sequence[Clause], cand_vocabulary: set[str], cand_low: str,
            technical: Callable[[Clause], int] = lambda cl: 0,
            acknowledged: Callable[[Clause, Token], bool] = lambda cl, t: False,
            limits: ContentThresholds = ContentThresholds(), reframe: bool = False) -> ContentVerdict:
    """Draft clauses whose content the candidate lost, candidate clauses whose
    content the draft doesn't ground.

    A draft clause that is ``technical`` (holds jargon: an acronym, a code
    word, a glossary term) may be said again in plain words none of which
    the draft has: that is what the no-jargon rule asks. Each jargon term
    excuses one new clause.
    A word is ``acknowledged`` when an empathy or thanks phrase of the same
    clause echoes the customer's own words ("sorry about the surprise on
    your bill") or is one of the common words such a phrase is built of
    (the guard decides which)."""
    in_cand = lex.matcher(cand_vocabulary, cand_low)
    in_draft = lex.matcher(draft_vocabulary, draft_low)
    # In Chinese a word is carried by one shared character (截图 by 截屏); a
    # clause none of whose words is there as a word or a two-character
    # piece is gone all the same (报错截图和浏览器版本 is not kept by 基础版).
    strictly_in_cand = None if lex.word_boundaries else (
        lambda key: lex.matches(key, cand_vocabulary, cand_low, strict=True))
    dropped = []
    explained = 0
    for cl in draft_clauses:
        carried = any(in_cand(t.key) for t in cl.tokens)
        terms = technical(cl)
        explained += terms   # each jargon term may take a clause of plain words to explain
        if terms and not carried:
            continue
        # A sentence of its own ("Bring your insurance card.") is a point even
        # when short; a fragment of a sentence needs more words to judge.
        least = 1 if cl.warning or cl.instruction else limits.dropped_min_words - (1 if cl.sentence else 0)
        if cl.anchored or len({t.key for t in cl.tokens}) < least:
            continue
        kept = sum(in_cand(t.key) for t in cl.tokens)
        # Nothing left, or one word of five or more: the clause is gone
        # ("the April invoice has the same error" is not kept by "corrected").
        n_keys = len({t.key for t in cl.tokens})
        # A warning is lost when its action is: half its words or fewer remain
        # ("请勿将链接转发给他人" is not kept by "下载链接").
        gone = strictly_in_cand is not None and n_keys >= limits.dropped_min_words + 1 and not any(
            strictly_in_cand(t.key) for t in cl.tokens)
        if not carried or gone or (kept == 1 and n_keys >= limits.mostly_dropped_words) or (
                cl.warning and n_keys >= 2 and 2 * kept <= n_keys):
            dropped.append((cl, list(cl.tokens)))
    new = []
    for cl in cand_clauses:
        if cl.question:
            continue  # a question asks, it asserts nothing: it can't be an invented claim
        if reframe and cl.anchored:
            continue  # a draft's "no" said positively around the same fact ("no, only up to 8 kg" ->
            # "pets may travel in the cabin up to 8 kg"): its words are new by design
        words = [t for t in cl.tokens if t.key not in lex.framing]
        unexplained = [t for t in words if not in_draft(t.key) and not acknowledged(cl, t)]
        distinct = {t.key for t in unexplained}
        if len(distinct) < limits.new_min_words + (1 if cl.anchored else 0):
            continue
        if len(distinct) > limits.new_min_share * len({t.key for t in words}):
            if explained:
                explained -= 1
                continue
            new.append((cl, unexplained))
    return ContentVerdict(dropped, new, explained)
