#!/usr/bin/env bash
# Install everything the tests need, then run every test: lint, unit, end-to-end, real editors.
# Used as is by .ci/run; safe to run again (each step skips what is already installed).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# Redis and Prometheus for the shared-cache and metrics tests (started by the tests themselves).
bash scripts/setup-services.sh

# Real-editor tests need Neovim, Emacs + eglot, and VS Code (code-server + Chromium + npm).
if [ "${DEEPSEEK_SKIP_EDITORS:-0}" != 1 ]; then
  bash scripts/setup-editors.sh
  bash scripts/setup-vscode-e2e.sh
fi

echo "== ruff"
.venv/bin/ruff check server tests bench
.venv/bin/ruff format --check server tests bench

echo "== pytest"
exec .venv/bin/python -m pytest "$@"
