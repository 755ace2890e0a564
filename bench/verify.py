"""The honesty guard in process: Verify of 500-character texts.

Pairs are built from the honesty corpus (tests/data/honesty/): per language,
consecutive pairs are joined until the draft reaches 500 characters, and the
candidate is the same pairs' candidates joined. Each pair is verified the way
Rewrite and Verify call the guard: with the draft's violations from the
rulebook (their cost is the Check benchmark's, not counted here). The
baseline, in the same run, is fact extraction alone (the old guard's core),
so the report shows what content alignment adds on this machine.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench import Options, latency_summary, ratio, target

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "honesty"
LANGUAGES = ("en", "it", "es", "zh")
TARGET_CHARS = 500


def build_pairs() -> dict[str, list[tuple[str, str, list[Any]]]]:
    from service.domain import Message, Role

    pairs: dict[str, list[tuple[str, str, list[Any]]]] = {}
    for lang in LANGUAGES:
        items = [json.loads(x) for half in ("dev", "test")
                 for x in (DATA / f"{half}_{lang}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        out, draft, cand, conv = [], [], [], []
        for item in items:
            draft.append(item["draft"])
            cand.append(item["candidate"])
            conv += [Message(Role(m["role"]), m["text"]) for m in item["conversation"]]
            if sum(map(len, draft)) >= TARGET_CHARS:
                sep = "" if lang == "zh" else " "
                out.append((sep.join(draft)[:TARGET_CHARS + 60], sep.join(cand), conv))
                draft, cand, conv = [], [], []
        pairs[lang] = out
    return pairs


async def run(opts: Options) -> dict[str, Any]:
    from service.guard import Guard
    from service.rulebook import load_rulebook

    guard, book = Guard(), load_rulebook()
    pairs = build_pairs()
    repeats = opts.n(20, minimum=2)
    by_lang: dict[str, Any] = {}
    all_verify: list[float] = []
    all_facts: list[float] = []
    for lang, items in pairs.items():
        prepared = [(d, c, conv, book.check(d, conv, "", lang)) for d, c, conv in items]
        for d, c, conv, v in prepared:   # warm: stemmer caches, jieba's dictionary
            guard.verify(d, c, conv, lang, v)
        verify_s, facts_s = [], []
        for _ in range(repeats):
            for d, c, conv, v in prepared:
                guard._draft_facts.clear()  # a request's first verify: no memo hit
                guard.content_caches_clear()
                start = time.perf_counter()
                guard.verify(d, c, conv, lang, v)
                verify_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                guard.facts(d, lang)
                guard.facts(c, lang)
                facts_s.append(time.perf_counter() - start)
        by_lang[lang] = {"pairs": len(items), "verify": latency_summary(verify_s), "facts_only": latency_summary(facts_s)}
        all_verify += verify_s
        all_facts += facts_s
    overall = latency_summary(all_verify)
    facts = latency_summary(all_facts)
    table = [(f"{lang}: verify p50 / p99 (ms)", f"{r['verify']['p50_ms']} / {r['verify']['p99_ms']}")
             for lang, r in by_lang.items()]
    table += [("all: verify p50 / p99 (ms)", f"{overall['p50_ms']} / {overall['p99_ms']}"),
              ("all: fact extraction of both texts p50 (ms)", facts["p50_ms"]),
              ("verify / fact extraction (p50)", ratio(overall["p50_ms"], facts["p50_ms"]))]
    return {
        "title": "Honesty guard in process: Verify of 500-character drafts",
        "setup": (f"pairs joined from tests/data/honesty to {TARGET_CHARS}+ characters per draft, "
                  f"{repeats} rounds, the draft's violations precomputed, one thread."),
        "by_language": by_lang,
        "verify": overall,
        "facts_only": facts,
        "table": table,
        "targets": [target("Verify median <= 2 ms for 500-character texts", overall["p50_ms"] <= 2.0,
                           overall["p50_ms"])],
    }
