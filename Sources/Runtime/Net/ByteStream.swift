/// A full-duplex byte stream (a TCP connection, or an in-memory pair in tests)
/// owned by one event loop.
///
/// Threading: every member is called on ``eventLoop``'s thread, and every
/// delegate callback arrives there. A stream is not `Sendable`; move it across
/// threads inside ``LoopBound`` only.
///
/// Memory: bytes handed to ``write(_:)`` are retained until the kernel has taken
/// them. ``pendingWriteBytes`` is how a protocol applies back-pressure: a peer
/// that does not read cannot grow server memory unless the protocol lets it.
public protocol ByteStream: AnyObject {
    var eventLoop: any EventLoop { get }

    /// Receives reads, drains and the close. Held strongly by the stream until it closes.
    var delegate: (any ByteStreamDelegate)? { get set }

    /// The peer's address for logs and rate limits, e.g. `127.0.0.1`.
    var remoteAddress: String { get }

    /// Bytes accepted by ``write(_:)`` that the kernel has not taken yet.
    var pendingWriteBytes: Int { get }

    /// False once the stream is closing or closed; writes are then dropped.
    var isOpen: Bool { get }

    /// Queues `bytes` for sending, in order. The same ``SharedBytes`` may be
    /// written to many streams (a broadcast encodes once).
    func write(_ bytes: SharedBytes)

    /// Stops delivering reads (and, for TCP, stops reading from the socket).
    func pauseReading()
    func resumeReading()

    /// `.graceful` sends what is queued, then closes; `.abort` drops it and
    /// closes at once (TCP: RST). ``ByteStreamDelegate/streamDidClose(_:)`` follows.
    func close(_ mode: CloseMode)
}

public enum CloseMode: Sendable {
    case graceful
    case abort
}

extension ByteStream {
    public func write(_ bytes: [UInt8]) {
        write(SharedBytes(bytes))
    }
}

/// Callbacks from a ``ByteStream``, all on its loop thread.
public protocol ByteStreamDelegate: AnyObject {
    /// New bytes. `bytes` is valid only during the call (it points into a
    /// per-loop read buffer); copy what must be kept.
    func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer)

    /// The peer closed its sending side (EOF). The stream stays writable.
    func streamDidReachEOF(_ stream: any ByteStream)

    /// ``ByteStream/pendingWriteBytes`` fell to zero after being above zero.
    func streamDidDrain(_ stream: any ByteStream)

    /// The stream is closed; called exactly once. The delegate is released after.
    func streamDidClose(_ stream: any ByteStream)
}
