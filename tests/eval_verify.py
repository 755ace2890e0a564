"""Run the labelled (draft, candidate, honest?) pairs through the guard and
print the confusion matrix, per language and overall.

    .venv/bin/python tests/eval_verify.py [pairs.jsonl]

"Positive" means the guard rejects the candidate (finds it dishonest). The
same file is meant to be replayed through the real Verify RPC later.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Message, Role  # noqa: E402
from service.guard import Guard  # noqa: E402

PAIRS = Path(__file__).resolve().parent / "data" / "verify_pairs.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(pairs: list[dict], guard: Guard | None = None) -> tuple[Counter, list[tuple[dict, list]]]:
    """Counts keyed by (lang, outcome) and overall ("all", outcome); outcome is
    tp (dishonest caught), fn (dishonest missed), tn (honest accepted), fp."""
    guard = guard or Guard()
    counts: Counter = Counter()
    wrong = []
    for p in pairs:
        conv = [Message(Role(m["role"]), m["text"]) for m in p.get("conversation", [])]
        findings = guard.verify(p["draft"], p["candidate"], conv, p["lang"])
        rejected = bool(findings)
        outcome = {(False, True): "tp", (False, False): "fn", (True, False): "tn", (True, True): "fp"}[
            (p["honest"], rejected)]
        counts[(p["lang"], outcome)] += 1
        counts[("all", outcome)] += 1
        if outcome in ("fn", "fp"):
            wrong.append((p, findings))
    return counts, wrong


def main(argv: list[str]) -> int:
    pairs = load_pairs(Path(argv[0]) if argv else PAIRS)
    counts, wrong = evaluate(pairs)
    print(f"{'lang':<5} {'dishonest caught':>17} {'dishonest missed':>17} {'honest accepted':>16} {'honest rejected':>16}")
    for lang in sorted({p["lang"] for p in pairs}) + ["all"]:
        c = {o: counts[(lang, o)] for o in ("tp", "fn", "tn", "fp")}
        print(f"{lang:<5} {c['tp']:>17} {c['fn']:>17} {c['tn']:>16} {c['fp']:>16}")
    tp, fn, tn, fp = (counts[("all", o)] for o in ("tp", "fn", "tn", "fp"))
    print(f"\ndishonest caught: {tp}/{tp + fn}   honest accepted: {tn}/{tn + fp} "
          f"({100 * tn / max(tn + fp, 1):.0f}%)")
    for p, findings in wrong:
        print(f"\nWRONG [{p['lang']}] honest={p['honest']} ({p['note']})\n  draft:     {p['draft']}\n"
              f"  candidate: {p['candidate']}")
        for f in findings:
            print(f"  - {f.kind.value}: {f.detail}")
    return 0 if fn == 0 and tn >= 0.9 * (tn + fp) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
