#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer + AddressSanitizer for ${FUZZ_SECONDS:-60} s:
#   scripts/fuzz.sh http   the HTTP/1.1 request parser
#   scripts/fuzz.sh ws     the WebSocket frame decoder, message assembler, UTF-8 validator
#   scripts/fuzz.sh json   the strict JSON parser, differential against Foundation
# Each harness (Tests/Fuzz/*.swift) is compiled alone with the stdlib-only
# sources it exercises (the json one also links Foundation, its reference), outside SwiftPM. Seeds are Tests/Fuzz/corpus/TARGET;
# new interesting inputs go to .build/fuzz/corpus-TARGET (not committed),
# crashes to .build/fuzz/ as crash-* files (copy one into the seeds once the bug
# is fixed). Extra arguments go to libFuzzer, e.g. `scripts/fuzz.sh http -jobs=2`.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh http|ws|json [libFuzzer args...]}
shift
http=Sources/Runtime/HTTP
ws=Sources/Runtime/WebSocket
json=Sources/Runtime/JSON
case "$target" in
  http)
    harness=Tests/Fuzz/HTTPParserFuzz.swift; module=HTTPParserFuzz; max_len=4096
    sources=("$http/HTTPASCII.swift" "$http/HTTPMethod.swift" "$http/HTTPStatus.swift" "$http/HTTPHeaders.swift"
             "$http/HTTPRequestHead.swift" "$http/PercentDecoding.swift" "$http/HTTPParseError.swift"
             "$http/HTTPHostSyntax.swift" "$http/HTTPRequestParser.swift") ;;
  ws)
    harness=Tests/Fuzz/WebSocketFrameFuzz.swift; module=WebSocketFuzz; max_len=4096
    sources=("$ws/WebSocketFrame.swift" "$ws/WebSocketCloseCode.swift" "Sources/Runtime/Text/UTF8Validator.swift"
             "$ws/WebSocketFrameDecoder.swift" "$ws/WebSocketMessageAssembler.swift") ;;
  json)
    harness=Tests/Fuzz/JSONParserFuzz.swift; module=JSONParserFuzz; max_len=2048
    sources=("$json/JSONValue.swift" "$json/JSONParseError.swift" "$json/JSONParser.swift" "$json/JSONScanner+Scalars.swift"
             "$json/JSONWriter.swift" Sources/Runtime/Log/JSONLineEncoding.swift Sources/Runtime/Log/LogValue.swift) ;;
  *) echo "fuzz: unknown target '$target' (http, ws or json)" >&2; exit 2 ;;
esac

out=.build/fuzz
binary="$out/$target-fuzz"
mkdir -p "$out/corpus-$target"
echo "fuzz-$target: compiling harness" >&2
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name "$module" "$harness" "${sources[@]}" -o "$binary"
echo "fuzz-$target: running for ${FUZZ_SECONDS:-60} s" >&2
# libFuzzer reports a crash with its own stack; Swift's backtracer, under
# ASan, can hang instead of exiting.
SWIFT_BACKTRACE=enable=no exec "$binary" \
    -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len="$max_len" \
    -artifact_prefix="$out/" \
    -print_final_stats=1 \
    "$@" \
    "$out/corpus-$target" "Tests/Fuzz/corpus/$target"
