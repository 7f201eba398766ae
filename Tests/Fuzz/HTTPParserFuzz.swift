// libFuzzer harness for HTTPRequestParser. Not part of any SwiftPM target:
// scripts/fuzz.sh http compiles it together with the parser's source files
// (standard library only) using `swiftc -sanitize=fuzzer,address`.
//
// Beyond "does not crash", it checks the property the parser promises: the
// outcome of an input does not depend on how it is split into reads. The
// first input byte chooses the split size, the rest is the stream.

private struct Outcome: Equatable {
    var heads: [HTTPRequestHead] = []
    var body: [UInt8] = []
    var ends = 0
    var error: HTTPParseError?
}

private func run(_ bytes: UnsafeRawBufferPointer, splitSize: Int) -> Outcome {
    var parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 2048, maxTargetBytes: 512))
    var outcome = Outcome()
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + splitSize)
        parser.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
        do {
            var events = 0
            while let event = try parser.next() {
                events += 1
                precondition(events <= bytes.count + 2, "parser produced events without consuming input")
                switch event {
                case .head(let head): outcome.heads.append(head)
                case .body(let chunk):
                    precondition(!chunk.isEmpty, "empty body event")
                    outcome.body += chunk
                case .end: outcome.ends += 1
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < bytes.count
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let splitSize = Int(data[0] % 16) + 1
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let oneShot = run(input, splitSize: max(1, input.count))
    let split = run(input, splitSize: splitSize)
    precondition(oneShot == split, "outcome depends on the split")
    if let error = oneShot.error {
        precondition([400, 414, 431, 501, 505].contains(error.status.code), "unexpected status \(error.status)")
    }
    return 0
}
