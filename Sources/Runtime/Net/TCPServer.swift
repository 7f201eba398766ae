import Synchronization

/// A TCP server over an ``EventLoopGroup``: one listener per loop, each
/// connection handed, on its loop thread, to `initialize` (which sets its
/// delegate, e.g. an HTTP connection).
///
/// Shutdown, done once and in order: stop accepting on every loop; ask every
/// connection's delegate to wind down (``GracefulShutdownParticipant``), or
/// close it if it cannot; wait until all are closed or the grace period ends;
/// abort what is left.
public final class TCPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var backlog: Int32 = 1024
        /// Across the whole server; each loop takes an equal share.
        public var maxConnections: Int = 250_000

        public init(host: String = "127.0.0.1", port: Int = 8080) {
            self.host = host
            self.port = port
        }
    }

    public let group: EventLoopGroup
    public let configuration: Configuration
    private let listeners = Mutex<[LoopBound<TCPListener>]>([])

    public init(group: EventLoopGroup, configuration: Configuration) {
        self.group = group
        self.configuration = configuration
    }

    /// Binds and starts accepting; returns the bound address (with the chosen
    /// port when the configured port is 0).
    public func start(_ initialize: @escaping @Sendable (any ByteStream) -> Void) async throws -> SocketAddress {
        var address = try SocketAddress(host: configuration.host, port: configuration.port)
        let perLoop = max(1, configuration.maxConnections / group.loops.count)
        for loop in group.loops {
            let bindAddress = address
            let bound = try await loop.submit { () throws -> LoopBound<TCPListener> in
                let listener = try TCPListener(
                    loop: loop, address: bindAddress, backlog: self.configuration.backlog,
                    maxConnections: perLoop, onAccept: { initialize($0) })
                return LoopBound(listener, eventLoop: loop)
            }
            listeners.withLock { $0.append(bound) }
            if address.port == 0 {
                address = try await loop.submit { bound.value.localAddress }
            }
        }
        return address
    }

    /// Open connections on all loops (for metrics and tests).
    public func connectionCount() async -> Int {
        var total = 0
        for bound in listeners.withLock({ $0 }) {
            total += (try? await bound.eventLoop.submit { bound.value.connectionCount }) ?? 0
        }
        return total
    }

    /// Stops accepting, winds connections down, and returns once every
    /// connection is closed (aborting stragglers after `gracePeriod`).
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let all = listeners.withLock { $0 }
        await withTaskGroup(of: Void.self) { tasks in
            for bound in all {
                tasks.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        bound.eventLoop.execute {
                            let listener = bound.value
                            listener.stopListening()
                            for connection in listener.liveConnections {
                                if let participant = connection.delegate as? any GracefulShutdownParticipant {
                                    participant.beginShutdown()
                                } else {
                                    connection.close(.graceful)
                                }
                            }
                            let deadline = bound.eventLoop.scheduleTimer(after: gracePeriod) {
                                for connection in bound.value.liveConnections { connection.close(.abort) }
                            }
                            listener.whenAllClosed {
                                deadline.cancel()
                                done.resume()
                            }
                        }
                    }
                }
            }
        }
    }
}
