import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("HTTP server connection: pipelining, timeouts, back-pressure, shutdown, upgrade")
struct ConnectionFlowTests {
    @Test func pipelinedResponsesKeepRequestOrderWhenTheFirstHandlerIsSlow() async throws {
        let gate = Gate()
        let log = EventLog()
        var router = Router()
        router.add(.get, "/slow") { _ in
            log.append("slow started")
            await gate.wait()
            log.append("slow finished")
            return .text("slow")
        }
        router.add(.get, "/fast") { _ in
            log.append("fast")
            return .text("fast")
        }
        router.addSync(.get, "/sync") { _ in
            log.append("sync")
            return .text("sync")
        }
        let harness = ConnectionHarness(router: router)
        harness.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /sync HTTP/1.1\r\nHost: x\r\n\r\n")
        await harness.loop.run { log.entries == ["slow started"] }
        // The later requests are not even started while the first is answered.
        #expect(harness.stream.written.isEmpty)
        await gate.open()
        await harness.loop.run { harness.responses().count == 3 }
        #expect(harness.responses().map(\.bodyText) == ["slow", "fast", "sync"])
        #expect(log.entries == ["slow started", "slow finished", "fast", "sync"])
        #expect(harness.records.records.map(\.requestID) == ["req-1", "req-2", "req-3"])
    }

