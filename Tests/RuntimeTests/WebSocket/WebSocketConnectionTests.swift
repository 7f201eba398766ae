import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

@Suite struct WebSocketConnectionTests {
    @Test func deliversTextAndBinaryMessages() throws {
        let h = WebSocketHarness()
        h.receive(TestClient.text("hello") + TestClient.frame(.binary, [0, 1, 255]))
        #expect(h.texts == ["hello"])
        #expect(h.binaries == [[0, 1, 255]])
        #expect(try h.output().isEmpty)
        #expect(h.connection.state == .open)
    }

    @Test func sendsUnmaskedFrames() throws {
        let h = WebSocketHarness()
        h.connection.send(text: "héllo")
        h.connection.send(binary: [9, 8])
        let shared = WebSocketFrameEncoder.encode(text: "broadcast")
        h.connection.send(frame: shared)
        #expect(try h.output() == [
            WebSocketFrame(opcode: .text, payload: Array("héllo".utf8)),
            WebSocketFrame(opcode: .binary, payload: [9, 8]),
            WebSocketFrame(opcode: .text, payload: Array("broadcast".utf8)),
        ])
    }

    @Test func leftoverBytesFromTheUpgradeAreProcessed() {
        let h = WebSocketHarness(leftover: TestClient.text("early") + Array(TestClient.text("late").prefix(3)))
        #expect(h.texts == ["early"])
        h.receive(Array(TestClient.text("late").dropFirst(3)))
        #expect(h.texts == ["early", "late"])
    }

    /// A text message in three fragments with a ping between them, delivered
    /// in two reads split at every byte, and one byte per read.
    @Test func fragmentedTextWithInterleavedPingAtEverySplit() throws {
        let text = "Hello-µ@ßöäüàá-UTF-8!! κόσμε 𝄞"
        let utf8 = Array(text.utf8)
        // Cut inside multi-byte characters on purpose: fragments need not align with characters.
        let cuts = [9, 27]
        let stream = TestClient.frame(.text, Array(utf8[..<cuts[0]]), fin: false)
            + TestClient.frame(.ping, Array("are you there".utf8))
            + TestClient.frame(.continuation, Array(utf8[cuts[0]..<cuts[1]]), fin: false)
            + TestClient.frame(.continuation, Array(utf8[cuts[1]...]), fin: true)
        var splits = (0...stream.count).map { [Array(stream[..<$0]), Array(stream[$0...])] }
        splits.append(stream.map { [$0] })
        for reads in splits {
            let h = WebSocketHarness()
            for read in reads { h.receive(read) }
            #expect(h.texts == [text])
            #expect(try h.output() == [WebSocketFrame(opcode: .pong, payload: Array("are you there".utf8))])
            #expect(h.connection.state == .open)
        }
    }

    @Test func pingIsAnsweredBeforeTheFragmentedMessageEnds() throws {
        let h = WebSocketHarness()
        h.receive(TestClient.frame(.binary, [1], fin: false) + TestClient.frame(.ping, [7, 7]))
        #expect(try h.output() == [WebSocketFrame(opcode: .pong, payload: [7, 7])])
        #expect(h.binaries.isEmpty)
        h.receive(TestClient.frame(.continuation, [2], fin: true))
        #expect(h.binaries == [[1, 2]])
    }

    // MARK: - Failures and their close codes

    static let failures: [(name: String, bytes: [UInt8], code: UInt16)] = [
        ("unmasked frame", TestClient.frame(opcode: 0x1, payload: [0x41], masked: false), 1002),
        ("rsv1", TestClient.frame(opcode: 0x1, payload: [0x41], reservedBits: 0x40), 1002),
        ("rsv3", TestClient.frame(opcode: 0x2, payload: [], reservedBits: 0x10), 1002),
        ("reserved data opcode", TestClient.frame(opcode: 0x3, payload: []), 1002),
        ("reserved control opcode", TestClient.frame(opcode: 0xB, payload: []), 1002),
        ("fragmented ping", TestClient.frame(opcode: 0x9, payload: [], fin: false), 1002),
        ("ping over 125 bytes", TestClient.frame(opcode: 0x9, payload: [UInt8](repeating: 1, count: 126)), 1002),
        ("64-bit length high bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1], 1002),
        ("continuation without start", TestClient.frame(.continuation, [1]), 1002),
        ("text during fragmented message", TestClient.text("a", fin: false) + TestClient.text("b"), 1002),
        ("binary during fragmented message", TestClient.frame(.binary, [1], fin: false) + TestClient.frame(.binary, [2]), 1002),
        ("close of one byte", TestClient.frame(.close, [0x03]), 1002),
        ("invalid UTF-8 text", TestClient.frame(.text, [0x41, 0xC0, 0x80]), 1007),
        ("text ends inside a character", TestClient.frame(.text, [0x41, 0xE2, 0x82]), 1007),
        ("fragmented text ends inside a character", TestClient.text("a", fin: false) + TestClient.frame(.continuation, [0xE2]), 1007),
        ("invalid UTF-8 close reason", TestClient.close(code: 1000, reason: [0xFF]), 1007),
        ("frame over the message limit", Array(TestClient.frame(.binary, [UInt8](repeating: 0, count: 70_000)).prefix(14)), 1009),
        ("fragments over the message limit",
         TestClient.frame(.binary, [UInt8](repeating: 0, count: 40_000), fin: false)
            + Array(TestClient.frame(.continuation, [UInt8](repeating: 0, count: 30_000)).prefix(8)), 1009),
    ] + ([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16]).map {
        ("close code \($0)", TestClient.close(code: $0), 1002)
    }

    @Test func failuresCloseWithTheirCode() throws {
        for (name, bytes, code) in Self.failures {
            let h = WebSocketHarness()
            h.receive(bytes)
            #expect(try h.closeCodeWritten() == code, "\(name)")
            #expect(h.texts.isEmpty && h.binaries.isEmpty, "\(name)")
            // Failing the connection closes TCP right after the close frame
            // (RFC 6455 §7.1.7), without waiting for the peer's answer.
            #expect(!h.stream.isOpen && h.stream.closeMode == .graceful, "\(name)")
            #expect(h.connection.state == .closed, "\(name)")
            #expect(h.closes == [WebSocketCloseCode(code)], "\(name)")
            // Nothing more is sent after the close, whatever the peer does.
            h.receive(TestClient.frame(.ping, [1]))
            h.connection.send(text: "dropped")
            #expect(try h.output().isEmpty, "\(name)")
        }
    }

    /// 1007 comes as soon as the bad byte arrives: in the first fragment of a
    /// message, and inside a frame whose payload is still incomplete.
    @Test func invalidUTF8FailsFast() throws {
        let h1 = WebSocketHarness()
        h1.receive(TestClient.text("ok", fin: false) + TestClient.frame(.continuation, [0x41, 0xED, 0xA0, 0x80, 0x41], fin: false))
        #expect(try h1.closeCodeWritten() == 1007)

        let h2 = WebSocketHarness()
        let frame = TestClient.frame(.text, Array("κόσμε".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(repeating: 0x41, count: 100))
        let badByteEnd = 2 + 4 + Array("κόσμε".utf8).count + 2  // header, mask, prefix, F4 90
        h2.receive(Array(frame[..<(badByteEnd - 1)]))
        #expect(try h2.output().isEmpty, "F4 alone may still become valid")
        h2.receive(Array(frame[(badByteEnd - 1)..<badByteEnd]))
        #expect(try h2.closeCodeWritten() == 1007)
    }

    @Test func fragmentsWithinTheLimitAreAccepted() {
        let h = WebSocketHarness(configuration: WebSocketConfiguration(maxMessageSize: 100))
        h.receive(TestClient.frame(.binary, [UInt8](repeating: 1, count: 60), fin: false)
            + TestClient.frame(.ping, [UInt8](repeating: 2, count: 125))
            + TestClient.frame(.continuation, [UInt8](repeating: 3, count: 40)))
        #expect(h.binaries.count == 1 && h.binaries[0].count == 100)
        h.receive(TestClient.frame(.binary, [UInt8](repeating: 1, count: 101)))
        #expect(h.closes == [.messageTooBig] && h.connection.state == .closed)
    }

    // MARK: - Close handshake

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func peerCloseIsEchoedAndTCPClosed(code: UInt16) throws {
        let h = WebSocketHarness()
        h.receive(TestClient.close(code: code, reason: Array("bye ✓".utf8)) + TestClient.text("after close"))
        let frames = try h.output()
        #expect(frames.count == 1)
        #expect(frames.first.flatMap(TestClient.closeCode) == code)
        #expect(!h.stream.isOpen && h.stream.closeMode == .graceful)
        #expect(h.closes == [WebSocketCloseCode(code)])
        #expect(h.texts.isEmpty)
        #expect(h.loop.pendingTimerCount == 0)
    }

    @Test func emptyPeerCloseIsAnsweredEmptyAndReportedAs1005() throws {
        let h = WebSocketHarness()
        h.receive(TestClient.frame(.close, []))
        #expect(try h.output() == [WebSocketFrame(opcode: .close, payload: [])])
        #expect(h.closes == [.noStatusReceived])
    }

    @Test func serverCloseWaitsForThePeersClose() throws {
        let h = WebSocketHarness()
        h.connection.close(code: .normalClosure, reason: "done")
        #expect(try h.output() == [WebSocketFrame(opcode: .close, payload: [0x03, 0xE8] + Array("done".utf8))])
        #expect(h.stream.isOpen, "waits for the peer's close")
        // Data the peer had in flight is discarded; its pings are not answered.
        h.receive(TestClient.text("in flight") + TestClient.frame(.ping, []))
        #expect(h.texts.isEmpty)
        h.receive(TestClient.close(code: 1000))
        #expect(try h.output().isEmpty)
        #expect(!h.stream.isOpen && h.stream.closeMode == .graceful)
        #expect(h.closes == [.normalClosure])
    }

    @Test func serverCloseTimesOutAndAborts() throws {
        let h = WebSocketHarness()
        h.connection.closeForShutdown()
        #expect(try h.closeCodeWritten() == 1001)
        h.loop.advanceTime(by: .milliseconds(4999))
        #expect(h.stream.isOpen)
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(!h.stream.isOpen && h.stream.closeMode == .abort)
        #expect(h.closes == [.goingAway])
    }

    @Test func eofWithoutCloseIs1006() {
        let h = WebSocketHarness()
        h.receive(TestClient.text("a", fin: false))
        h.stream.receiveEOF()
        #expect(!h.stream.isOpen)
        #expect(h.closes == [.abnormalClosure])
        #expect(h.loop.pendingTimerCount == 0)
        h.connection.send(text: "after close")
        h.connection.close()
        #expect(h.closes.count == 1, "onClose runs once")
    }

    @Test func callbacksMayCloseReentrantly() throws {
        let h = WebSocketHarness()
        h.connection.onText = { [unowned h] text in
            h.texts.append(text)
            h.connection.close(code: .policyViolation)
        }
        h.receive(TestClient.text("first") + TestClient.text("second"))
        #expect(h.texts == ["first"])
        #expect(try h.closeCodeWritten() == 1008)
    }
}
