#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs, idempotently:
# Debian packages (Chromium, ripgrep, the headers code-server's native modules build against),
# the extension's npm dependencies, and code-server into $REPO/.cache/code-server (not globally).
# Only package registries are used: @vscode/ripgrep's binary download is replaced by an archive
# made from Debian's rg, and Playwright drives Debian's Chromium (no browser download).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$REPO/vscode-extension"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CS_DIR="${CODE_SERVER_DIR:-$REPO/.cache/code-server}"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

log() { printf '[setup-vscode-e2e] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# 1. Debian packages.
APT_PKGS=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
          build-essential python3)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    "${missing[@]}" >/dev/null
fi

# npm 11 skips dependencies' install scripts unless told; code-server needs them (nested too).
export npm_config_dangerously_allow_all_scripts=true
# code-server's postinstall refuses to run as root without this (CI runs as root).
export npm_config_unsafe_perm=true
export npm_config_yes=true
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false

# 2. The extension's own dependencies (esbuild, tsc, vsce, playwright-core, languageclient).
if [ ! -x "$EXT/node_modules/.bin/vsce" ] || [ "$EXT/package-lock.json" -nt "$EXT/node_modules/.package-lock.json" ]; then
  log "npm ci in vscode-extension"
  (cd "$EXT" && npm ci --no-progress >/dev/null)
fi

# 3. code-server, into a cache dir.
if [ -x "$CS_BIN" ] && "$CS_BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
  log "code-server $CODE_SERVER_VERSION already installed in $CS_DIR"
else
  # @vscode/ripgrep downloads rg from GitHub; it accepts a cached archive instead.
  tmp="${TMPDIR:-/tmp}"
  cache="$tmp/vscode-ripgrep-cache-1.15.11"
  archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$archive" ]; then
    log "caching Debian's rg as $archive"
    mkdir -p "$cache"
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    tar -C "$stage" -czf "$archive" rg
    rm -rf "$stage"
  fi
  log "npm install code-server@$CODE_SERVER_VERSION into $CS_DIR (about a minute)"
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || printf '{"name":"code-server-cache","private":true}\n' >"$CS_DIR/package.json"
  (cd "$CS_DIR" && npm install --no-progress --no-save "code-server@$CODE_SERVER_VERSION" >/dev/null)
  "$CS_BIN" --version >/dev/null
fi

log "ready: code-server $("$CS_BIN" --version | head -1), chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
