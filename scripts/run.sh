#!/usr/bin/env bash
# Set up a virtual environment (once, and again when pyproject.toml changes), create .env from
# the example on the first run, start the bot. Arguments go to `python -m bot` (e.g. import FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
needs_311='import sys; sys.exit(sys.version_info < (3, 11))'
if ! "$PYTHON" -c "$needs_311" 2>/dev/null; then
    echo "Наставник needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
    echo "Install it (or set PYTHON=/path/to/python3.11) and run again." >&2
    exit 2
fi
if [ -x .venv/bin/python ] && ! .venv/bin/python -c "$needs_311"; then
    echo ".venv was made with an older Python: remove it (rm -rf .venv) and run again." >&2
    exit 2
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# Install only when the dependencies change, so that a restart needs no package index.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
    touch "$stamp"
fi
if [ ! -f .env ]; then
    cp config.example.env .env
    echo "Created .env from config.example.env: put your BOT_TOKEN and ADMIN_IDS there, then run again."
    exit 2
fi
exec .venv/bin/python -m bot "$@"
