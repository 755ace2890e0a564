"""Per-edit explanations in process: what computing a Rewrite's edits adds.

Three kinds of 500-character draft and rewrite, per language:
- rulebook: the rules' own rewrite pairs (a draft that breaks the rule, an
  honest rewrite that fixes it) joined to 500+ characters: what a good model
  answers;
- fallback: bench/corpus.py's 500-character drafts and the rule-based
  fallback's rewrite of each: a few words changed, a greeting added;
- paraphrase: the honesty corpus joined to 500+ characters (bench/verify.py's
  pairs): candidates reworded throughout, the hardest case for a diff.
Each pair is explained as the pipeline does (the draft's violations, the
citations' spans). The baseline, in the same run, is the rule check of the
same draft, which every Rewrite already runs twice.
"""

from __future__ import annotations

import time
from typing import Any

from bench import Options, latency_summary, ratio, target

LANGUAGES = ("en", "it", "es", "zh")
TARGET_CHARS = 500
TARGET_MS = 0.2


def rulebook_pairs(book: Any) -> dict[str, list[tuple[str, str, list[Any]]]]:
    """Each language's rule rewrite pairs (``rewrites:`` in prompts/rules/,
    a draft breaking the rule and an honest rewrite fixing it) joined, in
    catalogue order and without repeating one, until the draft reaches 500
    characters."""
    out: dict[str, list[tuple[str, str, list[Any]]]] = {}
    for lang in LANGUAGES:
        sep = "" if lang == "zh" else " "
        pairs, draft, rewrite, conversation = [], [], [], []
        for rule in book.rules.values():
            for pair in rule.rewrites.get(lang, ()):
                draft.append(pair.bad)
                rewrite.append(pair.good)
                conversation += list(pair.conversation)
                if len(sep.join(draft)) >= TARGET_CHARS:
                    pairs.append((sep.join(draft), sep.join(rewrite), conversation))
                    draft, rewrite, conversation = [], [], []
        out[lang] = pairs
    return out


def fallback_pairs(book: Any, fallback: Any) -> dict[str, list[tuple[str, str, list[Any]]]]:
    import random

    from bench.corpus import conversation_of_length, draft_of_length

    out: dict[str, list[tuple[str, str, list[Any]]]] = {}
    for lang in LANGUAGES:
        pairs = []
        for seed in range(4):
            draft = draft_of_length(lang, TARGET_CHARS, random.Random(seed))
            conversation = list(conversation_of_length(lang, 2, random.Random(seed)))
            violations = book.check(draft, conversation, "", lang)
            pairs.append((draft, fallback.rewrite(draft, violations, conversation, language=lang), conversation))
        out[lang] = pairs
    return out


async def run(opts: Options) -> dict[str, Any]:
    from bench.verify import build_pairs
    from service.edits import EditExplainer
    from service.fallback import FallbackRewriter
    from service.guard import Guard
    from service.rulebook import load_rulebook

    book = load_rulebook()
    explainer = EditExplainer(book)
    fallback = FallbackRewriter(guard=Guard(), replacement=book.replacement)
    sets = {"rulebook": rulebook_pairs(book), "fallback": fallback_pairs(book, fallback), "paraphrase": build_pairs()}
    repeats = opts.n(50, minimum=2)
    results: dict[str, Any] = {}
    everything: list[float] = []
    all_checks: list[float] = []
    for name, by_lang in sets.items():
        per_lang: dict[str, Any] = {}
        edits_s: list[float] = []
        checks_s: list[float] = []
        for lang, pairs in by_lang.items():
            prepared = []
            for draft, rewrite, conversation in pairs:
                violations = book.check(draft, conversation, "", lang)
                still = {v.rule_id for v in book.check(rewrite, conversation, "", lang)}
                cited = [(v.rule_id, v.span) for v in violations if v.rule_id not in still]
                prepared.append((draft, rewrite, conversation, violations, cited))
            mine: list[float] = []
            for _ in range(repeats):
                for draft, rewrite, conversation, violations, cited in prepared:
                    start = time.perf_counter()
                    explainer.explain(draft, rewrite, violations, cited, lang)
                    mine.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    book.check(draft, conversation, "", lang)
                    checks_s.append(time.perf_counter() - start)
            per_lang[lang] = latency_summary(mine)
            edits_s += mine
        results[name] = {"by_language": per_lang, "edits": latency_summary(edits_s),
                         "check": latency_summary(checks_s)}
        everything += edits_s
        all_checks += checks_s
    overall, check = latency_summary(everything), latency_summary(all_checks)
    table = []
    for name, r in results.items():
        langs = ", ".join(f"{lang} {s['p50_ms']}" for lang, s in r["by_language"].items())
        table.append((f"{name}: edits p50 / p99 (ms)", f"{r['edits']['p50_ms']} / {r['edits']['p99_ms']} ({langs})"))
    table += [("all: edits p50 (ms)", overall["p50_ms"]),
              ("all: rule check of the same draft p50 (ms)", check["p50_ms"]),
              ("edits / rule check (p50)", ratio(overall["p50_ms"], check["p50_ms"]))]
    return {
        "title": "Per-edit explanations in process: edits of 500-character drafts",
        "setup": (f"rulebook, fallback and paraphrase pairs, {TARGET_CHARS}+ characters per draft, "
                  f"{repeats} rounds, the draft's violations precomputed, one thread."),
        "sets": results,
        "edits": overall,
        "check": check,
        "table": table,
        "targets": [target(f"edits median <= {TARGET_MS} ms for 500-character drafts ({name})",
                           r["edits"]["p50_ms"] <= TARGET_MS, r["edits"]["p50_ms"])
                    for name, r in results.items()],
    }
