#!/usr/bin/env bash
# A few-second smoke run of every benchmark at tiny sizes. Each benchmark
# checks its own results (every watcher got its message, stock exact, the
# server exited cleanly) and exits non-zero otherwise; this script runs them
# all, then yaguts-sim against a server of its own, and ends with
# "N passed, N failed". Exit status 0 only when all passed.
set -u
cd "$(dirname "$0")/.."

swift build -c release --product yaguts >/dev/null && swift build -c release --product Benchmarks >/dev/null \
  && swift build -c release --product yaguts-sim >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
BIN=.build/release
export YAGUTS_BIN="${YAGUTS_BIN:-$BIN/yaguts}"

passed=0
failed=0
run() {
  local name=$1; shift
  local log
  log=$(mktemp)
  local runner=(timeout 300)
  declare -F "$1" >/dev/null && runner=()
  if "${runner[@]}" "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "PASS $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' "$log" | tail -20
  fi
  rm -f "$log"
}

for benchmark in report-to-ws progress-to-ws multi-job capacity throughput executor-hops group-commit broadcast idle-ws-memory report-hops soak json-decode; do
  run "$benchmark" "$BIN/Benchmarks" "$benchmark" --smoke
done
if command -v wrk >/dev/null && command -v nginx >/dev/null; then
  run http-vs-nginx "$BIN/Benchmarks" http-vs-nginx --smoke
else
  echo "SKIP http-vs-nginx (needs wrk and nginx: apt-get install -y wrk nginx-light)"
fi

# yaguts-sim by hand, against a server started here.
sim() {
  local data out pid url status
  data=$(mktemp -d)
  out=$(mktemp)
  "$YAGUTS_BIN" serve --port 0 --data "$data" --log-level warning >"$out" 2>"$data/server.log" &
  pid=$!
  for _ in $(seq 1 100); do url=$(sed -n 's/^listening on //p' "$out"); [ -n "$url" ] && break; sleep 0.1; done
  "$BIN/yaguts-sim" --url "$url" --devices 10 --jobs 20 --watchers 2 --dispense-ms 5 --fail-rate 0.2 --drop-rate 0.2
  status=$?
  kill -TERM "$pid"; wait "$pid" || status=1
  rm -rf "$data" "$out"
  return $status
}
run yaguts-sim sim

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
