import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

/// Heartbeat, idle timeout and the slow-consumer bound.
@Suite struct WebSocketLivenessTests {
    @Test func pingsEvery15SecondsAndClosesAfter45SecondsOfSilence() throws {
        let h = WebSocketHarness()
        h.loop.advanceTime(by: .milliseconds(14_999))
        #expect(try h.output().isEmpty)
        h.loop.advanceTime(by: .milliseconds(1))
        #expect(try h.output() == [WebSocketFrame(opcode: .ping, payload: [])])
        h.loop.advanceTime(by: .seconds(15))
        #expect(try h.output() == [WebSocketFrame(opcode: .ping, payload: [])])
        h.loop.advanceTime(by: .seconds(15))
        #expect(try h.closeCodeWritten() == 1001)
        #expect(h.connection.state == .closing)
        // A dead peer never answers: the TCP connection is aborted.
        h.loop.advanceTime(by: .seconds(5))
        #expect(!h.stream.isOpen && h.stream.closeMode == .abort)
        #expect(h.closes == [.goingAway])
        #expect(h.loop.pendingTimerCount == 0)
    }

    @Test func anythingReceivedCountsAsLife() throws {
        let h = WebSocketHarness()
        h.loop.advanceTime(by: .seconds(40))
        h.receive(TestClient.frame(.pong, []))
        h.loop.advanceTime(by: .seconds(44))
        #expect(h.connection.state == .open, "silent for 44 s only")
        let pings = try h.output().filter { $0.opcode == .ping }.count
        #expect(pings == 5, "pings at 15, 30, 45, 60, 75 s")
        h.loop.advanceTime(by: .seconds(1))
        #expect(try h.closeCodeWritten() == 1001)
    }

    @Test func idleConnectionKeepsOneTimer() {
        let loop = EmbeddedEventLoop()
        let connections = (0..<3).map { _ in WebSocketHarness(loop: loop) }
        #expect(loop.pendingTimerCount == 3)
        loop.advanceTime(by: .seconds(30))
        #expect(loop.pendingTimerCount == 3)
        for h in connections { h.connection.close() }
        loop.advanceTime(by: .seconds(5))
        #expect(loop.pendingTimerCount == 0)
        #expect(connections.allSatisfy { $0.closes == [.normalClosure] })
    }

    /// A watcher that stops reading is closed with 1008 once its unsent data
    /// would pass 1 MiB, while a watcher on the same loop gets every message.
    @Test func slowConsumerIsClosedWithoutHurtingOthers() throws {
        let loop = EmbeddedEventLoop()
        let slow = WebSocketHarness(loop: loop)
        let fast = WebSocketHarness(loop: loop)
        slow.stream.peerReads = false
        let message = WebSocketFrameEncoder.encode(opcode: .binary, payload: [UInt8](repeating: 7, count: 300_000))
        for _ in 0..<3 {
            slow.connection.send(frame: message)
            fast.connection.send(frame: message)
        }
        #expect(slow.connection.state == .open, "900 kB pending is within the bound")
        slow.connection.send(frame: message)
        fast.connection.send(frame: message)
        #expect(slow.connection.state == .closing)
        #expect(slow.stream.pendingWriteBytes < 400_000, "queued messages were dropped; only the one the stream held and the close remain")
        // More broadcasts: the slow one drops them, the fast one keeps receiving.
        for _ in 0..<3 {
            slow.connection.send(frame: message)
            fast.connection.send(frame: message)
        }
        let received = try fast.output()
        #expect(received.count == 7 && received.allSatisfy { $0.payload.count == 300_000 })
        // The slow peer does not catch up within the grace: aborted, queue dropped.
        loop.advanceTime(by: .seconds(2))
        #expect(!slow.stream.isOpen && slow.stream.closeMode == .abort)
        #expect(slow.closes == [.policyViolation])
        #expect(fast.connection.state == .open && fast.closes.isEmpty)
    }

    @Test func slowConsumerThatCatchesUpSeesThe1008Close() throws {
        let h = WebSocketHarness(configuration: WebSocketConfiguration(maxOutboundBytes: 1000))
        h.stream.peerReads = false
        h.connection.send(binary: [UInt8](repeating: 1, count: 600))
        h.connection.send(binary: [UInt8](repeating: 2, count: 600))
        #expect(h.connection.state == .closing)
        h.stream.peerReadsAll()
        let frames = try h.output()
        #expect(frames.map(\.opcode) == [.binary, .close])
        #expect(frames.last.flatMap(TestClient.closeCode) == 1008)
        // Once the close is out, the server closes TCP first, without waiting.
        #expect(!h.stream.isOpen && h.stream.closeMode == .graceful)
        #expect(h.closes == [.policyViolation])
    }

    /// Messages queued behind a slow peer are dropped when it is found too
    /// slow, so its 1008 arrives right after what the stream already held.
    @Test func slowConsumerHearsTheCloseBeforeQueuedMessages() throws {
        let h = WebSocketHarness(configuration: WebSocketConfiguration(maxOutboundBytes: 500_000))
        h.stream.peerReads = false
        let message = WebSocketFrameEncoder.encode(opcode: .binary, payload: [UInt8](repeating: 3, count: 100_000))
        for _ in 0..<5 { h.connection.send(frame: message) }
        #expect(h.connection.state == .closing)
        h.stream.peerReadsAll()
        let frames = try h.output()
        #expect(frames.map(\.opcode) == [.binary, .close], "the four queued messages were dropped")
        #expect(frames.last.flatMap(TestClient.closeCode) == 1008)
        #expect(h.closes == [.policyViolation])
    }

    @Test func pingsCountAgainstTheOutboundBound() throws {
        let h = WebSocketHarness(configuration: WebSocketConfiguration(maxOutboundBytes: 100))
        h.stream.peerReads = false
        h.connection.send(binary: [UInt8](repeating: 1, count: 97))  // 99 bytes queued
        h.loop.advanceTime(by: .seconds(15))
        #expect(h.connection.state == .closing, "the ping would pass the bound")
    }
}
