#!/usr/bin/env bash
# Fuzzes the strict JSON syntax check (Sources/Runtime/HTTP/JSONSyntax.swift)
# with libFuzzer for ${FUZZ_SECONDS:-60} seconds. The harness is compiled alone
# with its stdlib-only sources, outside SwiftPM, with ASan. New inputs go to
# .build/fuzz/corpus-json; crashes to .build/fuzz/ as crash-* files.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build/fuzz
binary="$out/json-syntax-fuzz"
mkdir -p "$out/corpus-json"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name JSONSyntaxFuzz \
    Tests/Fuzz/JSONSyntaxFuzz.swift \
    Sources/Runtime/HTTP/JSONSyntax.swift \
    Sources/Runtime/WebSocket/UTF8Validator.swift \
    -o "$binary"

exec "$binary" \
    -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=2048 \
    -artifact_prefix="$out/" \
    -print_final_stats=1 \
    "$out/corpus-json" Tests/Fuzz/corpus/json
