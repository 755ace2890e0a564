"""A first-character guard for alternation-heavy regexes.

Python's re tries every branch of an alternation at every position of the
text (a branch that opens with a group, a lookbehind or ``\\b`` is not skipped
by its first character). ``first_char_guarded`` puts a pattern behind a
lookahead on the characters a match can start with, read from re's own parse
of the pattern, so most positions are skipped in one step. It cannot change
what matches: a match of a pattern that can't be empty starts with one of
those characters, and the lookahead is compiled under the pattern's own case
flags. When the first characters can't be told (an empty match, ``.``, a
negated set, a scoped ASCII/LOCALE flag), the pattern is returned unchanged.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

try:  # re's own parser
    from re import _constants as _sc, _parser as _sp  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python that moved them: no guard
    _sc = _sp = None  # type: ignore[assignment]

# (atoms of a character class, each with "compare ignoring case"), can be empty
_First = tuple[set[tuple[bool, str]], bool] | None

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def _first_of_item(op: Any, av: Any, icase: bool) -> _First:
    if op is _sc.AT or op is _sc.ASSERT or op is _sc.ASSERT_NOT:
        return set(), True  # zero-width: it only narrows where a match starts
    if op is _sc.LITERAL:
        return {(icase, re.escape(chr(av)))}, False
    if op is _sc.IN:
        atoms: set[tuple[bool, str]] = set()
        for o, a in av:
            if o is _sc.LITERAL:
                atoms.add((icase, re.escape(chr(a))))
            elif o is _sc.RANGE:
                atoms.add((icase, f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}"))
            elif o is _sc.CATEGORY and str(a) in _CATEGORIES:
                atoms.add((icase, _CATEGORIES[str(a)]))
            else:
                return None  # a negated set: no gain worth the risk
        return atoms, False
    if op is _sc.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if (add_flags | del_flags) & (_sc.SRE_FLAG_LOCALE | _sc.SRE_FLAG_ASCII | _sc.SRE_FLAG_UNICODE):
            return None
        if add_flags & _sc.SRE_FLAG_IGNORECASE:
            icase = True
        if del_flags & _sc.SRE_FLAG_IGNORECASE:
            icase = False
        return _first_of_seq(p, icase)
    if op is _sc.BRANCH:
        out: set[tuple[bool, str]] = set()
        nullable = False
        for alt in av[1]:
            r = _first_of_seq(alt, icase)
            if r is None:
                return None
            out |= r[0]
            nullable = nullable or r[1]
        return out, nullable
    if op is _sc.MAX_REPEAT or op is _sc.MIN_REPEAT:
        lo, _hi, p = av
        r = _first_of_seq(p, icase)
        if r is None:
            return None
        return r[0], r[1] or lo == 0
    return None


def _first_of_seq(items: Iterable[tuple[Any, Any]], icase: bool) -> _First:
    out: set[tuple[bool, str]] = set()
    for op, av in items:
        r = _first_of_item(op, av, icase)
        if r is None:
            return None
        out |= r[0]
        if not r[1]:
            return out, False
    return out, True


def first_char_guarded(pattern: str, flags: int = 0) -> str:
    """``pattern`` (to be compiled with ``flags``) behind a lookahead on its
    possible first characters, or unchanged when they can't be told."""
    return _guard(pattern, flags)


def _guard(pattern: str, flags: int) -> str:
    if _sp is None:
        return pattern
    try:
        parsed = _sp.parse(pattern, flags)
    except re.error:
        return pattern
    glob = parsed.state.flags
    if glob & _sc.SRE_FLAG_LOCALE:
        return pattern
    global_icase = bool(glob & _sc.SRE_FLAG_IGNORECASE)
    r = _first_of_seq(list(parsed), global_icase)
    if r is None or r[1] or not r[0]:
        return pattern
    parts = []
    for icase in (False, True):
        atoms = "".join(sorted(a for i, a in r[0] if i is icase))
        if atoms:
            if icase is global_icase:
                parts.append(f"[{atoms}]")
            else:
                parts.append(f"(?{'i' if icase else '-i'}:[{atoms}])")
    return f"(?={'|'.join(parts)})(?:{pattern})"


