public import RuntimeCore
/// An in-memory ``ByteStream`` for protocol tests: the test plays the peer.
///
/// ``receive(_:)`` delivers bytes as if read from the socket; what the protocol
/// writes collects in ``written``. With ``peerReads`` false the peer "does not
/// read": writes stay pending, so back-pressure can be tested.
public final class EmbeddedByteStream: ByteStream {
    public let eventLoop: any EventLoop
    public var delegate: (any ByteStreamDelegate)?
    public var remoteAddress: String
    public private(set) var isOpen = true
    public private(set) var isReadingPaused = false
    public private(set) var closeMode: CloseMode?

    /// Everything written and taken by the peer, in order.
    public var written: [UInt8] = []
    private var pending: [SharedBytes] = []

    /// When false, writes accumulate in ``pendingWriteBytes`` until ``peerReadsAll()``.
    public var peerReads = true

    public init(eventLoop: any EventLoop, remoteAddress: String = "127.0.0.1") {
        self.eventLoop = eventLoop
        self.remoteAddress = remoteAddress
    }

    public var pendingWriteBytes: Int { pending.reduce(0) { $0 + $1.count } }

    public func write(_ bytes: SharedBytes) {
        guard isOpen else { return }
        if peerReads {
            written.append(contentsOf: bytes.bytes)
        } else {
            pending.append(bytes)
        }
    }

    /// The peer reads everything pending; the delegate hears of the drain.
    public func peerReadsAll() {
        guard !pending.isEmpty else { return }
        for chunk in pending { written.append(contentsOf: chunk.bytes) }
        pending.removeAll()
        delegate?.streamDidDrain(self)
    }

    /// Returns and forgets what was written so far.
    public func takeWritten() -> [UInt8] {
        defer { written.removeAll() }
        return written
    }

    public func pauseReading() { isReadingPaused = true }
    public func resumeReading() { isReadingPaused = false }

    public func close(_ mode: CloseMode) {
        guard isOpen else { return }
        isOpen = false
        closeMode = mode
        if mode == .graceful { peerReadsAll() } else { pending.removeAll() }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.streamDidClose(self)
    }

    /// Delivers `bytes` to the delegate as one read.
    public func receive(_ bytes: [UInt8]) {
        guard isOpen else { return }
        bytes.withUnsafeBytes { delegate?.stream(self, didRead: $0) }
    }

    public func receive(_ text: String) { receive(Array(text.utf8)) }

    /// The peer half-closes.
    public func receiveEOF() {
        guard isOpen else { return }
        delegate?.streamDidReachEOF(self)
    }
}
