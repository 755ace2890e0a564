"""Measure the rulebook on the rulebook corpus (tests/data/rulebook/{test,dev}.jsonl).

    .venv/bin/python tests/eval_rulebook_corpus.py [test|dev|path.jsonl] [--misses]

Per rule, per language and overall: recall (share of expected (draft, rule)
pairs the rulebook flags), precision (share of flagged (draft, rule) pairs
that were expected), and span agreement (share of hits where a finding of
the rule overlaps the expected excerpt). Then the clean drafts flagged: on a
dev half their ids and rules, on a held-out test half (any split whose name
starts with ``test``) only how many, since the test half is for measuring,
not for reading: an id printed there invites tuning the rules to that draft.
``--misses`` lists the drafts where flagged != expected, on a dev half only
(on a test half it prints their count).

Exit status 1 when recall or precision of any language is under 0.95, or a
clean draft is flagged.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Message, Role  # noqa: E402
from service.language import resolve_language  # noqa: E402
from service.rulebook import Rulebook, load_rulebook  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "data" / "rulebook"
TARGET = 0.95


def held_out(name: str) -> bool:
    """Whether the split ``name`` (``test``, ``test2``, ``…/test2.jsonl``) is a held-out test half."""
    return Path(name).stem.startswith("test")


def load(name: str) -> list[dict]:
    path = Path(name) if name.endswith(".jsonl") else CORPUS / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    span_ok: int = 0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


@dataclass
class Result:
    rules: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    langs: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    total: Counts = field(default_factory=Counts)
    clean_flags: list[tuple[str, list[str]]] = field(default_factory=list)
    misses: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)
    clean_drafts: int = 0


def _overlaps(draft: str, excerpt: str, spans: list[tuple[int, int]]) -> bool:
    start = draft.find(excerpt) if excerpt else -1
    if start < 0:
        return bool(spans)  # an excerpt not quoted verbatim: the rule id is all we can compare
    end = start + len(excerpt)
    return any(s < end and start < e or s == e == start for s, e in spans)


def evaluate(cases: list[dict], book: Rulebook | None = None) -> Result:
    book = book or load_rulebook()
    res = Result()
    for case in cases:
        conv = [Message(Role(m["role"]), m["text"]) for m in case.get("conversation", [])]
        # The language as Check resolves it when the caller names none: the
        # customer's (the reply should mirror them), then the draft's.
        language = resolve_language("", conv, case["draft"], book.detector, book.languages)
        found = book.check(case["draft"], conv, case.get("customer_name", ""), language)
        got: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for v in found:
            got[v.rule_id].append((v.span.start, v.span.end))
        want: dict[str, list[str]] = defaultdict(list)
        for e in case.get("expected", []):
            want[e["rule_id"]].append(e.get("excerpt", ""))
        lang = case["lang"]
        for rid, excerpts in want.items():
            for counts in (res.rules[rid], res.langs[lang], res.total):
                if rid in got:
                    counts.tp += 1
                    counts.span_ok += any(_overlaps(case["draft"], x, got[rid]) for x in excerpts)
                else:
                    counts.fn += 1
        for rid in set(got) - set(want):
            for counts in (res.rules[rid], res.langs[lang], res.total):
                counts.fp += 1
        if case.get("clean"):
            res.clean_drafts += 1
            if found:
                res.clean_flags.append((case["id"], sorted(got)))
        if set(got) != set(want):
            res.misses.append((case["id"], case["draft"], sorted(want), sorted(got)))
    return res


def report(res: Result, misses: bool = False, counts_only: bool = True) -> None:
    """Print the measures; ``counts_only`` (a held-out half) prints no id or text of a draft."""
    def row(name: str, c: Counts) -> str:
        span = f"{c.span_ok / c.tp:.2f}" if c.tp else "  - "
        return f"{name:22} {c.recall:6.2f} {c.precision:9.2f} {span:>5}   {c.tp:3} {c.fn:3} {c.fp:3}"

    print(f"{'rule':22} {'recall':>6} {'precision':>9} {'span':>5}    tp  fn  fp")
    for rid in sorted(res.rules):
        print(row(rid, res.rules[rid]))
    print()
    for lang in ("en", "it", "es", "zh"):
        if lang in res.langs:
            print(row(lang, res.langs[lang]))
    print(row("overall", res.total))
    listed = f" {res.clean_flags}" if res.clean_flags and not counts_only else ""
    print(f"clean drafts flagged: {len(res.clean_flags)} of {res.clean_drafts}{listed}")
    if misses and counts_only:
        print(f"drafts where flagged != expected: {len(res.misses)} (not listed on a held-out test half)")
    elif misses:
        for cid, draft, want, got in res.misses:
            print(f"  {cid}: expected {want} got {got}\n      {draft}")


def ok(res: Result) -> bool:
    return not res.clean_flags and all(c.recall >= TARGET and c.precision >= TARGET for c in res.langs.values())


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    split = args[0] if args else "test"
    res = evaluate(load(split))
    report(res, misses="--misses" in argv, counts_only=held_out(split))
    return 0 if ok(res) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
