/// Limits and timers of one ``WebSocketConnection``. The defaults are the
/// wire contract's: ping every 15 s, close after 45 s of silence, 1 MiB of
/// unsent data before a watcher is dropped as too slow.
public struct WebSocketConfiguration: Sendable {
    /// Largest message accepted from the peer, reassembled; above it the
    /// connection closes with 1009. Also bounds the memory one connection can
    /// make the server hold for input.
    public var maxMessageSize: Int
    /// Largest amount of unsent data (``ByteStream/pendingWriteBytes``) a send
    /// may leave queued; a send beyond it closes the connection with 1008.
    public var maxOutboundBytes: Int
    /// How often the server pings.
    public var pingInterval: Duration
    /// How long the peer may send nothing (no frame, not even a pong) before
    /// the server closes with 1001.
    public var idleTimeout: Duration
    /// How long to wait for the peer's close frame after sending ours before
    /// aborting the TCP connection.
    public var closeTimeout: Duration
    /// How long a peer closed as too slow (1008) gets to read what is queued
    /// before the TCP connection is aborted and the queue dropped.
    public var slowConsumerGrace: Duration

    public init(
        maxMessageSize: Int = 64 * 1024,
        maxOutboundBytes: Int = 1 << 20,
        pingInterval: Duration = .seconds(15),
        idleTimeout: Duration = .seconds(45),
        closeTimeout: Duration = .seconds(5),
        slowConsumerGrace: Duration = .seconds(2)
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxOutboundBytes = maxOutboundBytes
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
        self.closeTimeout = closeTimeout
        self.slowConsumerGrace = slowConsumerGrace
    }
}

extension Duration {
    /// Whole milliseconds, rounded down; negative durations count as zero.
    var wholeMilliseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