def guarded_if_slow(pattern: str, flags: int = 0) -> str:
    """``first_char_guarded`` for a pattern re can't skip through by itself:
    one that opens with a literal or a set re already looks for in C (an
    uncased "不能", or any literal without IGNORECASE) is left as it is, since a
    guard in front would hide that prefix from re and slow it down."""
    if _sp is None or _sc is None:
        return pattern
    try:
        parsed = _sp.parse(pattern, flags)
        from re import _compiler  # type: ignore[attr-defined]

        all_flags = parsed.state.flags
        if _compiler._get_literal_prefix(parsed, all_flags)[0] or _compiler._get_charset_prefix(parsed, all_flags):
            return pattern
    except (re.error, ImportError, AttributeError, TypeError, ValueError):
        return pattern
    return first_char_guarded(pattern, flags)


def guarded_alternation(items: Sequence[str], flags: int = 0) -> str:
    """``items`` as one guarded alternation. An item that opens with
    lookbehinds ("(?<!hey)(?<!hi)...[!?]{2,}") gets its own guard, so it is
    tried only where it can start (not the others: re skips an alternative
    that opens with a literal faster than a guard)."""
    guarded = "|".join(f"(?:{first_char_guarded(p, flags) if p.startswith('(?<') else p})" for p in items)
    return first_char_guarded(guarded, flags)


def anchored_at_start(pattern: str) -> bool:
    """Whether every match of ``pattern`` (compiled without flags) starts at
    the very start of the text ("^\\s*no[.!]*\\s*$"): such a pattern, tried at
    every position inside an alternation, can match only where ``match``
    tries it once."""
    if _sp is None:
        return False
    try:
        parsed = _sp.parse(pattern, 0)
    except re.error:
        return False
    if parsed.state.flags & _sc.SRE_FLAG_MULTILINE:
        return False
    return _anchored_seq(list(parsed))


def _anchored_seq(items: list[tuple[Any, Any]]) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is _sc.AT:
        return av is _sc.AT_BEGINNING or av is _sc.AT_BEGINNING_STRING
    if op is _sc.SUBPATTERN:
        _group, add_flags, _del_flags, p = av
        return not add_flags & _sc.SRE_FLAG_MULTILINE and _anchored_seq(list(p))
    if op is _sc.BRANCH:
        return all(_anchored_seq(list(alt)) for alt in av[1])
    return False


# --------------------------------------------------------------------------- required literals
#
# A regex scan costs about the same whatever it finds; a substring test is C
# speed. ``required_literals`` reads from re's parse a set of literals one of
# which every match contains, so a caller can skip a pattern whose literals
# are all absent from the text (it cannot match there) without running it.

_Need = tuple[str, ...] | None  # any one of these literals is in every match; None: unknown


def _better(a: _Need, b: _Need) -> _Need:
    """The more selective of two requirements (the longer shortest literal, then the fewer)."""
    if a is None:
        return b
    if b is None:
        return a
    ka, kb = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _need_of_seq(items: Iterable[tuple[Any, Any]]) -> _Need:
    """The most selective of a sequence's requirements (``_needs_of_seq``)."""
    best: _Need = None
    for need in _needs_of_seq(items):
        best = _better(best, need)
    return best


def _need_of_branch(alternatives: Iterable[Any]) -> _Need:
    """An alternation needs one literal of any of its alternatives' needs;
    nothing can be told when one alternative needs nothing."""
    alts: list[str] = []
    for alt in alternatives:
        r = _need_of_seq(alt)
        if r is None:
            return None
        alts.extend(r)
    return tuple(sorted(set(alts))) if alts else None


