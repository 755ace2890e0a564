"""Where ../shared/ is: beside the checkout (CI's layout), else /work/shared."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    for candidate in (os.environ.get("REPLYREWRITER_SHARED_DIR"), ROOT.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "eval" / "cases.jsonl").exists():
            return Path(candidate)
    raise FileNotFoundError("shared/eval/cases.jsonl not found beside the checkout or in /work/shared")


def eval_cases_path() -> Path:
    return shared_dir() / "eval" / "cases.jsonl"
