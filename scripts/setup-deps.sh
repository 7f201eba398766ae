#!/usr/bin/env bash
# Installs the system packages Yaguts builds against (and, with --test, what the
# tests use). Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail
want=(libuv1-dev libsqlite3-dev libcrypt-dev pkg-config)
if [ "${1:-}" = "--test" ]; then
  want+=(curl python3-venv)
fi
missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing with apt-get: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