def required_literals(pattern: str) -> _Need:
    """Literals one of which is in every match of ``pattern`` (compiled without
    flags, as the rulebook compiles its lower-cased alternations), or None when
    none can be told (then the pattern must always run)."""
    if _sp is None:
        return None
    try:
        parsed = _sp.parse(pattern, 0)
    except re.error:
        return None
    if parsed.state.flags & (_sc.SRE_FLAG_IGNORECASE | _sc.SRE_FLAG_LOCALE):
        return None
    need = _need_of_seq(list(parsed))
    if need is None or not all(need) or len(need) > 64:
        return None
    return need


def _needs_of_seq(items: Iterable[tuple[Any, Any]]) -> list[tuple[str, ...]]:
    """Every requirement of a sequence, not only the most selective: each
    literal run, each alternation, each group or repeat that must occur."""
    out: list[tuple[str, ...]] = []
    run = ""
    for op, av in items:
        if op is _sc.LITERAL:
            run += chr(av)
            continue
        if run:
            out.append((run,))
            run = ""
        if op is _sc.SUBPATTERN:
            _group, add_flags, del_flags, p = av
            if not (add_flags | del_flags) & _sc.SRE_FLAG_IGNORECASE:
                out.extend(_needs_of_seq(p))
        elif op is _sc.BRANCH:
            need = _need_of_branch(av[1])
            if need is not None:
                out.append(need)
        elif (op is _sc.MAX_REPEAT or op is _sc.MIN_REPEAT) and av[0] >= 1:
            out.extend(_needs_of_seq(av[2]))
    if run:
        out.append((run,))
    return out


def required_literal_sets(pattern: str) -> tuple[tuple[str, ...], ...]:
    """All the sets of literals of ``pattern`` (compiled without flags) such
    that every match holds one literal of each set; () when none can be told.

    ``required_literals`` gives the most selective set, enough for one pass
    over the text for every rule. A pattern that passes it often fails another
    set ("check the faq" needs "check" and "faq"): testing the others, only
    for the patterns left, leaves out more patterns before any scan."""
    if _sp is None:
        return ()
    try:
        parsed = _sp.parse(pattern, 0)
    except re.error:
        return ()
    if parsed.state.flags & (_sc.SRE_FLAG_IGNORECASE | _sc.SRE_FLAG_LOCALE):
        return ()
    out: list[tuple[str, ...]] = []
    for need in _needs_of_seq(list(parsed)):
        need = tuple(sorted(set(need)))
        if all(need) and len(need) <= 64 and need not in out:
            out.append(need)
    return tuple(out)


# --------------------------------------------------------------------------- phrase tries
#
# A lexicon list ("we can", "we can't", "we'll", ...) compiled as a flat
# alternation enters every phrase at every word; ``phrase_alternation`` merges
# the phrases' leading literal letters into a trie ("we (?:can(?:...))"), so
# only the phrases that start as the text does are tried.

_SPECIAL = frozenset("\\.^$*+?{}[]|()")
_QUANTIFIERS = frozenset("*+?{")


def _structure(item: str) -> list[tuple[int, str, int]]:
    """The unescaped parentheses and bars of ``item`` outside sets, each with
    its position and the group depth it stands at."""
    out = []
    depth, i = 0, 0
    while i < len(item):
        ch = item[i]
        if ch == "\\":
            i += 1
        elif ch == "[":   # a set: to its closing bracket ("[]]" and "[^]]" hold one)
            i += 2 if item[i + 1:i + 2] == "^" else 1
            i += 1 if item[i:i + 1] == "]" else 0
            while i < len(item) and item[i] != "]":
                i += 2 if item[i] == "\\" else 1
        elif ch == "(":
            out.append((i, ch, depth))
            depth += 1
        elif ch == ")":
            depth -= 1
            out.append((i, ch, depth))
        elif ch == "|":
            out.append((i, ch, depth))
        i += 1
    return out


