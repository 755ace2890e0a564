"""Run the rulebook over tests/data/eval_cases.jsonl and print recall and precision.

Recall: share of expected (case, rule) pairs the rulebook flags. Precision: share
of flagged (case, rule) pairs that were expected. Clean cases must have no
violation at all. Exit status 1 when recall < 0.95 or a clean case is flagged.

    .venv/bin/python tests/eval_check.py [cases.jsonl]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Message, Role  # noqa: E402
from service.rulebook import load_rulebook  # noqa: E402

from tests.shared_data import eval_cases_path  # noqa: E402

DEFAULT_CASES = eval_cases_path()


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(cases: list[dict], book=None) -> dict:
    book = book or load_rulebook()
    tp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    lang_tp: dict[str, int] = defaultdict(int)
    lang_fn: dict[str, int] = defaultdict(int)
    lang_fp: dict[str, int] = defaultdict(int)
    clean_failures = []
    details = []
    for case in cases:
        conv = [Message(Role(m["role"]), m["text"]) for m in case.get("context", [])]
        found = book.check(case["draft"], conv, case.get("customer_name", ""), case["lang"])
        got = {v.rule_id for v in found}
        want = set(case.get("expect", []))
        lang = case["lang"]
        for rid in want:
            if rid in got:
                tp[rid] += 1
                lang_tp[lang] += 1
            else:
                fn[rid] += 1
                lang_fn[lang] += 1
        for rid in got - want:
            fp[rid] += 1
            lang_fp[lang] += 1
        if case.get("clean") and found:
            clean_failures.append((case["id"], sorted(got)))
        details.append((case["id"], sorted(want), sorted(got)))
    return {"tp": tp, "fn": fn, "fp": fp, "lang_tp": lang_tp, "lang_fn": lang_fn, "lang_fp": lang_fp,
            "clean_failures": clean_failures, "details": details}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def report(result: dict) -> tuple[float, float]:
    tp, fn, fp = result["tp"], result["fn"], result["fp"]
    print(f"{'rule':24} {'recall':>7} {'precision':>9}   tp fn fp")
    for rid in sorted(set(tp) | set(fn) | set(fp)):
        print(f"{rid:24} {_ratio(tp[rid], tp[rid] + fn[rid]):>7} {_ratio(tp[rid], tp[rid] + fp[rid]):>9}"
              f"   {tp[rid]:2} {fn[rid]:2} {fp[rid]:2}")
    print()
    print(f"{'language':24} {'recall':>7} {'precision':>9}")
    lt, lf, lp = result["lang_tp"], result["lang_fn"], result["lang_fp"]
    for lang in sorted(set(lt) | set(lf) | set(lp)):
        print(f"{lang:24} {_ratio(lt[lang], lt[lang] + lf[lang]):>7} {_ratio(lt[lang], lt[lang] + lp[lang]):>9}")
    all_tp, all_fn, all_fp = sum(tp.values()), sum(fn.values()), sum(fp.values())
    recall = all_tp / (all_tp + all_fn) if all_tp + all_fn else 1.0
    precision = all_tp / (all_tp + all_fp) if all_tp + all_fp else 1.0
    print(f"\n{'overall':24} {recall:7.2f} {precision:9.2f}")
    print(f"clean cases flagged: {len(result['clean_failures'])} {result['clean_failures'] or ''}")
    misses = [(cid, w, g) for cid, w, g in result["details"] if set(w) != set(g)]
    if misses:
        print("\ncases where flagged != expected:")
        for cid, w, g in misses:
            print(f"  {cid}: expected {w} got {g}")
    return recall, precision


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CASES
    result = evaluate(load_cases(path))
    recall, _ = report(result)
    return 0 if recall >= 0.95 and not result["clean_failures"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
