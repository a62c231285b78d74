#!/usr/bin/env bash
# Installs the real services the tests start on loopback: Debian's redis-server (the shared cache
# tests and bench/redis_share.py) and prometheus (the metrics test). Idempotent: apt-get runs only
# when a package is missing. The tests start and stop the servers themselves; nothing is enabled.
set -euo pipefail

log() { printf '[setup-services] %s\n' "$*" >&2; }

APT_PKGS=(redis-server redis-tools prometheus)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      log "not root and no sudo: skipping apt-get install ${missing[*]} (those tests will skip)"
      exit 0
    fi
  fi
  log "apt-get install ${missing[*]}"
  # One apt at a time on a shared machine.
  $SUDO flock /tmp/apt.lock apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO flock /tmp/apt.lock \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
log "$(redis-server --version | cut -d' ' -f1-3); $(prometheus --version 2>&1 | head -1)"
