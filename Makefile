# The two commands a fresh machine needs: `make demo` and `make test`.
.PHONY: demo test setup setup-test check unit eval

demo: setup
	.venv/bin/candor demo

test: setup-test check
	.venv/bin/python -m pytest
	.venv/bin/candor eval qa citations scifact-quick --report artifacts/eval

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

check:
	.venv/bin/ruff check .
	.venv/bin/mypy

unit:
	.venv/bin/python -m pytest -m "not integration"

eval:
	.venv/bin/candor eval qa citations scifact-quick flags --report artifacts/eval
