#!/usr/bin/env bash
# Runs every test, after installing what the tests need (apt-get; pip into .venv):
#   1. release build (the binary the end-to-end suites drive)
#   2. swift test (unit, integration over real sockets)
#   3. firmware host tests, crash points, device program against the real server
#   4. benchmark smoke runs (consistency, not speed)
#   5. end-to-end + interop (pytest: curl, websockets, h11 against the real server)
#   5b. faults: kill -9 under load (TORTURE_KILLS, default 30), full disk (tmpfs), descriptor exhaustion
#   6. web UI: node unit tests, then headless Chromium
#   7. libFuzzer: HTTP parser, WebSocket decoder (FUZZ_SECONDS each), JSON syntax (half that)
# Every suite runs even if an earlier one failed; the last line sums them up.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh --test || exit 1
export YAGUTS_BIN="$PWD/.build/release/yaguts"
export FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

passed=0; failed=0; failures=()
suite() {
  local name=$1; shift
  echo "=== $name: $*" >&2
  local started=$SECONDS
  if "$@"; then passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - started)) s)" >&2
  else failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - started)) s)" >&2; fi
}

./scripts/stamp-build.sh
suite build swift build -c release
if [ ! -x "$YAGUTS_BIN" ]; then echo "release build failed; nothing else can run" >&2; echo "suites: 0 passed, 1 failed"; exit 1; fi
suite swift-test swift test
suite firmware ./scripts/test-firmware.sh
suite benchmarks-smoke ./scripts/bench-smoke.sh
suite e2e ./scripts/e2e.sh
suite faults ./scripts/faults.sh
suite ui-unit node --test Tests/ui/
suite ui-browser .venv/bin/pytest -q Tests/browser
suite fuzz-http ./scripts/fuzz.sh http
suite fuzz-ws ./scripts/fuzz.sh ws
FUZZ_SECONDS=$((FUZZ_SECONDS / 2)) suite fuzz-json ./scripts/fuzz.sh json

[ ${#failures[@]} -eq 0 ] || echo "failed suites: ${failures[*]}" >&2
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
