#!/usr/bin/env bash
# Set up a virtual environment (once, and again when pyproject.toml changes) and run every
# check: ruff, mypy, the tests (in parallel; then part of the end-to-end suite again with the bot
# in webhook mode) and each benchmark once at a small size.
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
.venv/bin/mypy
# The end-to-end tests mostly wait on sockets and timers: more workers than cores pays.
.venv/bin/python -m pytest -q -n "${TEST_WORKERS:-8}" "$@"
# A second pass with the bot in webhook mode (the fake server posts the updates): journeys that
# cover onboarding, forms, buttons, files and delivery, a fifth of the end-to-end time. Only for
# a full check (no arguments); every module: E2E_MODE=webhook .venv/bin/python -m pytest tests/e2e
if [ "$#" -eq 0 ]; then
    E2E_MODE=webhook .venv/bin/python -m pytest -q -n "${TEST_WORKERS:-8}" \
        tests/e2e/test_onboarding.py tests/e2e/test_forms.py tests/e2e/test_pairs.py \
        tests/e2e/test_authorization.py tests/e2e/test_plan.py tests/e2e/test_questions.py \
        tests/e2e/test_export.py tests/e2e/test_delivery.py
fi
