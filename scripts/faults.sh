#!/usr/bin/env bash
# Fault tests against the real server: kill -9 under load, a full disk, file
# descriptor exhaustion. Bounded (about 4 minutes on 2 cores) and 127.0.0.1 only.
#
#   scripts/faults.sh [pytest args...]
#
# YAGUTS_BIN picks the binary (default .build/debug/yaguts; built if missing).
# TORTURE_KILLS sets how many times the kill -9 test kills the server (default 30).
# The full-disk test mounts a small tmpfs, so it needs root; without the right
# to mount it skips and says why.
set -euo pipefail
cd "$(dirname "$0")/.."

export YAGUTS_BIN="${YAGUTS_BIN:-.build/debug/yaguts}"
if [[ ! -x "$YAGUTS_BIN" ]]; then
    echo "faults: $YAGUTS_BIN missing; building (debug)" >&2
    swift build
fi
./scripts/setup-deps.sh --test

# Named explicitly: the fault files are not test_*.py, so the e2e suite skips them.
exec .venv/bin/python -m pytest -q -rs Tests/e2e/fault_kill9.py Tests/e2e/fault_full_disk.py Tests/e2e/fault_descriptors.py "$@"
