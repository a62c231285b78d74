#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet, one apt at a time.
# Exit 0 when all are there afterwards; exit 3 when some are missing and we are neither root nor
# allowed sudo (the caller decides: the tests that need them skip locally and fail under CI=true).
set -euo pipefail

missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    printf '[apt-install] not root and no sudo: not installing %s\n' "${missing[*]}" >&2
    exit 3
  fi
fi
LOCK=""  # one apt at a time when several setups run at once
if command -v flock >/dev/null; then LOCK="flock /tmp/apt.lock"; fi
printf '[apt-install] apt-get install %s\n' "${missing[*]}" >&2
$LOCK $SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $LOCK $SUDO apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
