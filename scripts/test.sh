#!/usr/bin/env bash
# Set up a virtual environment (once, and again when pyproject.toml changes) and run every
# check: ruff (lint and format), mypy, the tests in parallel (an end-to-end test that starts the
# bot runs twice: with it polling and in webhook mode, E2E_MODE=both; E2E_MODE=polling for one
# pass) and each benchmark once at a small size.
# Arguments go to pytest (e.g. tests/unit, or -k name).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Install only when the dependencies change, so that a second run needs no package index.
stamp=".venv/.installed-dev-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
    touch "$stamp"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# The end-to-end tests mostly wait on sockets and timers: more workers than cores pays.
E2E_MODE="${E2E_MODE:-both}" .venv/bin/python -m pytest -q -n "${TEST_WORKERS:-8}" "$@"
