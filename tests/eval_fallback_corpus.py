"""The fallback rewrite on the rulebook corpus (tests/data/rulebook/{test,dev}.jsonl).

    .venv/bin/python tests/eval_fallback_corpus.py [test|dev] [--show]

Each draft goes through what the server does when the model fails: the
rulebook checks the draft, the fallback rewrites it, and the rewrite is
checked again. Per language it prints:

- facts kept: the rewrite passes ``Guard.verify`` against the draft (nothing
  dropped, added, promised or flipped) *and* every fact key of the draft is
  among the rewrite's, channel words and one-letter names aside (``_wording``)
  (must be 100%);
- clean: drafts whose rewrite breaks no detectable rule ("yes" in RULES.md);
- which rules remain, with counts.

``--show`` prints every draft and rewrite: use it on the dev half only (the
test half is measured, never read while tuning the fallback).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.domain import Fact, Message, Role  # noqa: E402
from service.fallback import FallbackRewriter  # noqa: E402
from service.guard import Guard  # noqa: E402
from service.rulebook import Rulebook, load_rulebook  # noqa: E402
from tests.eval_fallback import detectable_rules  # noqa: E402
from tests.eval_rulebook_corpus import load  # noqa: E402



def _wording(fact: Fact) -> bool:
    """Facts that are wording, not something the customer must still be told:
    a channel word ("email" in a question the customer already answered; the
    fallback treats channel words as wording, see ``FallbackRewriter._keeps_facts``)
    and a one-letter "name" (an artifact of ALL CAPS: "È", "A")."""
    return fact.kind == "channel" or (fact.kind == "name" and len(fact.text.strip()) <= 1)


@dataclass
class LangStats:
    drafts: int = 0
    kept: int = 0
    clean: int = 0
    clean_before: int = 0
    remaining: Counter[str] = field(default_factory=Counter)


@dataclass
class Report:
    per_language: dict[str, LangStats]
    rows: list[dict]

    def total(self) -> LangStats:
        t = LangStats()
        for s in self.per_language.values():
            t.drafts += s.drafts
            t.kept += s.kept
            t.clean += s.clean
            t.clean_before += s.clean_before
            t.remaining.update(s.remaining)
        return t


def evaluate(cases: list[dict], book: Rulebook | None = None, guard: Guard | None = None,
             fallback: FallbackRewriter | None = None) -> Report:
    book = book or load_rulebook()
    guard = guard or Guard()
    fallback = fallback or FallbackRewriter(guard=guard, replacement=book.replacement, rules=book.rules)
    detectable = detectable_rules()
    stats: dict[str, LangStats] = defaultdict(LangStats)
    rows = []
    for case in cases:
        lang = case["lang"]
        conv = [Message(Role(m["role"]), m["text"]) for m in case["conversation"]]
        draft = case["draft"]
        before = book.check(draft, conv, "", lang)
        out, _ = fallback.rewrite_checked(draft, before, conv, language=lang)
        honest = not guard.verify(draft, out, conv, lang, before)
        keys = {f.key for f in guard.facts(out, lang)}
        kept = honest and all(f.key in keys for f in guard.facts(draft, lang) if not _wording(f))
        left = sorted({v.rule_id for v in book.check(out, conv, "", lang)} & detectable)
        s = stats[lang]
        s.drafts += 1
        s.kept += kept
        s.clean += not left
        s.clean_before += not ({v.rule_id for v in before} & detectable)
        s.remaining.update(left)
        rows.append({"id": case["id"], "lang": lang, "kept": kept, "left": left, "draft": draft, "rewrite": out})
    return Report(dict(sorted(stats.items())), rows)


def main(argv: list[str]) -> int:
    name = next((a for a in argv[1:] if not a.startswith("--")), "test")
    report = evaluate(load(name))
    if "--show" in argv:
        for r in report.rows:
            mark = "ok  " if r["kept"] and not r["left"] else "MISS"
            print(f"{mark} {r['id']} {','.join(r['left']) or '-'}\n     {r['draft']}\n  -> {r['rewrite']}")
    print(f"\n{name}: lang drafts facts-kept clean-before clean-after  remaining")
    for lang, s in [*report.per_language.items(), ("all", report.total())]:
        rem = ", ".join(f"{k} {n}" for k, n in s.remaining.most_common())
        print(f"  {lang:4} {s.drafts:5} {s.kept / s.drafts:9.0%} {s.clean_before / s.drafts:12.0%} "
              f"{s.clean / s.drafts:11.0%}  {rem}")
    t = report.total()
    return 0 if t.kept == t.drafts else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
