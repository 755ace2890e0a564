"""What changed and why: a rewrite as a list of edits of the draft, each with its rules.

An agent trusts a rewrite they can read at a glance and keep in part, so
every Rewrite answer carries, besides the whole new text, the edits that turn
the draft into it: a span of the draft, the text that replaces it, and the
rules behind the change. The invariants (also in the proto):

- edits are sorted and separated: each starts after the previous one ends,
  with at least one unchanged code point between them, so any subset of them
  can be applied on its own;
- applying all of them to the draft gives exactly the rewrite;
- every citation with a span in the draft is carried by an edit that
  overlaps that span (``overlaps`` below) and names its rule.

How: a word-level diff (one token per CJK character, since Chinese has no
spaces): the longest common subsequence of the two token lists, from
rapidfuzz's Indel alignment (C++, bit-parallel), its changes
merged into phrases a person reads as one change (across spaces or one short
word), then linked to the draft's violations they overlap and, for added
greetings, empathy leads and closings, to the rule whose cues the added text
matches (``prompts/edits.yaml``). A citation no edit carries yet (its words
were kept, or a greeting was added next to them) widens the nearest edit over
it: the text in between is unchanged, so the rewrite is still rebuilt exactly.

Speed: about 0.1-0.2 ms per 500-character draft (``python -m bench edits``),
half of it the regex tokenizing and the alignment (C); the rest is Python
per run of the alignment and per edit, kept to one pass each: the casefolded
text tokenized once (``_Tokens``), case compared only between phrases, the
edits built as arrays and linked by bisect (``_Changes``), Edit objects made
once at the end.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, count
from operator import attrgetter, itemgetter, ne
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field
from rapidfuzz.distance import Hamming, Indel, MatchingBlock

from service.datafile import DataDoc, DataFileError, Text, load_model
from service.domain import Edit, Span, Violation
from service.textnorm import CJK, CJK_CLASS

if TYPE_CHECKING:
    from service.rulebook import Rulebook

DEFAULT_EDITS_FILE = Path(__file__).resolve().parent.parent / "prompts" / "edits.yaml"

_CJK = CJK_CLASS
_CJK_CHAR = CJK
# One token per CJK character, a run of word characters, a run of spaces, or
# any other single character: together they always cover the whole text.
# Apostrophes inside a word keep it whole: "I'm", "dell'acquisto".
# Possessive runs: a token never gives characters back, so the regex keeps no
# backtracking state (same tokens, a tenth faster).
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]++(?:['’][^\W{_CJK}]++)*+|\s++|.", re.DOTALL)
# The same tokens for a text without CJK characters, where "word characters
# but not CJK" is plain \w: a quarter faster than the class above, which
# tokenizing spends most of its time testing. One search for a CJK character
# decides (tokenize).
_TOKEN_NO_CJK = re.compile(r"\w++(?:['’]\w++)*+|\s++|.", re.DOTALL)
# And for ASCII text, a sixth faster again: \w and \s as ASCII classes
# (\x1c-\x1f are spaces to str.isspace and to \s without re.ASCII).
_TOKEN_ASCII = re.compile(r"\w++(?:'\w++)*+|[\s\x1c-\x1f]++|.", re.DOTALL | re.ASCII)
# The one character that casefolds to a single character of another kind
# for the tokens above (U+0345, a combining mark, folds to the letter ι);
# every other one folds to one character of its own kind (word, space, CJK,
# apostrophe, other; letter or digit or not) or to several. _Tokens relies
# on it; tests/test_edits.py checks it against every code point.
_FOLDS_ACROSS_KINDS = "\u0345"
# Two changes separated by no more than spaces and one word this short read
# as one change ("pls w8" -> "please wait", "in the" between two rewordings).
GLUE_WORD_CHARS = 3


class InsertionDoc(DataDoc):
    """One rule of ``prompts/edits.yaml``: added text matching its cues names it."""

    cues: list[Text] = Field(min_length=1)
    at: Literal["start", "end", "anywhere"]
    when: Literal["always", "violation"]


class EditsDoc(DataDoc):
    """``prompts/edits.yaml``: rule id -> the added text that names that rule."""

    insertions: dict[str, InsertionDoc]


@dataclass(frozen=True)
class _Insertion:
    """A rule that names added text matching its cues (see prompts/edits.yaml)."""

    rule_id: str
    cues: tuple[str, ...]
    at: str          # "start", "end" or "anywhere"
    always: bool     # False: only when the draft broke the rule


def overlaps(edit: Span, span: Span) -> bool:
    """Whether an edit at ``edit`` overlaps ``span`` (both in the draft).

    Two non-empty ranges overlap when they share a code point (half-open
    ranges: [0,4) and [4,7) do not). When either is empty (an insertion, or
    an empty span) they overlap when the empty one lies inside the other or on
    its boundary: an insertion at p overlaps [s,e) when s <= p <= e, so a
    greeting inserted at 0 carries a citation that starts at 0.
    """
    return _overlap(edit.start, edit.end, span.start, span.end)


def _overlap(start: int, end: int, span_start: int, span_end: int) -> bool:
    if start < end and span_start < span_end:
        return start < span_end and span_start < end
    return span_start <= end and start <= span_end


def apply_edits(draft: str, edits: Sequence[Edit]) -> str:
    """``draft`` with ``edits`` (sorted, separated) applied: any subset of a
    Rewrite's edits gives the draft with exactly those changes."""
    out = []
    pos = 0
    for e in edits:
        out.append(draft[pos:e.span.start])
        out.append(e.text)
        pos = e.span.end
    out.append(draft[pos:])
    return "".join(out)


