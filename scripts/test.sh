#!/usr/bin/env bash
# Runs every test: installs what the tests need (apt-get, pip into .venv),
# builds in release mode, then runs the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh --test
echo "test: release build" >&2
swift build -c release
echo "test: swift test" >&2
swift test --parallel
