public import RuntimeCore
public import RuntimeSupport
public import RuntimeHTTP
/// One server-side WebSocket (RFC 6455) on a ``ByteStream``, after the HTTP
/// upgrade: decodes and reassembles messages, answers pings, runs the close
/// handshake, pings on a timer and drops idle and too-slow peers.
///
/// Lifecycle: the HTTP layer answers 101, then on the loop thread creates the
/// connection with the stream and the bytes it read past the request, sets
/// the callbacks and calls ``start()``, which takes over as the stream's
/// delegate. ``onClose`` runs exactly once, when the stream has closed; the
/// callbacks are released after it, so they may capture the connection.
///
/// Threading: every member is used on the stream's loop thread, and every
/// callback runs there. Move a connection across threads only in a ``LoopBound``.
///
/// Memory: an idle connection holds no buffers; only a partial frame or an
/// open fragmented message is buffered, bounded by
/// ``WebSocketConfiguration/maxMessageSize``. Outbound data is bounded by
/// ``WebSocketConfiguration/maxOutboundBytes``: a peer that does not read is
/// closed with 1008, so it can neither grow server memory nor slow the
/// connections that share its loop (writes never block).
///
/// Heartbeat: one timer, re-armed. Every ``WebSocketConfiguration/pingInterval``
/// the server pings; once nothing at all has been received for
/// ``WebSocketConfiguration/idleTimeout`` it sends close 1001 ("idle timeout"),
/// and aborts the TCP connection if no close comes back within
/// ``WebSocketConfiguration/closeTimeout``.
public final class WebSocketConnection: ByteStreamDelegate {
    public enum State: Equatable, Sendable {
        /// Created; ``start()`` not called yet.
        case idle
        case open
        /// A close frame was sent; waiting for the peer's (or the deadline).
        case closing
        case closed
    }

    public let stream: any ByteStream
    public let configuration: WebSocketConfiguration
    public private(set) var state: State = .idle

    /// A complete text message (valid UTF-8).
    public var onText: ((String) -> Void)?
    /// A complete binary message.
    public var onBinary: (([UInt8]) -> Void)?
    /// The connection is over: the peer's close code (1005 if its close frame
    /// had none), the code this side closed with, or 1006 when the TCP
    /// connection ended without a close handshake.
    public var onClose: ((WebSocketCloseCode) -> Void)?

    /// The peer was found too slow to read and is being closed with 1008
    /// (called once, when that is decided; ``onClose`` follows later).
    public var onSlowConsumer: (() -> Void)?

    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler
    private var leftover: [UInt8]
    /// The code ``onClose`` reports, fixed by whichever side closed first.
    private var closeCode: WebSocketCloseCode?
    /// False after a framing error: the rest of the input is unreadable.
    private var framingIntact = true
    private var lastReceivedAt: UInt64 = 0
    /// The heartbeat while open; the close deadline while closing.
    private var timer: (any LoopTimer)?

    /// Frames waiting for the stream to take them (see ``enqueue(_:)``).
    private var outbox: [SharedBytes] = []
    private var outboxBytes = 0
    /// Set when this side failed the connection: the TCP connection closes as
    /// soon as the close frame has been handed to the kernel.
    private var closesTransportWhenDrained = false

    /// How much unsent data the stream itself may hold; beyond it frames wait
    /// in the outbox, where they can still be dropped.
    static let streamQueueTarget = 64 * 1024

    /// One ping frame shared by every connection.
    private static let pingFrame = WebSocketFrameEncoder.encode(opcode: .ping, payload: [UInt8]())

    /// Must be called on `stream`'s loop thread. `leftover` holds bytes read
    /// past the upgrade request (the client may send frames right after it).
    public init(stream: any ByteStream, leftover: [UInt8] = [], configuration: WebSocketConfiguration = WebSocketConfiguration()) {
        stream.eventLoop.assertInEventLoop()
        self.stream = stream
        self.leftover = leftover
        self.configuration = configuration
        self.decoder = WebSocketFrameDecoder(maxDataPayloadLength: configuration.maxMessageSize)
        self.assembler = WebSocketMessageAssembler(maxMessageSize: configuration.maxMessageSize)
    }

    public var eventLoop: any EventLoop { stream.eventLoop }