def invariant_problems(draft: str, rewrite: str, edits: Sequence[Edit],
                       cited: Sequence[tuple[str, Span]]) -> list[str]:
    """What is wrong with ``edits`` as the edits of ``draft`` into ``rewrite``
    (empty: nothing); ``cited`` are the citations' (rule id, draft span)."""
    problems = []
    previous_end = -1
    for i, e in enumerate(edits):
        if not 0 <= e.span.start <= e.span.end <= len(draft):
            problems.append(f"edit {i}: span {e.span.start}-{e.span.end} is outside the draft")
        if e.span.start <= previous_end:
            problems.append(f"edit {i}: starts at {e.span.start}, not after the previous edit's end {previous_end}")
        previous_end = e.span.end
    if not problems and apply_edits(draft, edits) != rewrite:
        problems.append("applying the edits does not give the rewrite")
    for rule_id, span in cited:
        if not any(rule_id in e.rule_ids and overlaps(e.span, span) for e in edits):
            problems.append(f"citation {rule_id} at {span.start}-{span.end}: no edit overlaps it and names the rule")
    return problems


def tokenize(text: str) -> list[str]:
    """Words, runs of spaces, single CJK characters, single other characters."""
    if text.isascii():   # a flag of the string, no scan
        return _TOKEN_ASCII.findall(text)
    return (_TOKEN if _CJK_CHAR.search(text) else _TOKEN_NO_CJK).findall(text)


def _glue(words: list[str], lo: int, hi: int) -> bool:
    """Whether the unchanged tokens ``words[lo:hi]`` between two changes are
    too little to read as a separate piece: spaces and at most one short
    word. Spaces are one token per run, so more than three tokens always
    hold two words."""
    if hi - lo > 3:
        return False
    word = ""
    for k in range(lo, hi):
        t = words[k]
        if not t.isspace():
            if word:
                return False
            word = t
    return not word or len(word) <= GLUE_WORD_CHARS and (word.isalnum() or _CJK_CHAR.fullmatch(word) is not None)


