"""Split the rulebook corpus into a test half and a dev half, deterministically.

    python tests/data/rulebook/split.py        # reads corpus/{en,it,es,zh}.jsonl, writes test.jsonl, dev.jsonl
    python tests/data/rulebook/split.py tests/data/rulebook/corpus2 2   # writes test2.jsonl, dev2.jsonl

Within each language, drafts are sorted by id and split by kind (clean or
not), and each kind alternates test, dev, test, dev... So each half has
the same languages and the same share of clean drafts, and the split never
depends on what the rulebook finds (no seed, no shuffling to re-roll).

The test half is for measuring only: rules are tuned on the dev half, and
the test half's drafts are not read while doing so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "it", "es", "zh")


def split(cases: list[dict]) -> tuple[list[dict], list[dict]]:
    test: list[dict] = []
    dev: list[dict] = []
    for clean in (False, True):
        kind = sorted((c for c in cases if bool(c.get("clean")) is clean), key=lambda c: c["id"])
        for i, case in enumerate(kind):
            (test if i % 2 == 0 else dev).append(case)
    return sorted(test, key=lambda c: c["id"]), sorted(dev, key=lambda c: c["id"])


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else HERE / "corpus"
    suffix = argv[2] if len(argv) > 2 else ""
    halves: dict[str, list[dict]] = {"test": [], "dev": []}
    for lang in LANGUAGES:
        lines = (src / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        cases = [json.loads(line) for line in lines if line.strip()]
        test, dev = split(cases)
        halves["test"] += test
        halves["dev"] += dev
    for name, cases in halves.items():
        with (HERE / f"{name}{suffix}.jsonl").open("w", encoding="utf-8") as fh:
            for case in cases:
                fh.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(f"{name}: {len(cases)} drafts, {sum(1 for c in cases if c.get('clean'))} clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