    @Test func asyncHandlerReceivesTheRequest() async throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /async-echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        await harness.loop.run { !harness.stream.written.isEmpty }
        let response = try #require(harness.responses().first)
        #expect(response.status == 201)
        #expect(response.bodyText == "abcde")
    }

    @Test func slowHeadIsAnswered408() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHo")
        harness.loop.advanceTime(by: .seconds(9))
        harness.send("st: x\r\n")  // a trickle must not restart the clock
        #expect(harness.stream.isOpen)
        harness.loop.advanceTime(by: .seconds(1))
        let response = try #require(harness.responses().first)
        #expect(response.status == 408)
        #expect(response.bodyText.contains("request_timeout"))
        #expect(!harness.stream.isOpen)
    }

    @Test func silentNewConnectionClosesWithoutAResponse() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.loop.advanceTime(by: .seconds(10))
        #expect(!harness.stream.isOpen)
        #expect(harness.stream.written.isEmpty)
    }

    @Test func idleKeepAliveClosesSilentlyAfterIdleTimeout() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let written = harness.stream.written.count
        harness.loop.advanceTime(by: .seconds(59))
        #expect(harness.stream.isOpen)
        harness.loop.advanceTime(by: .seconds(1))
        #expect(!harness.stream.isOpen)
        #expect(harness.stream.written.count == written)
        #expect(harness.loop.pendingTimerCount == 0)
    }

    @Test func nextRequestStartedAfterIdleGetsTheHeaderTimeout() {
        let harness = ConnectionHarness(router: echoRouter()) { $0.idleTimeout = .seconds(60) }
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.loop.advanceTime(by: .seconds(30))
        harness.send("GET /hel")
        harness.loop.advanceTime(by: .seconds(10))
        #expect(harness.responses().map(\.status) == [200, 408])
    }

    @Test func slowBodyIsAnswered408() {
        let harness = ConnectionHarness(router: echoRouter()) { $0.bodyTimeout = .seconds(5) }
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
        harness.loop.advanceTime(by: .seconds(5))
        #expect(harness.responses().map(\.status) == [408])
        #expect(!harness.stream.isOpen)
    }

    @Test func readingPausesWhileOutputIsCongestedAndResumesOnDrain() {
        var router = Router()
        router.addSync(.get, "/big") { _ in Response(body: Array(repeating: 0x61, count: 1000)) }
        let harness = ConnectionHarness(router: router) { $0.writeHighWaterMark = 1500 }
        harness.stream.peerReads = false
        let request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n"
        harness.send(String(repeating: request, count: 5))
        // Two responses exceed the mark: the rest wait, and reading stops.
        #expect(harness.records.records.count == 2)
        #expect(harness.stream.isReadingPaused)
        harness.stream.peerReadsAll()
        harness.loop.run()
        #expect(harness.records.records.count == 4)
        harness.stream.peerReadsAll()
        harness.loop.run()
        #expect(harness.records.records.count == 5)
        #expect(!harness.stream.isReadingPaused)
        harness.stream.peerReadsAll()
        #expect(harness.responses().count == 5)
    }

    @Test func readingPausesWhilePipelinedInputPilesUpBehindAHandler() async {
        let gate = Gate()
        var router = Router()
        router.add(.get, "/wait") { _ in
            await gate.wait()
            return .noContent
        }
        let harness = ConnectionHarness(router: router) { $0.maxBufferedInputBytes = 100 }
        harness.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.send(String(repeating: "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n", count: 4))
        #expect(harness.stream.isReadingPaused)
        await gate.open()
        await harness.loop.run { harness.responses().count == 5 }
        #expect(!harness.stream.isReadingPaused)
    }

    @Test func shutdownClosesIdleConnectionsAtOnce() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.connection.beginShutdown()
        #expect(!harness.stream.isOpen)
        #expect(harness.responses().count == 1)
    }

    @Test func shutdownFinishesTheInFlightRequestWithConnectionClose() async {
        let gate = Gate()
        var router = Router()
        router.add(.get, "/wait") { _ in
            await gate.wait()
            return .text("done")
        }
        let harness = ConnectionHarness(router: router)
        harness.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\nGET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.connection.beginShutdown()
        #expect(harness.stream.isOpen)
        await gate.open()
        await harness.loop.run { !harness.stream.isOpen }
        let responses = harness.responses()
        #expect(responses.map(\.bodyText) == ["done"])
        #expect(responses.first?.headers["Connection"] == "close")
    }

    @Test func handlerFinishingAfterTheClientLeftIsRecordedWithNoBytes() async {
        let gate = Gate()
        var router = Router()
        router.add(.get, "/wait") { _ in
            await gate.wait()
            return .text("late")
        }
        let harness = ConnectionHarness(router: router)
        harness.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.stream.close(.abort)
        await gate.open()
        await harness.loop.run { harness.records.records.count == 1 }
        #expect(harness.records.records.first?.responseBytes == 0)
        #expect(harness.records.records.first?.route == "/wait")
        #expect(harness.stream.written.isEmpty)
    }

    @Test func halfClosedPeerStillGetsItsPipelinedAnswers() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.stream.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /devices/9 HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.stream.receiveEOF()
        harness.loop.run()
        #expect(harness.responses().map(\.bodyText) == ["hello", "device 9"])
        #expect(!harness.stream.isOpen)
    }

    @Test func upgradeHandsTheStreamOverWithLeftoverBytes() throws {
        final class Taker: ByteStreamDelegate {
            var leftover: [UInt8] = []
            var reads: [[UInt8]] = []
            func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) { reads.append(Array(bytes)) }
            func streamDidReachEOF(_ stream: any ByteStream) {}
            func streamDidDrain(_ stream: any ByteStream) {}
            func streamDidClose(_ stream: any ByteStream) {}
        }
        let taker = LoopBoundBox<Taker>()
        var router = Router()
        router.addSync(.get, "/ws") { _ in
            .switchingProtocols(headers: ["Upgrade": "websocket", "Connection": "Upgrade"]) { stream, leftover in
                let delegate = Taker()
                delegate.leftover = leftover
                stream.delegate = delegate
                taker.set(delegate)
            }
        }
        let harness = ConnectionHarness(router: router)
        harness.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{1}\u{2}")
        let response = try #require(harness.responses().first)
        #expect(response.status == 101)
        #expect(response.headers["Upgrade"] == "websocket")
        #expect(response.headers["Content-Length"] == nil)
        let delegate = try #require(taker.get())
        #expect(delegate.leftover == [1, 2])
        #expect(harness.stream.delegate === delegate)
        harness.stream.receive([3])
        #expect(delegate.reads == [[3]])
        harness.loop.advanceTime(by: .seconds(120))
        #expect(harness.stream.isOpen)  // the HTTP timers are gone
    }
}

/// Hands a non-Sendable object from a `@Sendable` hook back to the test; the
/// embedded loop runs everything on the test's thread.
final class LoopBoundBox<T: AnyObject>: @unchecked Sendable {
    private var value: T?
    func set(_ value: T) { self.value = value }
    func get() -> T? { value }
}
