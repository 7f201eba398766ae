import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

/// Seeded pseudo-random hostile input: the decoder and the connection must
/// never crash, and must behave the same however the input is split.
@Suite struct WebSocketFuzzTests {
    enum Outcome: Equatable {
        case frames([WebSocketFrame], atBoundary: Bool)
        case failed([WebSocketFrame], WebSocketCloseCode)
    }

    /// Decodes `bytes` as the given reads; frames before an error count too.
    static func decode(_ bytes: [UInt8], splits: [Int], max: Int = 4096) -> Outcome {
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: max)
        var frames: [WebSocketFrame] = []
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            var failure: WebSocketProtocolError?
            bytes[start..<end].withUnsafeBytes { buffer in
                var input = buffer
                do throws(WebSocketProtocolError) {
                    while let frame = try decoder.nextFrame(from: &input) { frames.append(frame) }
                } catch {
                    failure = error
                }
            }
            if let failure { return .failed(frames, failure.code) }
            start = end
        }
        return .frames(frames, atBoundary: decoder.isAtFrameBoundary)
    }

    static func randomSplits(_ count: Int, using random: inout SeededGenerator) -> [Int] {
        guard count > 0 else { return [] }
        return (0..<Int.random(in: 0...4, using: &random)).map { _ in Int.random(in: 0...count, using: &random) }.sorted()
    }

    /// Valid masked client frames of random kinds, to mutate.
    static func validStream(using random: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let opcode = [WebSocketOpcode.text, .binary, .continuation, .ping, .pong, .close].randomElement(using: &random)!
            let length = opcode.isControl ? Int.random(in: 0...125, using: &random) : [0, 5, 125, 126, 300].randomElement(using: &random)!
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let key = (0..<4).map { _ in UInt8.random(in: 0...255, using: &random) }
            let form: LengthForm = [.minimal, .minimal, .sixteen, .sixtyFour].randomElement(using: &random)!
            bytes += TestClient.frame(opcode: opcode.rawValue, payload: payload, fin: opcode.isControl || Bool.random(using: &random), key: key, lengthForm: form)
        }
        return bytes
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SeededGenerator) {
        for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.remove(at: index)
            default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            }
        }
    }

    @Test func decoderIsSplitIndependentOnRandomAndMutatedInput() {
        var random = SeededGenerator(seed: 0xF00D_CAFE)
        var outcomes = (frames: 0, failures: 0)
        for round in 0..<1000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = Self.validStream(using: &random)
                if round % 3 == 2 { Self.mutate(&bytes, using: &random) }
            }
            let whole = Self.decode(bytes, splits: [])
            let split = Self.decode(bytes, splits: Self.randomSplits(bytes.count, using: &random))
            #expect(whole == split, "round \(round): \(bytes)")
            switch whole {
            case .frames(let frames, _):
                outcomes.frames += 1
                #expect(frames.allSatisfy { !$0.opcode.isControl || ($0.fin && $0.payload.count <= 125) })
                if round % 3 == 1 { #expect(whole == .frames(frames, atBoundary: true), "unmutated streams decode fully") }
            case .failed(_, let code):
                outcomes.failures += 1
                #expect(code == .protocolError || code == .messageTooBig)
            }
        }
        #expect(outcomes.frames > 100 && outcomes.failures > 100, "the generator exercises both paths: \(outcomes)")
    }

    /// Whole connections fed mutated streams: never crash, end in a sane
    /// state, and any close they send carries a code from the protocol.
    @Test func connectionSurvivesMutatedStreams() throws {
        var random = SeededGenerator(seed: 0xDEC0_DED5)
        let codes: Set<UInt16> = [1000, 1001, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1011]
        for _ in 0..<300 {
            let h = WebSocketHarness(configuration: WebSocketConfiguration(maxMessageSize: 512))
            var bytes = Self.validStream(using: &random) + Self.validStream(using: &random)
            Self.mutate(&bytes, using: &random)
            var start = 0
            for end in Self.randomSplits(bytes.count, using: &random) + [bytes.count] where end >= start {
                h.receive(Array(bytes[start..<end]))
                start = end
            }
            let frames = try h.output()
            for frame in frames {
                #expect(frame.opcode == .pong || frame.opcode == .close)
                if frame.opcode == .close, let code = TestClient.closeCode(frame) { #expect(codes.contains(code) || (3000...4999).contains(code)) }
            }
            #expect(h.closes.count <= 1)
            h.stream.receiveEOF()
            h.loop.advanceTime(by: .seconds(60))
            #expect(h.closes.count == 1 && !h.stream.isOpen)
            #expect(h.loop.pendingTimerCount == 0)
        }
    }
}
