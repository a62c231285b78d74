#!/usr/bin/env bash
# Installs the real services the tests start on loopback: Debian's redis-server (the shared cache
# tests and bench/redis_share.py) and prometheus (the metrics test). Idempotent: apt-get runs only
# when a package is missing. The tests start and stop the servers themselves; nothing is enabled.
set -euo pipefail

log() { printf '[setup-services] %s\n' "$*" >&2; }

bash "$(dirname "$0")/apt-install.sh" redis-server redis-tools prometheus \
  || { log "those tests will skip"; exit 0; }
log "$(redis-server --version | cut -d' ' -f1-3); $(prometheus --version 2>&1 | head -1)"
