"""The honesty corpus (tests/data/honesty/) through the guard, the way Rewrite
and Verify call it: with the draft's violations from the rulebook.

    .venv/bin/python tests/eval_honesty.py [dev|test] [-v]

Prints, per language, dishonest candidates caught and honest candidates
accepted, and per finding kind how many dishonest candidates it caught (a
candidate can be caught by several kinds). ``-v`` lists every miss.
Only the dev half is for looking at; the README reports the test half.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Message, Role  # noqa: E402
from service.guard import Guard  # noqa: E402
from service.rulebook import Rulebook, load_rulebook  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "honesty"
LANGUAGES = ("en", "it", "es", "zh")


def load(half: str) -> list[dict]:
    out = []
    for lang in LANGUAGES:
        path = DATA / f"{half}_{lang}.jsonl"
        if path.exists():
            out += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def judge(pair: dict, guard: Guard, book: Rulebook) -> list:
    conv = [Message(Role(m["role"]), m["text"]) for m in pair.get("conversation", [])]
    violations = book.check(pair["draft"], conv, "", pair["lang"])
    return guard.verify(pair["draft"], pair["candidate"], conv, pair["lang"], violations)


def evaluate(pairs: list[dict], guard: Guard | None = None, book: Rulebook | None = None
             ) -> tuple[Counter, list[tuple[dict, list]]]:
    guard, book = guard or Guard(), book or load_rulebook()
    counts: Counter = Counter()
    wrong = []
    for p in pairs:
        findings = judge(p, guard, book)
        ok = bool(findings) != p["honest"]
        for lang in (p["lang"], "all"):
            counts[(lang, "honest" if p["honest"] else "dishonest", ok)] += 1
            if not p["honest"]:
                for kind in {f.kind.value for f in findings}:
                    counts[(lang, "kind", kind)] += 1
                counts[(lang, "class", p.get("class", ""), ok)] += 1
        if not ok:
            wrong.append((p, findings))
    return counts, wrong


def table(counts: Counter) -> str:
    lines = [f"{'lang':<5} {'dishonest caught':>17} {'honest accepted':>16}"]
    for lang in (*LANGUAGES, "all"):
        dt, df = counts[(lang, "dishonest", True)], counts[(lang, "dishonest", False)]
        ht, hf = counts[(lang, "honest", True)], counts[(lang, "honest", False)]
        if dt + df + ht + hf == 0:
            continue
        lines.append(f"{lang:<5} {dt:>7}/{dt + df:<3} {100 * dt / max(dt + df, 1):>5.1f}% "
                     f"{ht:>6}/{ht + hf:<3} {100 * ht / max(ht + hf, 1):>5.1f}%")
    kinds = sorted({k[2] for k in counts if k[1] == "kind"})
    lines.append("\nfinding kinds raised on dishonest candidates, per language:")
    lines.append(f"{'kind':<16} " + " ".join(f"{lang:>4}" for lang in (*LANGUAGES, "all")))
    for kind in kinds:
        lines.append(f"{kind:<16} " + " ".join(f"{counts[(lang, 'kind', kind)]:>4}" for lang in (*LANGUAGES, "all")))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    half = argv[0] if argv and not argv[0].startswith("-") else "dev"
    counts, wrong = evaluate(load(half))
    print(table(counts))
    if "-v" in argv:
        for p, findings in wrong:
            print(f"\nWRONG {p['id']} honest={p['honest']} class={p.get('class')}\n  draft:     {p['draft']}\n"
                  f"  candidate: {p['candidate']}\n  reason:    {p.get('reason')}")
            for f in findings:
                print(f"  -> {f.kind.value}: {f.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
