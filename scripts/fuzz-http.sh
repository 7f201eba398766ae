#!/usr/bin/env bash
# Fuzzes the HTTP/1.1 request parser with libFuzzer for ${FUZZ_SECONDS:-60}
# seconds. The harness is compiled alone with the parser's source files
# (standard library only), outside SwiftPM, with ASan. New interesting inputs
# go to .build/fuzz/corpus-http (the checked-in seeds stay untouched); crashes
# are written to .build/fuzz/ as crash-* files.
# Extra arguments go to libFuzzer, e.g. `scripts/fuzz-http.sh -jobs=2`.
set -euo pipefail
cd "$(dirname "$0")/.."

http=Sources/Runtime/HTTP
sources=(
    "$http/HTTPASCII.swift" "$http/HTTPMethod.swift" "$http/HTTPStatus.swift"
    "$http/HTTPHeaders.swift" "$http/HTTPRequestHead.swift" "$http/PercentDecoding.swift"
    "$http/HTTPParseError.swift" "$http/HTTPRequestParser.swift"
)
out=.build/fuzz
mkdir -p "$out/corpus-http"
echo "fuzz-http: compiling harness" >&2
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name HTTPParserFuzz \
    Tests/Fuzz/HTTPParserFuzz.swift "${sources[@]}" \
    -o "$out/http-parser-fuzz"
echo "fuzz-http: running for ${FUZZ_SECONDS:-60} s" >&2
"$out/http-parser-fuzz" \
    -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=4096 \
    -artifact_prefix="$out/" \
    "$@" \
    "$out/corpus-http" Tests/Fuzz/corpus/http
