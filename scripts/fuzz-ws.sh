#!/usr/bin/env bash
# Fuzzes the WebSocket frame decoder, message assembler and UTF-8 validator
# with libFuzzer + AddressSanitizer for ${FUZZ_SECONDS:-60} seconds.
#
# The harness (Tests/Fuzz/WebSocketFrameFuzz.swift) is compiled together with
# the stdlib-only sources it exercises, outside SwiftPM. New interesting inputs
# go to .build/fuzz/corpus-ws (not committed); crashes to .build/fuzz/.
# Copy a crash input into Tests/Fuzz/corpus/ws once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

ws=Sources/Runtime/WebSocket
out=.build/fuzz
binary="$out/ws-frame-fuzz"
mkdir -p "$out/corpus-ws"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name WebSocketFuzz \
    Tests/Fuzz/WebSocketFrameFuzz.swift \
    "$ws/WebSocketFrame.swift" \
    "$ws/WebSocketCloseCode.swift" \
    "$ws/UTF8Validator.swift" \
    "$ws/WebSocketFrameDecoder.swift" \
    "$ws/WebSocketMessageAssembler.swift" \
    -o "$binary"

exec "$binary" \
    -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=4096 \
    -artifact_prefix="$out/" \
    -print_final_stats=1 \
    "$out/corpus-ws" Tests/Fuzz/corpus/ws