def _top_level_bar(item: str) -> bool:
    """Whether ``item`` is an alternation at its top level ("ab|cd")."""
    return any(ch == "|" and depth == 0 for _, ch, depth in _structure(item))


_SPREAD = 64   # alternatives one phrase may be spread into


def _distribute(item: str) -> list[str]:
    """"(?:hi|hello) there" as ["hi there", "hello there"], "(?:please )?call"
    as ["please call", "call"]: the same matches tried in the same order (a
    greedy "?" tries its group first), and each alternative's letters can
    join the trie. An alternative that opens with a group is spread again."""
    if not item.startswith("(?:") or _sp is None or _top_level_bar(item):
        return [item]
    marks = _structure(item)
    end = next((i for i, ch, depth in marks if ch == ")" and depth == 0), -1)
    after = item[end + 1:end + 3]
    optional = after[:1] == "?" and after[1:2] not in ("?", "+")
    if end < 0 or after[:1] in ("*", "+", "{") or (after[:1] == "?" and not optional):
        return [item]
    cuts = [3, *(i + 1 for i, ch, depth in marks if ch == "|" and depth == 1 and i < end), end + 1]
    alts = [item[a:b - 1] for a, b in zip(cuts, cuts[1:])] + ([""] if optional else [])
    rest = item[end + (2 if optional else 1):]
    try:   # each alternative written before the rest reads as it did in its group
        if not all(_same_parse(f"(?:{x}){rest}", x + rest) for x in alts):
            return [item]
    except re.error:
        return [item]
    out: list[str] = []
    for x in alts:
        out += _distribute(x + rest)
        if len(out) > _SPREAD:
            return [item]
    return out


def _same_parse(a: str, b: str) -> bool:
    """Whether re parses two patterns to the same tree (its groups without a
    name or flags are inlined, so "(?:ab)c" is "abc")."""
    return repr(list(_sp.parse(a, re.IGNORECASE))) == repr(list(_sp.parse(b, re.IGNORECASE)))


def _literal_head(item: str, flags: int) -> tuple[str, str]:
    """``item`` as (the plain characters it starts with, the regex after them),
    checked against re's own parse; ("", item) when that can't be told."""
    k = 0
    while k < len(item) and item[k] not in _SPECIAL:
        k += 1
    if k < len(item) and item[k] in _QUANTIFIERS:
        k -= 1   # "refunds?": the "s" is optional
    if k <= 0 or _sp is None or _top_level_bar(item):
        return "", item
    try:
        parsed = list(_sp.parse(item, flags))
    except re.error:
        return "", item
    if len(parsed) < k or any(op is not _sc.LITERAL or av != ord(ch) for (op, av), ch in zip(parsed, item[:k])):
        return "", item
    return item[:k], item[k:]


def phrase_alternation(items: Sequence[str]) -> str:
    """The regexes ``items``, in order, as one case-insensitive alternation
    (to be compiled with re.IGNORECASE) with their leading letters merged.

    It matches as ``(?:a)|(?:b)|...`` does. Two phrases can both match at a
    position only if one's letters run on where the other's stop; such pairs
    keep their order (a phrase whose letters stop there is tried where it
    stood in the list), and only phrases that part on different letters
    (which exclude each other) are regrouped."""
    return _phrase_node([_literal_head(y, re.IGNORECASE) for x in items for y in _distribute(x)], 0)


def _phrase_node(items: list[tuple[str, str]], depth: int) -> str:
    alts: list[str] = []
    run: list[tuple[str, str]] = []   # consecutive phrases with letters left at ``depth``

    def flush() -> None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for head, rest in run:
            ch = head[depth]
            # letters that are one ignoring case ("I", "i") go down one branch
            key = next((k for k in groups if re.fullmatch(re.escape(k), ch, re.IGNORECASE)), ch)
            groups.setdefault(key, []).append((head, rest))
        for key, group in groups.items():
            if len(group) == 1:
                head, rest = group[0]
                alts.append(re.escape(head[depth:]) + f"(?:{rest})")
            else:
                alts.append(re.escape(key) + _phrase_node(group, depth + 1))
        run.clear()

    for head, rest in items:
        if len(head) == depth:
            flush()
            alts.append(f"(?:{rest})")
        else:
            run.append((head, rest))
    flush()
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# --------------------------------------------------------------------------- digits
#
# Most conversation messages have no digit, and most fact patterns (dates,
# times, phones, codes, numbers) can't match without one.

