#!/usr/bin/env bash
# End-to-end and interop tests: the real `yaguts` binary over real sockets,
# driven by clients this project did not write (curl, websockets, h11, urllib).
#
#   scripts/e2e.sh [pytest args...]      e.g. scripts/e2e.sh -k websocket -x
#
# YAGUTS_BIN picks the binary (default .build/debug/yaguts; built if missing).
# The Python tools live in .venv, created on first use with pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."

export YAGUTS_BIN="${YAGUTS_BIN:-.build/debug/yaguts}"
if [[ ! -x "$YAGUTS_BIN" ]]; then
    echo "e2e: $YAGUTS_BIN missing; building (debug)" >&2
    swift build
fi
command -v curl >/dev/null || { echo "e2e: curl is required" >&2; exit 1; }

./scripts/setup-deps.sh --test

exec .venv/bin/python -m pytest -q Tests/e2e "$@"