@dataclass(slots=True)
class _Changes:
    """The edits while they are built: parallel arrays of draft starts and
    ends, new texts and rule ids, turned into Edit objects once at the end.

    Why not Edit objects throughout: Edit and Span are frozen dataclasses
    (about 0.7 µs to build both), and naming a rule used to rebuild the Edit,
    once per rule and edit: with the diff's own objects, a third of the time
    on 500-character drafts. The edits are separated, so ``starts`` and
    ``ends`` both increase and bisect finds the edits over a span."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    rules: list[list[str]] = field(default_factory=list)

    def name(self, i: int, rule_id: str) -> None:
        if rule_id not in self.rules[i]:
            self.rules[i].append(rule_id)

    def rules_over(self, span: Span) -> list[list[str]]:
        """The rule lists of the edits that overlap ``span`` (``overlaps``),
        in order. Only edits that end at or after its start and start at or
        before its end can; of those, every one but the first and the last
        lies strictly inside the span (the edits are separated) and so
        overlaps it, and only the two ends need the test."""
        starts, ends, start, end = self.starts, self.ends, span.start, span.end
        lo = bisect_left(ends, start)
        hi = bisect_right(starts, end, lo)
        if lo < hi and not _overlap(starts[lo], ends[lo], start, end):
            lo += 1
        if lo < hi and not _overlap(starts[hi - 1], ends[hi - 1], start, end):
            hi -= 1
        return self.rules[lo:hi]

    def carry(self, draft: str, cited: Sequence[tuple[str, Span]]) -> None:
        """Make every cited (rule, span) carried by an edit that overlaps the
        span and names the rule: name it on the first overlapping edit, else
        widen the nearest edit over the span (the draft between them is
        unchanged, so the rewrite is still rebuilt exactly). With no edit at
        all (the rewrite is the draft) the span becomes an edit that replaces
        it with itself."""
        # Until nothing changes: an insertion widened away from a span it carried
        # on its boundary ([p,p) -> [p,q) no longer overlaps [s,p)) must carry it
        # again. Edits only grow, so this ends.
        changed = True
        while changed:
            changed = False
            for rule_id, span in cited:
                over = self.rules_over(span)
                if _names(over, rule_id):
                    continue
                changed = True
                if over:
                    over[0].append(rule_id)
                else:
                    self._widen(draft, rule_id, span)

    def _widen(self, draft: str, rule_id: str, span: Span) -> None:
        """The nearest edit widened over ``span``, which no edit overlaps
        (rare: kept words cited, or a greeting added next to them)."""
        anchor: _Piece = (span.start, span.end, draft[span.start:span.end], [rule_id])
        edits = list(zip(self.starts, self.ends, self.texts, self.rules))
        if edits:
            i = min(range(len(edits)), key=lambda k: _distance(edits[k][0], edits[k][1], span))
            near = edits[i]
            edits[i] = _join(draft, near, anchor) if near[1] <= span.start else _join(draft, anchor, near)
            edits = _separate(draft, edits)
        else:
            edits = [anchor]
        self.starts, self.ends, self.texts, self.rules = (list(column) for column in zip(*edits))

    def edits(self) -> tuple[Edit, ...]:
        return tuple(map(Edit, map(Span, self.starts, self.ends), self.texts, map(tuple, self.rules)))


def _names(rule_lists: list[list[str]], rule_id: str) -> bool:
    for rules in rule_lists:
        if rule_id in rules:
            return True
    return False


# One edit while widening: start, end, text, rule ids.
_Piece = tuple[int, int, str, list[str]]


def _distance(start: int, end: int, span: Span) -> int:
    if end <= span.start:
        return span.start - end
    if span.end <= start:
        return start - span.end
    return 0


def _join(draft: str, left: _Piece, right: _Piece) -> _Piece:
    """One edit for two, the unchanged draft text between them kept."""
    rules = left[3] + [r for r in right[3] if r not in left[3]]
    return left[0], right[1], left[2] + draft[left[1]:right[0]] + right[2], rules


def _separate(draft: str, edits: list[_Piece]) -> list[_Piece]:
    """Join edits that touch or overlap, so every two are separated by unchanged text."""
    out: list[_Piece] = []
    for e in edits:
        if out and e[0] <= out[-1][1]:
            out[-1] = _join(draft, out[-1], e)
        else:
            out.append(e)
    return out


def diff_edits(draft: str, rewrite: str) -> list[Edit]:
    """The changes from ``draft`` to ``rewrite`` as phrase-level edits, no rules yet."""
    return list(_diff(draft, rewrite).edits())


def _diff(draft: str, rewrite: str) -> _Changes:
    if draft == rewrite:
        return _Changes()
    a, b = _Tokens.of(draft), _Tokens.of(rewrite)
    starts, ends, texts = [], [], []
    a_at, b_at = a.at, b.at
    for i1, i2, j1, j2 in _regions(a, b, *_shared_ends(a, b)):
        start, end, text = a_at[i1], a_at[i2], rewrite[b_at[j1]:b_at[j2]]
        # Without the spaces its two sides share at either end: a space
        # joined to a change by the alignment is not part of it.
        if text and (text[-1].isspace() or text[0].isspace()):
            while start < end and text and draft[end - 1] == text[-1] and text[-1].isspace():
                end, text = end - 1, text[:-1]
            while start < end and text and draft[start] == text[0] and text[0].isspace():
                start, text = start + 1, text[1:]
        starts.append(start)
        ends.append(end)
        texts.append(text)
    return _Changes(starts, ends, texts, [[] for _ in starts])


@dataclass(slots=True)
class _Tokens:
    """A text as the diff reads it: its tokens casefolded (what the
    alignment compares), its tokens as the glue test reads them, and where
    each starts (``at``, one more for the end).

    Tokenizing the casefolded text gives the casefolded tokens at once, with
    the same boundaries, when every character folds to one character of its
    own kind (``_FOLDS_ACROSS_KINDS``): then each token folds on its own and
    keeps its length, spaces, letters and digits, so glue reads the folded
    token too. On 500-character drafts that is a third of the tokenizing
    time (a list of strings fewer to build); other text is tokenized, then
    each token folded. Exact comparisons read the text (``same``)."""

    text: str
    folded: list[str]
    words: list[str]
    at: list[int]
    read_folded: bool   # the tokens were read from the casefolded text

    @classmethod
    def of(cls, text: str) -> _Tokens:
        folded = text.casefold()
        if len(folded) == len(text) and _FOLDS_ACROSS_KINDS not in text:
            tokens = tokenize(folded)
            return cls(text, tokens, tokens, list(accumulate(map(len, tokens), initial=0)), True)
        tokens = tokenize(text)
        return cls(text, list(map(str.casefold, tokens)), tokens, list(accumulate(map(len, tokens), initial=0)), False)

    def same(self, i0: int, i: int, other: _Tokens, j0: int, j: int) -> bool:
        """Whether tokens [i0, i) are exactly ``other``'s [j0, j), when they
        are pairwise equal casefolded: then they are pairwise equal exactly
        when their text is (a token that is a proper prefix of the other
        would fold to a proper prefix of the other's folding)."""
        return self.text[self.at[i0]:self.at[i]] == other.text[other.at[j0]:other.at[j]]

    def plain(self, i0: int, i: int) -> list[str]:
        """Tokens [i0, i) as they are in the text (sliced without a Python loop)."""
        if not self.read_folded:
            return self.words[i0:i]
        return list(map(self.text.__getitem__, map(slice, self.at[i0:i], self.at[i0 + 1:i + 1])))


def _shared_ends(a: _Tokens, b: _Tokens) -> tuple[int, int, int]:
    """The tokens two texts share exactly at the start (``head``) and end:
    cost nothing to skip and are most of a rewrite that changes a few words;
    the alignment then runs on the middle only, ``[head, a_end)`` and
    ``[head, b_end)``.

    Found on the folded tokens without a Python loop (compress/count/map;
    a rewrite that adds a greeting and a closing shares neither, seen at
    the first token), then checked on the text: a word that differs in case
    ends it there."""
    fa, fb = a.folded, b.folded
    la, lb = len(fa), len(fb)
    limit = min(la, lb)
    head = 0
    if limit and fa[0] == fb[0]:
        head = next(compress(count(), map(ne, fa, fb)), limit)
        if not a.same(0, head, b, 0, head):
            head = next(k for k in range(head) if not a.same(k, k + 1, b, k, k + 1))
    tail = 0
    if limit and fa[-1] == fb[-1]:
        tail = next(compress(count(), map(ne, reversed(fa), reversed(fb))), limit)
        if not a.same(la - tail, la, b, lb - tail, lb):
            tail = next(k for k in range(tail) if not a.same(la - 1 - k, la - k, b, lb - 1 - k, lb - k))
    tail = min(tail, limit - head)
    return head, la - tail, lb - tail


def _regions(a: _Tokens, b: _Tokens, head: int, a_end: int, b_end: int) -> list[list[int]]:
    """The changed token ranges [i1, i2, j1, j2] of ``a[head:a_end]`` into
    ``b[head:b_end]``, in order, merged into phrases across glue (``_glue``).

    Aligned ignoring case, so "YOU CAN UPGRADE" -> "You can upgrade" lines
    up word by word; a word that differs only in case is then its own change.
    Each gap before a run of the alignment (``_lcs_blocks``; the end marker,
    size 0, closes the last) is a change. Words that differ only in case are
    looked for only where a gap does not join the last region: a change
    inside glue would join the same region anyway (any part of glue is glue),
    so most runs of a paraphrase are never compared."""
    regions: list[list[int]] = []
    words, a_text, a_at, b_text, b_at = a.words, a.text, a.at, b.text, b.at
    # The last region, in locals while it can still grow (list items cost
    # more in this loop); appended when the next one starts. No region yet:
    # start_a is -1 and the ends are ``head``, where unchanged text begins.
    start_a = start_b = -1
    end_a = end_b = head
    i = j = head   # the end of the last run
    for bi, bj, size in map(_BLOCK, _lcs_blocks(a.folded[head:a_end], b.folded[head:b_end])):
        bi += head
        bj += head
        if i < bi or j < bj:
            # (inline: one space between, the usual glue; over three tokens, never)
            if start_a >= 0 and i - end_a <= 3 and (
                    i - end_a == 1 and words[i - 1] == " " or _glue(words, end_a, i)):
                end_a, end_b = bi, bj
            else:
                if start_a >= 0:
                    regions.append([start_a, end_a, start_b, end_b])
                if a_text[a_at[end_a]:a_at[i]] == b_text[b_at[end_b]:b_at[j]]:   # a.same, inline
                    start_a, end_a, start_b, end_b = i, bi, j, bj
                else:
                    _case_changes(regions, a, b, end_a, i, end_b, j)
                    _add_change(regions, words, i, bi, j, bj)
                    start_a, end_a, start_b, end_b = regions.pop()
        i = bi + size
        j = bj + size
    if start_a >= 0:
        regions.append([start_a, end_a, start_b, end_b])
    if not a.same(end_a, i, b, end_b, j):
        _case_changes(regions, a, b, end_a, i, end_b, j)
    return regions


# A run of the alignment as (a, b, size), read in C (a fifth of the loop's time).
_BLOCK = attrgetter("a", "b", "size")


# Where an edit operation stands in the first text: (tag, src_pos, dest_pos).
_SOURCE_POSITION = itemgetter(1)


def _case_changes(regions: list[list[int]], a: _Tokens, b: _Tokens, i0: int, i: int, j0: int, j: int) -> None:
    """Each token of ``a[i0:i]`` that differs (only in case: the two are
    lined up one to one) from its token in ``b[j0:j]``, as a change.

    When both were read folded, the tokens line up character by character
    too, and rapidfuzz's Hamming edit operations (C) give the characters
    that differ: a capital at the start of a sentence is one token of a long
    unchanged stretch, not worth slicing it all."""
    if a.read_folded and b.read_folded:
        at, offset, start = a.at, j0 - i0, a.at[i0]
        done = i0   # the tokens before are changes already
        for pos in map(_SOURCE_POSITION, Hamming.editops(a.text[start:at[i]], b.text[b.at[j0]:b.at[j]]).as_list()):
            if start + pos >= at[done]:
                k = bisect_right(at, start + pos) - 1
                _add_change(regions, a.words, k, k + 1, k + offset, k + offset + 1)
                done = k + 1
        return
    for k in compress(count(), map(ne, a.plain(i0, i), b.plain(j0, j))):
        _add_change(regions, a.words, i0 + k, i0 + k + 1, j0 + k, j0 + k + 1)


def _add_change(regions: list[list[int]], words: list[str], i1: int, i2: int, j1: int, j2: int) -> None:
    """The change of tokens [i1, i2) into [j1, j2), as its own region or,
    after glue since the last one, as that one's new end."""
    if regions and _glue(words, regions[-1][1], i1):
        regions[-1][1], regions[-1][3] = i2, j2
    else:
        regions.append([i1, i2, j1, j2])


def _lcs_blocks(a: Sequence[str], b: Sequence[str]) -> list[MatchingBlock]:
    """The runs a longest common subsequence of two token lists shares, from
    rapidfuzz's Indel alignment, ending with an empty run at the two ends.

    Measured on 500-character rewrites: difflib.SequenceMatcher took 2.0-2.8
    ms (its cost grows with the square of the tokens that repeat: spaces,
    "the", 的); difflib after patience anchors on the unique tokens 0.27 ms;
    rapidfuzz 0.01 ms, and an LCS lines up at least as many tokens. Its edit
    operations give the runs directly (the opcodes in between cost a fifth
    more)."""
    return Indel.editops(a, b).as_matching_blocks()


class EditExplainer:
    """Edits of a draft into its rewrite, each linked to the rules behind it."""

    def __init__(self, rulebook: "Rulebook", data_file: Path = DEFAULT_EDITS_FILE) -> None:
        self._cues = _cues_by_language(_load(data_file, rulebook), rulebook)

    def explain(self, draft: str, rewrite: str, violations: Sequence[Violation],
                cited: Sequence[tuple[str, Span]], language: str) -> tuple[Edit, ...]:
        """The edits of ``draft`` into ``rewrite``. ``violations`` are the
        draft's; ``cited`` the (rule id, draft span) of the citations with a span."""
        changes = _diff(draft, rewrite)
        named_by_cue: set[str] = set()
        for ins, cues in self._cues.get(language, ()):
            if not ins.always and ins.rule_id not in map(_RULE_ID, violations):
                continue   # only when the draft broke the rule
            for i in _placed(ins.at, draft, changes):
                if _adds(cues, changes.texts[i], draft[changes.starts[i]:changes.ends[i]]):
                    changes.name(i, ins.rule_id)
                    named_by_cue.add(ins.rule_id)
        for v in violations:
            rule_id = v.rule_id
            if rule_id in named_by_cue:
                continue  # the empathy lead carries show-empathy, not every edit inside its whole-draft span
            for rules in changes.rules_over(v.span):
                if rule_id not in rules:
                    rules.append(rule_id)
        changes.carry(draft, cited)
        return changes.edits()


_RULE_ID = attrgetter("rule_id")


def _adds(cues: Sequence[re.Pattern[str]], text: str, before: str) -> bool:
    """Whether ``text`` matches one of the cues that the text it replaces,
    ``before``, does not match: the edit adds what the cue looks for."""
    for cue in cues:
        if cue.search(text) and not cue.search(before):
            return True
    return False


def _placed(at: str, draft: str, changes: _Changes) -> range:
    """The indexes of the edits where an insertion rule wants its text: at the
    start (nothing but spaces before the edit), the end (nothing but spaces
    after it) or anywhere."""
    if at == "start":
        return range(bisect_right(changes.starts, len(draft) - len(draft.lstrip())))
    if at == "end":
        return range(bisect_left(changes.ends, len(draft.rstrip())), len(changes.ends))
    return range(len(changes.starts))


def _cues_by_language(insertions: Sequence[_Insertion],
                      rulebook: "Rulebook") -> dict[str, tuple[tuple[_Insertion, tuple[re.Pattern[str], ...]], ...]]:
    """Per language, each insertion rule with its cue patterns in that
    language (a rule without one there is left out), looked up once at load
    rather than per edit and rule."""
    languages = {lang for ins in insertions for lang in rulebook.rules[ins.rule_id].cues}
    table = {}
    for lang in sorted(languages):
        found = []
        for ins in insertions:
            rule = rulebook.rules[ins.rule_id]
            cues = tuple(cue for name in ins.cues if (cue := rule.cue(lang, name)) is not None)
            if cues:
                found.append((ins, cues))
        table[lang] = tuple(found)
    return table


def _load(file: Path, rulebook: "Rulebook") -> tuple[_Insertion, ...]:
    out = []
    for rule_id, spec in load_model(file, EditsDoc).insertions.items():
        key = f"insertions.{rule_id}"
        rule = rulebook.rules.get(rule_id)
        if rule is None:
            raise DataFileError(file, key, "not a rule id of the rulebook")
        known = {name for lang in rule.languages for name in rule.cues.get(lang, {})}
        missing = [c for c in spec.cues if c not in known]
        if missing:
            raise DataFileError(file, f"{key}.cues", f"the rule has no cue {missing[0]!r}")
        out.append(_Insertion(rule_id, tuple(spec.cues), spec.at, spec.when == "always"))
    return tuple(out)