_DIGITS = frozenset("0123456789")


def needs_digit(pattern: str, flags: int = 0) -> bool:
    """Whether ``pattern`` can match only in a text that holds a decimal
    digit (``\\d``): in the match, or where a lookaround it requires looks."""
    if _sp is None:
        return False
    try:
        return _digit_seq(list(_sp.parse(pattern, flags)))
    except re.error:
        return False


def _digit_seq(items: Iterable[tuple[Any, Any]]) -> bool:
    return any(_digit_item(op, av) for op, av in items)


def _digit_item(op: Any, av: Any) -> bool:
    if op is _sc.LITERAL:
        return chr(av) in _DIGITS
    if op is _sc.IN:
        return all((o is _sc.LITERAL and chr(a) in _DIGITS)
                   or (o is _sc.RANGE and chr(a[0]) in _DIGITS and chr(a[1]) in _DIGITS)
                   or (o is _sc.CATEGORY and a is _sc.CATEGORY_DIGIT) for o, a in av)
    if op is _sc.SUBPATTERN:
        return _digit_seq(av[3])
    if op is _sc.BRANCH:
        return all(_digit_seq(alt) for alt in av[1])
    if op is _sc.MAX_REPEAT or op is _sc.MIN_REPEAT or op is _sc.POSSESSIVE_REPEAT:
        return av[0] >= 1 and _digit_seq(av[2])
    if op is _sc.ASSERT:   # a lookahead or lookbehind that must hold
        return _digit_seq(av[1])
    if op is _sc.ATOMIC_GROUP:
        return _digit_seq(av)
    return False


def trie(words: Iterable[str]) -> str:
    """A regex for a set of literals as a trie ("pls|plz" -> "pl[sz]"), so the
    engine does not try every alternative at every position; longer matches win."""
    return _render(_trie_of(words), ignorecase=False) or ""   # only a case-blind trie can fail


def case_blind_trie(words: Iterable[str]) -> str | None:
    """``trie`` for a pattern compiled with IGNORECASE; None where two branches
    of a node are one letter ignoring case ("s" and "S"), since the trie then
    can't tell which continuation is the longer one."""
    return _render(_trie_of(words), ignorecase=True)


def _trie_of(words: Iterable[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def _render(node: dict[str, Any], ignorecase: bool) -> str | None:
    chars = sorted(ch for ch in node if ch)
    if ignorecase and any(re.fullmatch(re.escape(a), b, re.IGNORECASE)
                          for i, a in enumerate(chars) for b in chars[i + 1:]):
        return None
    branches = []
    for ch in chars:
        rest = _render(node[ch], ignorecase)
        if rest is None:
            return None
        branches.append(re.escape(ch) + rest)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# "(?<!da )" written in a phrase list: not after the word "da" (not "da
# solo", alone), which re reads as not after any text ending in "da "
# ("valida solo"). The word gets its left edge.
_WORD_LOOKBEHIND = re.compile(r"\(\?<!([^\W\d_][\w'’]*(?: [\w'’]+)* )\)")


def word_lookbehinds(pattern: str) -> str:
    """``pattern`` with each negative lookbehind on a word made to name that
    whole word: ``(?<!da )`` becomes ``(?<!(?<!\\w)da )``."""
    return _WORD_LOOKBEHIND.sub(lambda m: rf"(?<!(?<!\w){m.group(1)})", pattern)

