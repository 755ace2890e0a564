"""The content check's other candidate, measured: a sentence-embedding model.

    pip install wordllama==0.4.0.post1    # not a dependency of the service
    .venv/bin/python tests/eval_embedding.py [dev|dev2|test]

WordLlama (https://github.com/dleemiller/WordLlama) ships its weights (a
256-dimension token-embedding table, 16 MB, LLaMA-3 tokenizer, so every
language of ours tokenizes) inside its PyPI wheel and runs on the CPU in
about 0.1 ms per pair: the only such model found that needs no download.

Three detectors of a dishonest candidate are compared on the honesty corpus,
as precision and recall of "dishonest":

* alignment: the guard as shipped (content-word alignment plus the fact,
  commitment and refusal checks);
* embedding: a candidate is dishonest when one of its clauses, or one of the
  draft's, has no counterpart above a cosine similarity threshold in the
  other text (every threshold listed);
* both: the guard, with a NEW_CONTENT or DROPPED_CONTENT finding withdrawn
  when the embedding finds a counterpart above the threshold.
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_honesty import judge, load  # noqa: E402
from service.guard import Guard  # noqa: E402
from service.rulebook import load_rulebook  # noqa: E402

_CLAUSE = re.compile(r"[^.!?;:,。！？；：，\n]+")
_CONTENT_KINDS = ("NEW_CONTENT", "DROPPED_CONTENT")


def _model():
    """WordLlama from the weights in its wheel, never from the network (its
    own lookup of the packaged tokenizer misses, so point a cache at it)."""
    import wordllama
    from wordllama import WordLlama

    logging.getLogger("wordllama").setLevel(logging.ERROR)
    pkg = Path(wordllama.__file__).parent
    cache = Path(tempfile.mkdtemp())
    (cache / "tokenizers").symlink_to(pkg / "tokenizers")
    (cache / "weights").symlink_to(pkg / "weights")
    return WordLlama.load(cache_dir=cache, disable_download=True)


def _clauses(text: str) -> list[str]:
    return [m.group(0).strip() for m in _CLAUSE.finditer(text) if len(m.group(0).strip()) > 3]


def _pr(results: list[tuple[bool, bool]]) -> str:
    """results: (dishonest, flagged) per pair."""
    tp = sum(d and f for d, f in results)
    fp = sum(f and not d for d, f in results)
    fn = sum(d and not f for d, f in results)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return f"precision {precision:.2f}  recall {recall:.2f}  (caught {tp}/{tp + fn}, false alarms {fp})"


def main(argv: list[str]) -> int:
    half = argv[0] if argv else "dev"
    model = _model()

    def best(text: str, others: list[str]) -> float:
        return max((float(model.similarity(text, o)) for o in others), default=0.0)

    guard, book = Guard(), load_rulebook()
    rows = []
    for pair in load(half):
        findings = judge(pair, guard, book)
        draft, cand = _clauses(pair["draft"]), _clauses(pair["candidate"])
        heard = [c for m in pair.get("conversation", []) for c in _clauses(m["text"])]
        scored = []
        for f in findings:
            if f.kind.value == "NEW_CONTENT":
                scored.append(best(pair["candidate"][f.span.start:f.span.end], draft + heard))
            elif f.kind.value == "DROPPED_CONTENT":
                scored.append(best(pair["draft"][f.span.start:f.span.end], cand))
            else:
                scored.append(None)
        worst = min([best(c, draft) for c in cand] + [best(c, cand) for c in draft], default=1.0)
        rows.append((not pair["honest"], scored, worst))
    print(f"{half} half, {len(rows)} pairs")
    print(f"alignment (shipped)        {_pr([(d, bool(s)) for d, s, _ in rows])}")
    for tau in (0.2, 0.3, 0.4, 0.5):
        print(f"embedding alone, t={tau:<4}   {_pr([(d, w < tau) for d, _, w in rows])}")
    for tau in (0.5, 0.6, 0.7):
        flagged = [(d, any(x is None or x < tau for x in s)) for d, s, _ in rows]
        print(f"both (veto at {tau})         {_pr(flagged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
