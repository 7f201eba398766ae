import Actors
import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `broadcast`: one 200-byte text message to N WebSockets through the
/// server's own path — ``BroadcastActor`` fanning one encoded frame out to
/// ``WebSocketConnection``s grouped by loop, over real loopback TCP — timed
/// from `publish` to the last client's receipt.
///
/// In-process: the server side (our TCPServer, HTTP upgrade, WebSocket
/// connections) runs on its own loops, the clients on others; on a 2-core
/// machine both share the cores, so the figure includes the clients' reads.
enum Broadcast {
    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let requested = options.int("connections", smoke ? 200 : 10_000)
        let rounds = options.int("rounds", smoke ? 5 : 20)
        // Both ends live in this process: two descriptors per connection.
        let fileLimit = ProcStatus.raiseFileLimit(to: 1_048_576)
        let count = min(requested, (fileLimit - 256) / 2)
        var report = BenchReport(name: "broadcast", columns: [
            "connections", "rounds", "bytes", "first_p50_us", "last_p50_us", "last_p99_us", "last_max_us", "delivered",
        ])
        if count < requested {
            report.notes.append("RLIMIT_NOFILE \(fileLimit) allows \(count) of the \(requested) connections requested (two fds each, in one process)")
        }
        let serverGroup = EventLoopGroup(threads: 2)
        // The publisher's executor is one of the server's loops, as a job's is.
        let actor = BroadcastActor(executor: serverGroup.loops[0].executor)
        let nextID = Atomic<UInt64>(0)
        let attached = Atomic<Int>(0)
        var router = Router()
        router.get("/ws") { request in
            let handshake = WebSocketHandshake.validate(
                method: request.method.rawValue, upgrade: request.headers["Upgrade"], connection: request.headers["Connection"],
                key: request.headers["Sec-WebSocket-Key"], version: request.headers["Sec-WebSocket-Version"])
            guard case .accept = handshake else { return Response(status: .badRequest) }
            var headers = HTTPHeaders()
            for (name, value) in handshake.responseHeaders { headers.add(name: name, value: value) }
            return Response.switchingProtocols(headers: headers) { stream, leftover in
                let connection = WebSocketConnection(stream: stream, leftover: leftover)
                connection.start()
                let sink = LoopBound<any BroadcastSubscriber>(connection, eventLoop: stream.eventLoop)
                let id = nextID.add(1, ordering: .relaxed).newValue
                Task { @Sendable in
                    await actor.add(id: id, subscriber: sink, first: WebSocketFrameEncoder.encode(text: "{\"type\":\"snapshot\"}"))
                    attached.add(1, ordering: .relaxed)
                }
            }
        }
        let routes = router
        let server = TCPServer(group: serverGroup, configuration: .init(host: "127.0.0.1", port: 0))
        let address = try await server.start { stream in
            let connection = HTTPServerConnection(stream: stream, router: routes, configuration: HTTPServerConfiguration())
            stream.delegate = connection
            connection.start()
        }
        let clients = ClientSide(endpoint: ServerEndpoint(host: "127.0.0.1", port: address.port), threads: 2, setupConnections: 1)
        let received = Mutex<(count: Int, first: UInt64, last: UInt64)>((0, .max, 0))
        try await concurrentForEach(count, limit: 256) { index in
            let loop = clients.loop(index)
            let stream = try await ClientTCPConnection.connect(host: "127.0.0.1", port: address.port,
                                                               sourceHost: SourceAddresses.forConnection(index), on: loop)
            let opened: Bool = await withCheckedContinuation { continuation in
                loop.execute {
                    let once = Once(continuation)
                    let client = WebSocketClient(stream: stream.value, path: "/ws")
                    client.onOpen = { _, failure in if failure != nil { once.resume(false) } }
                    client.onText = { bytes, at in
                        if bytes.count < 100 { once.resume(true); return }
                        received.withLock { state in
                            state.count += 1
                            state.first = min(state.first, at)
                            state.last = max(state.last, at)
                        }
                    }
                    _ = client  // retained by its stream (the delegate) until it closes
                }
            }
            if !opened { throw BenchError("WebSocket \(index) did not open") }
        }
        _ = await waitUntil(seconds: 30) { attached.load(ordering: .relaxed) == count }
        let payload = "{\"type\":\"progress\",\"job_id\":1,\"position\":0,\"frasco_index\":0,\"status\":\"ok\",\"dispensed_mg\":1,\"error\":\""
        let message = payload + String(repeating: "x", count: 200 - payload.utf8.count - 2) + "\"}"
        let frame = WebSocketFrameEncoder.encode(text: message)
        var first = HDRHistogram.latency()
        var last = HDRHistogram.latency()
        var delivered = 0
        for _ in 0..<rounds {
            received.withLock { $0 = (0, .max, 0) }
            let start = monotonicNanos()
            await actor.publish(frame)
            let complete = await waitUntil(seconds: 10) { received.withLock { $0.count } == count }
            let state = received.withLock { $0 }
            delivered += state.count
            report.check(complete, "a round delivered \(state.count) of \(count)")
            if state.count > 0 {
                first.record(state.first - start)
                last.record(state.last - start)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        report.add([
            "connections": count, "rounds": rounds, "bytes": message.utf8.count,
            "first_p50_us": Double(first.valueAtPercentile(50)) / 1000, "last_p50_us": Double(last.valueAtPercentile(50)) / 1000,
            "last_p99_us": Double(last.valueAtPercentile(99)) / 1000, "last_max_us": Double(last.max) / 1000,
            "delivered": delivered,
        ])
        report.check(delivered == count * rounds, "delivered \(delivered) of \(count * rounds)")
        await server.shutdown(gracePeriod: .seconds(2))
        serverGroup.shutdown()
        return report.finish()
    }

}
