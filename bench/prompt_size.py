"""Benchmark 4: prompt tokens per request, ours against the naive prompt.

Ours is what the pipeline sends: the rules the draft breaks plus the
always-on ones. The naive prompt is the same template with every rule of the
rulebook pasted. Tokens are counted by ``litellm.token_counter`` for the
benchmark's hosted model (tiktoken, offline).
"""

from __future__ import annotations

import statistics
from typing import Any

from bench import TEST_MODEL, Options, ratio, target
from bench.corpus import LANGUAGES, Item, build_corpus

NAIVE_RULES = "all"


def prompt_parts() -> tuple[Any, Any]:
    """The rulebook and prompt builder the server would load."""
    from service.config import Settings
    from service.prompt import PromptBuilder
    from service.rulebook import load_rulebook

    settings = Settings(model=TEST_MODEL)
    return load_rulebook(settings.prompts_dir, settings.glossary_files), PromptBuilder(settings.prompts_dir / "templates")


def build_messages(rulebook: Any, builder: Any, item: Item, naive: bool = False,
                   embedded: bool = False) -> list[dict[str, str]]:
    """The messages the pipeline builds for ``item`` (rewrite.py's _ask_model),
    or with every rule of the rulebook when ``naive``; ``embedded``: as for
    the embedded model (rule titles without their messages)."""
    from service.domain import Tone
    from service.prompt import ALWAYS_ON_RULES, PromptRule

    violations = rulebook.check(item.draft, item.conversation, item.customer_name, item.lang)
    if naive:
        rules = list(rulebook.rules.values())
    else:
        rules = list(rulebook.relevant_rules(violations))
        known = {r.id for r in rules}
        rules += [rulebook.rule(rid) for rid in ALWAYS_ON_RULES if rid not in known and rid in rulebook.rules]
    return builder.build(draft=item.draft, conversation=item.conversation, violations=violations,
                         rules=[PromptRule(r.id, r.title, "" if embedded else r.message) for r in rules],
                         language=item.lang,
                         tone=Tone.UNSPECIFIED, customer_name=item.customer_name)


async def run(opts: Options) -> dict[str, Any]:
    import litellm

    rulebook, builder = prompt_parts()
    corpus = build_corpus()
    corpus = corpus[: opts.n(len(corpus), minimum=min(8, len(corpus)))]
    rows = []
    for item in corpus:
        ours = litellm.token_counter(model=TEST_MODEL, messages=build_messages(rulebook, builder, item))
        naive = litellm.token_counter(model=TEST_MODEL, messages=build_messages(rulebook, builder, item, naive=True))
        rows.append((item, ours, naive))
    ours_total = sum(r[1] for r in rows)
    naive_total = sum(r[2] for r in rows)
    by_lang = {}
    for lang in LANGUAGES:
        sel = [r for r in rows if r[0].lang == lang]
        if sel:
            by_lang[lang] = {"ours_mean": round(statistics.fmean(r[1] for r in sel), 1),
                             "naive_mean": round(statistics.fmean(r[2] for r in sel), 1),
                             "ratio": ratio(sum(r[1] for r in sel), sum(r[2] for r in sel))}
    overall = ratio(ours_total, naive_total)
    ours_mean = statistics.fmean(r[1] for r in rows)
    naive_mean = statistics.fmean(r[2] for r in rows)
    # The corpus' case drafts are short; the fixed part of the prompt dominates them.
    return {
        "title": "Prompt tokens per request: only the relevant rules vs the whole rulebook pasted",
        "setup": (f"litellm.token_counter(model={TEST_MODEL!r}) on PromptBuilder messages for {len(rows)} corpus "
                  f"items; naive = the same template with all {len(rulebook.rules)} rules."),
        "requests": len(rows),
        "ours_tokens_mean": round(ours_mean, 1),
        "naive_tokens_mean": round(naive_mean, 1),
        "ours_tokens_median": statistics.median(r[1] for r in rows),
        "naive_tokens_median": statistics.median(r[2] for r in rows),
        "ratio_ours_over_naive": overall,
        "tokens_saved_per_request": round(naive_mean - ours_mean, 1),
        "by_language": by_lang,
        "table": [
            ("ours tokens/request (mean, median)",
             f"{round(ours_mean, 1)}, {statistics.median(r[1] for r in rows)}"),
            ("naive tokens/request (mean, median)",
             f"{round(naive_mean, 1)}, {statistics.median(r[2] for r in rows)}"),
            ("ratio ours/naive", overall),
            ("tokens saved per request", round(naive_mean - ours_mean, 1)),
            *[(f"ratio {lang}", v["ratio"]) for lang, v in by_lang.items()],
        ],
        "targets": [target("fewer prompt tokens than the naive prompt", overall < 1.0, overall)],
    }
