import Foundation
import Testing
@testable import RuntimeCore

/// Echoes every read back; half-closes on EOF.
private final class EchoDelegate: ByteStreamDelegate, GracefulShutdownParticipant {
    func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
        stream.write(SharedBytes(bytes))
    }
    func streamDidReachEOF(_ stream: any ByteStream) { stream.close(.graceful) }
    func streamDidDrain(_ stream: any ByteStream) {}
    func streamDidClose(_ stream: any ByteStream) {}
    func beginShutdown() {}
}

@Suite("TCP server over real sockets")
struct TCPServerTests {
    @Test func echoesOnIPv4AndIPv6AndShutsDown() async throws {
        let group = EventLoopGroup(threads: 2)
        defer { group.shutdown() }
        for host in ["127.0.0.1", "::1"] {
            let server = TCPServer(group: group, configuration: .init(host: host, port: 0))
            let address = try await server.start { $0.delegate = EchoDelegate() }
            #expect(address.port > 0)
            let reply = try await blocking {
                let socket = try BlockingSocket(host: host, port: address.port)
                defer { socket.close() }
                try socket.send("hello, loop")
                return String(decoding: try socket.receive(count: 11), as: UTF8.self)
            }
            #expect(reply == "hello, loop")
            await server.shutdown(gracePeriod: .milliseconds(200))
            #expect(await server.connectionCount() == 0)
        }
    }

    @Test func manyConnectionsAndAbortivePeersLeaveNothingOpen() async throws {
        let group = EventLoopGroup(threads: 2)
        defer { group.shutdown() }
        let server = TCPServer(group: group, configuration: .init(host: "127.0.0.1", port: 0))
        let address = try await server.start { $0.delegate = EchoDelegate() }
        let port = address.port
        try await blocking {
            for round in 0..<500 {
                let socket = try BlockingSocket(port: port)
                try socket.send("x\(round)")
                _ = try socket.receiveSome()
                if round % 2 == 0 { socket.reset() } else { socket.shutdownWrite(); _ = try socket.receiveUntilClose(); socket.close() }
            }
        }
        // Closing is asynchronous on the server side: drain until every close callback ran.
        await server.shutdown(gracePeriod: .seconds(5))
        #expect(await server.connectionCount() == 0)
    }

    @Test func executorRunsTasksOnTheLoopThread() async throws {
        let group = EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let onLoop = await Task(executorPreference: loop.executor) { loop.inEventLoop }.value
        #expect(onLoop)
        let offLoop = loop.inEventLoop
        #expect(!offLoop)
    }
}
