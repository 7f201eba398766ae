import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

@Suite struct WebSocketFrameCodecTests {
    static let lengths = [0, 1, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536, 70001]

    static func payload(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
    }

    static func decodeOne(_ bytes: [UInt8], requiresMask: Bool = true, max: Int = 1 << 20) throws -> WebSocketFrame? {
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: max, requiresMask: requiresMask)
        let frames = try decoder.decode(bytes)
        #expect(frames.count <= 1)
        return frames.first
    }

    static func decodeError(_ bytes: [UInt8], max: Int = 1 << 20) -> WebSocketProtocolError? {
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: max)
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: lengths)
    func serverFrameRoundTrip(length: Int) throws {
        let payload = Self.payload(length)
        let encoded = WebSocketFrameEncoder.encode(opcode: .binary, payload: payload)
        let headerLength = length <= 125 ? 2 : length <= 65535 ? 4 : 10
        #expect(encoded.count == headerLength + length)
        #expect(encoded.array[0] == 0x82)
        #expect(encoded.array[1] & 0x80 == 0, "server frames are not masked")
        let frame = try #require(try Self.decodeOne(encoded.array, requiresMask: false))
        #expect(frame == WebSocketFrame(opcode: .binary, payload: payload))
    }

    @Test(arguments: lengths)
    func maskedClientFrameEveryLengthForm(length: Int) throws {
        let payload = Self.payload(length)
        var forms: [LengthForm] = [.minimal, .sixtyFour]
        if length <= 0xFFFF { forms.append(.sixteen) }
        for form in forms {
            // Non-minimal length encodings are allowed by RFC 6455 and accepted.
            let bytes = TestClient.frame(opcode: 0x2, payload: payload, lengthForm: form)
            let frame = try #require(try Self.decodeOne(bytes))
            #expect(frame.payload == payload, "\(form)")
            #expect(frame.opcode == .binary && frame.fin)
        }
    }

    @Test func fragmentFlagsAndEncoderFin() throws {
        let first = WebSocketFrameEncoder.encode(opcode: .text, payload: Array("ab".utf8), fin: false)
        let frame = try #require(try Self.decodeOne(first.array, requiresMask: false))
        #expect(!frame.fin && frame.opcode == .text)
        let text = WebSocketFrameEncoder.encode(text: "héllo")
        #expect(try Self.decodeOne(text.array, requiresMask: false) == WebSocketFrame(opcode: .text, payload: Array("héllo".utf8)))
    }

    /// Several frames of different length forms, masked with a key that makes
    /// every unmasking phase matter, decoded from two reads split at every byte
    /// and from one byte per read.
    @Test func decodesAcrossArbitrarySplits() throws {
        let frames: [WebSocketFrame] = [
            WebSocketFrame(fin: false, opcode: .text, payload: Array(String(repeating: "héllo ", count: 25).utf8)),
            WebSocketFrame(opcode: .ping, payload: [1, 2, 3]),
            WebSocketFrame(opcode: .continuation, payload: Self.payload(13)),
            WebSocketFrame(opcode: .binary, payload: []),
            WebSocketFrame(opcode: .pong, payload: Self.payload(125)),
        ]
        let bytes = frames.flatMap { TestClient.frame(opcode: $0.opcode.rawValue, payload: $0.payload, fin: $0.fin, key: [0x01, 0x80, 0xFE, 0x7F]) }
        for split in 0...bytes.count {
            var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 1000)
            let decoded = try decoder.decode(Array(bytes[..<split])) + decoder.decode(Array(bytes[split...]))
            #expect(decoded == frames, "split at \(split)")
            #expect(decoder.isAtFrameBoundary)
        }
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 1000)
        var decoded: [WebSocketFrame] = []
        for byte in bytes { decoded += try decoder.decode([byte]) }
        #expect(decoded == frames)
    }

    @Test func partialFrameIsVisibleWhileArriving() throws {
        let bytes = TestClient.frame(opcode: 0x1, payload: Array("hello world".utf8))
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 100)
        #expect(try decoder.decode(Array(bytes[..<4])).isEmpty)
        #expect(decoder.partialHeader == nil, "mask key not complete yet")
        #expect(try decoder.decode(Array(bytes[4..<11])).isEmpty)
        #expect(decoder.partialHeader?.opcode == .text)
        #expect(decoder.partialHeader?.payloadLength == 11)
        #expect(decoder.partialPayload == Array("hello".utf8))
        #expect(try decoder.decode(Array(bytes[11...])).count == 1)
        #expect(decoder.partialHeader == nil && decoder.partialPayload.isEmpty)
    }

    @Test func unmaskMatchesBytewiseXORForEveryPhase() {
        let key: UInt32 = 0xA1B2_C3D4
        let keyBytes = withUnsafeBytes(of: key) { Array($0) }
        for phase in 0..<8 {
            for length in 0..<40 {
                var data = Self.payload(length)
                let expected = data.enumerated().map { $0.element ^ keyBytes[($0.offset + phase) % 4] }
                data.withUnsafeMutableBytes { WebSocketFrameDecoder.unmask($0, key: key, phase: phase) }
                #expect(data == expected, "phase \(phase) length \(length)")
            }
        }
    }

    static let protocolErrors: [(name: String, bytes: [UInt8])] = [
        ("unmasked client frame", TestClient.frame(opcode: 0x1, payload: [0x41], masked: false)),
        ("rsv1 without extension", TestClient.frame(opcode: 0x1, payload: [0x41], reservedBits: 0x40)),
        ("rsv2", TestClient.frame(opcode: 0x2, payload: [], reservedBits: 0x20)),
        ("rsv3 on ping", TestClient.frame(opcode: 0x9, payload: [], reservedBits: 0x10)),
        ("fragmented ping", TestClient.frame(opcode: 0x9, payload: [1], fin: false)),
        ("fragmented close", TestClient.frame(opcode: 0x8, payload: [0x03, 0xE8], fin: false)),
        ("ping of 126 bytes", TestClient.frame(opcode: 0x9, payload: payload(126))),
        ("pong with 16-bit length", TestClient.frame(opcode: 0xA, payload: payload(5), lengthForm: .sixteen)),
        ("64-bit length with high bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]),
    ] + ([3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8]).map { ("reserved opcode \($0)", TestClient.frame(opcode: $0, payload: [])) }

    @Test func protocolErrorsAre1002AndDetectedFromTheHeader() {
        for (name, bytes) in Self.protocolErrors {
            #expect(Self.decodeError(bytes)?.code == .protocolError, "\(name)")
            // The header alone (no payload yet) is enough to fail.
            let headerOnly = Array(bytes.prefix(bytes[1] & 0x7F == 127 ? 10 : 2))
            #expect(Self.decodeError(headerOnly)?.code == .protocolError, "\(name), header only")
        }
    }

    @Test func oversizedDataFrameIs1009BeforeItsPayload() {
        let limit = 1000
        // Header of a 1001-byte frame (16-bit length) plus mask, without payload.
        let header = Array(TestClient.frame(opcode: 0x2, payload: Self.payload(1001)).prefix(8))
        #expect(Self.decodeError(header, max: limit)?.code == .messageTooBig)
        let huge: [UInt8] = [0x82, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(Self.decodeError(huge, max: limit)?.code == .messageTooBig)
        #expect(Self.decodeError(TestClient.frame(opcode: 0x2, payload: Self.payload(1000)), max: limit) == nil)
        // Control frames are bounded by 125, not by the data budget.
        #expect(Self.decodeError(TestClient.frame(opcode: 0x9, payload: Self.payload(100)), max: 0) == nil)
    }

    @Test func errorsAreSticky() throws {
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 100)
        #expect(throws: WebSocketProtocolError.self) { try decoder.decode(TestClient.frame(opcode: 0x3, payload: [])) }
        #expect(throws: WebSocketProtocolError.self) { try decoder.decode(TestClient.frame(opcode: 0x1, payload: [0x41])) }
    }

    @Test func closePayloadParsing() throws {
        #expect(try WebSocketClosePayload(parsing: []) == WebSocketClosePayload(code: nil, reason: ""))
        #expect(try WebSocketClosePayload(parsing: [0x03, 0xE8] + Array("bye ✓".utf8)) == WebSocketClosePayload(code: .normalClosure, reason: "bye ✓"))
        #expect(throws: WebSocketProtocolError(.protocolError, "close frame of one byte")) { try WebSocketClosePayload(parsing: [0x03]) }
        #expect(throws: WebSocketProtocolError(.invalidPayloadData, "close reason is not UTF-8")) {
            try WebSocketClosePayload(parsing: [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80])
        }
        #expect(throws: WebSocketProtocolError(.invalidPayloadData, "close reason is not UTF-8")) {
            try WebSocketClosePayload(parsing: [0x03, 0xE8, 0xCE])
        }
    }

    @Test func closeCodeValidity() {
        let valid: [UInt16] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
        let invalid: [UInt16] = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
        #expect(valid.allSatisfy { WebSocketCloseCode($0).isValidInCloseFrame })
        #expect(invalid.allSatisfy { !WebSocketCloseCode($0).isValidInCloseFrame })
    }

    @Test func encodedCloseReasonIsCutAtACharacterBoundary() throws {
        let reason = String(repeating: "é", count: 100)  // 200 bytes
        let frame = try #require(try Self.decodeOne(WebSocketFrameEncoder.encodeClose(code: .goingAway, reason: reason).array, requiresMask: false))
        #expect(frame.payload.count == 2 + 122, "61 two-byte characters fit in 123 bytes")
        let parsed = try WebSocketClosePayload(parsing: frame.payload)
        #expect(parsed.code == .goingAway && parsed.reason == String(repeating: "é", count: 61))
    }
}
