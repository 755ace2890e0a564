#!/usr/bin/env bash
# Every test. pytest's "no tests ran" (exit 5) is a failure here, like any other.
set -uo pipefail
cd "$(dirname "$0")/.."
export LITELLM_LOCAL_MODEL_COST_MAP=True
.venv/bin/ruff check service bench tests || exit 1
.venv/bin/mypy service || exit 1
.venv/bin/python -m pytest -p no:cacheprovider "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "no tests ran" >&2
  exit 1
fi
exit "$code"
