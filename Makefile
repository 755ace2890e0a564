# The README's quick start: `make run` (set up + serve on the embedded model)
# and `make test` (set up + every test). Both are idempotent.
.PHONY: setup run test bench eval

setup:
	bash scripts/setup.sh

run: setup
	.venv/bin/reply-rewriter serve

test: setup
	bash scripts/test.sh

bench: setup
	.venv/bin/python -m bench

eval: setup
	.venv/bin/python tests/eval_check.py
