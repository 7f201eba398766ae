#!/usr/bin/env bash
# Installs libuv/SQLite headers if missing, builds a release binary and runs the
# server on http://127.0.0.1:8080 with its database under ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
./scripts/stamp-build.sh
echo "serve: building release (swift build -c release)" >&2
swift build -c release --product yaguts >&2
exec .build/release/yaguts serve --data ./data "$@"
