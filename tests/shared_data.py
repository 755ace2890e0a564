"""The project's copies of the shared reference data, inside the repository.

``tests/data/eval_cases.jsonl`` is a copy of the labelled eval cases and
``tests/data/seeds/`` of the four etiquette articles the rules cite, both
from the project's shared brief (see tests/data/README.md). Tests, benches
and eval scripts read only these copies, so a clone runs anywhere.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def seeds_dir() -> Path:
    return DATA / "seeds"


def eval_cases_path() -> Path:
    return DATA / "eval_cases.jsonl"
