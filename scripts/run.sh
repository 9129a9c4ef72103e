#!/usr/bin/env bash
# Set up a virtual environment (once), create .env from the example on first run, start the bot.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
if [ ! -f .env ]; then
    cp config.example.env .env
    echo "Created .env from config.example.env: put your BOT_TOKEN and ADMIN_IDS there, then run again."
    exit 2
fi
exec .venv/bin/python -m bot "$@"
