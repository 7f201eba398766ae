#!/usr/bin/env bash
# Profiles a release yaguts with perf while yaguts-sim drives it (docs/profiling.md):
#   scripts/profile.sh [SECONDS] [yaguts-sim options]     (default 20 s; 64 devices, 2 watchers each)
# Writes .build/profile/{perf.data,stacks.folded,summary.txt,metrics.txt} and prints the summary.
# Needs perf (apt-get install linux-perf) and a release build (swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}; [ $# -gt 0 ] && shift
out=.build/profile
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
sim_options=("$@")
[ ${#sim_options[@]} -gt 0 ] || sim_options=(--devices 64 --jobs 64 --watchers 2 --dispense-ms 0 --fail-rate 0.1 --drop-rate 0)

.build/release/yaguts serve --port 0 --data "$data" --log-level warning >"$out/server.out" 2>"$out/server.err" &
server=$!
for _ in $(seq 100); do grep -q '^listening on ' "$out/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out/server.out")
[ -n "$url" ] || { echo "profile: server did not start" >&2; kill "$server"; exit 1; }

.build/release/yaguts-sim --url "$url" --duration "$seconds" "${sim_options[@]}" >"$out/sim.log" 2>&1 &
sim=$!
# cpu-clock: a software event, available in VMs without hardware counters. Frame-pointer call graphs.
perf record -e cpu-clock -F ${PERF_FREQUENCY:-999} --call-graph ${PERF_CALL_GRAPH:-fp} -o "$out/perf.data" -p "$server" -- sleep "$seconds" 2>"$out/perf.log"
sim_status=0; wait "$sim" || sim_status=$?
curl -s "$url/metrics" >"$out/metrics.txt"
kill -TERM "$server"; wait "$server"

perf script -i "$out/perf.data" 2>/dev/null | python3 scripts/perf_fold.py --folded "$out/stacks.folded" | tee "$out/summary.txt"
echo "simulator: $(tail -n +2 "$out/sim.log" | head -3 | tr -s ' ' | tr '\n' ';') exit $sim_status" >&2
grep -E '^yaguts_report_stage_seconds_(sum|count)' "$out/metrics.txt" >&2 || true