    /// Becomes the stream's delegate, handles the leftover bytes and starts
    /// the heartbeat. Call once, after setting the callbacks.
    public func start() {
        eventLoop.assertInEventLoop()
        precondition(state == .idle, "start() called twice")
        state = .open
        stream.delegate = self
        lastReceivedAt = eventLoop.nowMilliseconds
        armTimer(after: configuration.pingInterval)
        guard !leftover.isEmpty else { return }
        var bytes: [UInt8] = []
        swap(&bytes, &leftover)
        bytes.withUnsafeBytes { received($0) }
    }

    // MARK: - Sending

    /// Sends a text message; dropped unless the connection is open.
    public func send(text: String) {
        guard state == .open else { return }
        enqueue(WebSocketFrameEncoder.encode(text: text))
    }

    /// Sends a binary message; dropped unless the connection is open.
    public func send(binary: [UInt8]) {
        guard state == .open else { return }
        enqueue(WebSocketFrameEncoder.encode(binary: binary))
    }

    /// Sends a frame encoded by ``WebSocketFrameEncoder`` (a broadcast encodes
    /// once and hands the same bytes to every watcher); dropped unless open.
    public func send(frame: SharedBytes) {
        guard state == .open else { return }
        enqueue(frame)
    }

    /// Starts the close handshake: sends `code`, stops sending data, and waits
    /// up to ``WebSocketConfiguration/closeTimeout`` for the peer's close.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        startClosing(code: code, reason: reason, deadline: configuration.closeTimeout)
    }

    /// Closes with 1001 (going away), for server shutdown.
    public func closeForShutdown() {
        close(code: .goingAway, reason: "server shutting down")
    }

    /// Queues a frame within the outbound bound, or fails the slow peer with 1008.
    ///
    /// Frames go to the stream only while it holds less than
    /// ``streamQueueTarget`` unsent bytes; the rest wait in ``outbox``, whole,
    /// so that a peer found too slow can have them dropped and hear its 1008
    /// right behind the little the stream already holds.
    private func enqueue(_ frame: SharedBytes) {
        guard stream.pendingWriteBytes + outboxBytes + frame.count <= configuration.maxOutboundBytes else {
            dropSlowConsumer()
            return
        }
        if outbox.isEmpty && stream.pendingWriteBytes < Self.streamQueueTarget {
            stream.write(frame)
        } else {
            outbox.append(frame)
            outboxBytes += frame.count
        }
    }

    /// Moves queued frames to the stream while it has room (after a drain).
    private func feedStream(unbounded: Bool = false) {
        var sent = 0
        while sent < outbox.count && (unbounded || stream.pendingWriteBytes < Self.streamQueueTarget) {
            stream.write(outbox[sent])
            outboxBytes -= outbox[sent].count
            sent += 1
        }
        outbox.removeFirst(sent)
    }

    private func dropOutbox() {
        outbox.removeAll()
        outboxBytes = 0
    }

    /// The peer stopped reading: its queued messages are dropped (they would
    /// only delay the close), a close 1008 goes right behind what the stream
    /// already holds, and the peer gets ``WebSocketConfiguration/slowConsumerGrace``
    /// to read it before the TCP connection is aborted.
    private func dropSlowConsumer() {
        guard state == .open else { return }
        dropOutbox()
        state = .closing
        closeCode = .policyViolation
        closesTransportWhenDrained = true
        onSlowConsumer?()
        stream.write(WebSocketFrameEncoder.encodeClose(code: .policyViolation, reason: "too slow to read"))
        if stream.pendingWriteBytes == 0 {
            timer?.cancel()
            timer = nil
            stream.close(.graceful)
        } else {
            armTimer(after: configuration.slowConsumerGrace)
        }
    }

    private func startClosing(code: WebSocketCloseCode, reason: String, deadline: Duration) {
        eventLoop.assertInEventLoop()
        guard state == .open else { return }
        feedStream(unbounded: true)
        state = .closing
        closeCode = code
        stream.write(WebSocketFrameEncoder.encodeClose(code: code, reason: reason))
        armTimer(after: deadline)
    }

    // MARK: - Receiving

    public func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
        lastReceivedAt = eventLoop.nowMilliseconds
        received(bytes)
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        var input = bytes
        while framingIntact, state == .open || state == .closing {
            decoder.maxDataPayloadLength = state == .open ? assembler.dataFrameBudget : configuration.maxMessageSize
            let frame: WebSocketFrame
            do {
                guard let next = try decoder.nextFrame(from: &input) else { break }
                frame = next
            } catch {
                framingIntact = false
                protocolViolation(error)
                return
            }
            if state == .closing {
                // Only the peer's close matters now; data is discarded.
                guard frame.opcode == .close else { continue }
                stream.close(.graceful)
                return
            }
            do {
                if let inbound = try assembler.receive(frame) { deliver(inbound) }
            } catch {
                protocolViolation(error)
                return
            }
        }
        guard state == .open, let header = decoder.partialHeader else { return }
        do {
            try assembler.inspect(partialHeader: header, payload: decoder.partialPayload)
        } catch {
            protocolViolation(error)
        }
    }

    private func deliver(_ inbound: WebSocketInbound) {
        switch inbound {
        case .text(let text):
            onText?(text)
        case .binary(let bytes):
            onBinary?(bytes)
        case .ping(let payload):
            enqueue(WebSocketFrameEncoder.encode(opcode: .pong, payload: payload))
        case .pong:
            break  // Receiving it already counted as activity.
        case .close(let payload):
            // Peer-initiated: echo its code, then close TCP first, as a server should (RFC 6455 §7.1.1).
            feedStream(unbounded: true)
            state = .closing
            closeCode = payload.code ?? .noStatusReceived
            let echo = payload.code.map { WebSocketFrameEncoder.encodeClose(code: $0) }
                ?? WebSocketFrameEncoder.encode(opcode: .close, payload: [UInt8]())
            stream.write(echo)
            armTimer(after: configuration.closeTimeout)
            stream.close(.graceful)
        }
    }

    /// Fails the connection (RFC 6455 §7.1.7): sends the error's close code
    /// and closes the TCP connection right after it, without waiting for the
    /// peer's close (a server closes first, §7.1.1). Queued messages are
    /// dropped: the peer broke the protocol, they are moot.
    private func protocolViolation(_ error: WebSocketProtocolError) {
        if state == .open {
            dropOutbox()
            state = .closing
            closeCode = error.code
            stream.write(WebSocketFrameEncoder.encodeClose(code: error.code, reason: error.reason))
            // The stream flushes the frame, then sends FIN; its own flush
            // deadline bounds a peer that reads nothing.
            timer?.cancel()
            timer = nil
        }
        stream.close(.graceful)
    }

    // MARK: - ByteStreamDelegate

    public func streamDidReachEOF(_ stream: any ByteStream) {
        // Without a close frame the peer is gone (1006); after ours, this is its answer.
        stream.close(.graceful)
    }

    public func streamDidDrain(_ stream: any ByteStream) {
        if state == .open {
            feedStream()
        } else if state == .closing && closesTransportWhenDrained {
            // The 1008 close frame is out: close TCP first, as the failing side.
            stream.close(.graceful)
        }
    }

    public func streamDidClose(_ stream: any ByteStream) {
        finish()
    }

    private func finish() {
        guard state != .closed else { return }
        state = .closed
        timer?.cancel()
        timer = nil
        let code = closeCode ?? .abnormalClosure
        let onClose = self.onClose
        self.onClose = nil
        onText = nil
        onBinary = nil
        onSlowConsumer = nil
        onClose?(code)
    }

    // MARK: - Timer

    private func armTimer(after delay: Duration) {
        timer?.cancel()
        let weakSelf = LoopBound(WeakConnection(self), eventLoop: eventLoop)
        timer = eventLoop.scheduleTimer(after: delay) {
            weakSelf.value.connection?.timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        switch state {
        case .open:
            heartbeat()
        case .closing:
            stream.close(.abort)
        case .idle, .closed:
            break
        }
    }

    private func heartbeat() {
        let silence = eventLoop.nowMilliseconds &- lastReceivedAt
        let idleLimit = configuration.idleTimeout.wholeMilliseconds
        guard silence < idleLimit else {
            startClosing(code: .goingAway, reason: "idle timeout", deadline: configuration.closeTimeout)
            return
        }
        enqueue(Self.pingFrame)
        guard state == .open else { return }
        let untilIdle = Duration.milliseconds(Int64(idleLimit - silence))
        armTimer(after: min(configuration.pingInterval, untilIdle))
    }
}

/// Lets a timer reach its connection without keeping it alive.
private struct WeakConnection {
    weak var connection: WebSocketConnection?
    init(_ connection: WebSocketConnection) { self.connection = connection }
}

// Graceful shutdown (TCPServer.shutdown): say 1001 and close.
extension WebSocketConnection: GracefulShutdownParticipant {
    public func beginShutdown() { closeForShutdown() }
}
