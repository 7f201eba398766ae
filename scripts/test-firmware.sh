#!/usr/bin/env bash
# Firmware tests: host unit, crash-point and OTA tests (ASan/UBSan), the
# Arduino compile check, two real 32-bit builds of the core (xtensa-lx106 gcc
# with sizes; rv32imc clang + ld.lld --no-undefined; either failing fails the
# run), the device program against a Python stand-in server, and the
# end-to-end test against the real server (skips if .build/release/yaguts is
# not built; its checks of endpoints the server lacks skip with a message).
# Ends with one line "firmware: N passed, N failed" summing every runner.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
status=0
run() {
  local out
  out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local line
  # Every runner's summary line counts (make test runs two test programs).
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" || true)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{n += $1} END {print n}')))
    failed=$((failed + $(echo "$line" | awk '{n += $3} END {print n}')))
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
  fi
  [ "$rc" -eq 0 ] || status=1
  rm -f "$out"
}
run make -s -j2 -C firmware test
run make -s -C firmware xtensa-size REQUIRE_XTENSA=1
run make -s -C firmware rv32-check
run env YAGUTS_E2E_SERVER="python3 firmware/test/standin_server.py" python3 firmware/test/e2e_device.py
run python3 firmware/test/e2e_device.py
echo "firmware: $passed passed, $failed failed"
exit $status
