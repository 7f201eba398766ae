import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

/// SplitMix64: a tiny seeded generator, so every run mutates the same way and

@Suite("HTTP parser under deterministic mutation fuzzing")
struct ParserFuzzTests {
    static let seeds: [[UInt8]] = Captures.all.map { Array($0.utf8) } + [
        Array("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n".utf8),
        Array("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n".utf8),
    ]
    static let interesting: [[UInt8]] = ["\r", "\n", "\r\n", ":", " ", "\t", "\0", "0", "f", ";", ",",
                                         "chunked", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n",
                                         "\r\n\r\n", "HTTP/1.1", "\u{7F}", "%", "?"].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                bytes.insert(contentsOf: interesting.randomElement(using: &rng)!, at: position)
            case 2 where !bytes.isEmpty:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &rng)))
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4:
                bytes = Array(bytes.prefix(position))
            default:
                bytes.swapAt(position, bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng))
            }
        }
        return bytes
    }

    @Test func mutatedRequestsNeverCrashAndSplitsAgree() {
        var rng = SeededGenerator(seed: 0x5EED_4711)
        var errors = 0, completed = 0
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 512, maxTargetBytes: 128)
        for iteration in 0..<3000 {
            let input = Self.mutate(Self.seeds.randomElement(using: &rng)!, using: &rng)
            let oneShot = parse(input, limits: limits)
            let split = parse(input, splitSize: Int.random(in: 1...9, using: &rng), limits: limits)
            #expect(split == oneShot, "iteration \(iteration): \(String(decoding: input, as: UTF8.self).debugDescription)")
            if oneShot.error != nil { errors += 1 } else if oneShot.messages.contains(where: { $0.trailers != nil }) { completed += 1 }
            if let error = oneShot.error {
                #expect([400, 414, 431, 501, 505].contains(error.status.code))
            }
        }
        // The mutations must exercise both outcomes, or the test proves nothing.
        #expect(errors > 300)
        #expect(completed > 300)
    }

    @Test func randomGarbageEndsInErrorOrNeedsMore() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<1000 {
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var parser = HTTPRequestParser()
            parser.append(contentsOf: bytes)
            var events = 0
            while events < 1000, (try? parser.next()) != nil { events += 1 }
            #expect(events < 1000)
        }
    }
}
