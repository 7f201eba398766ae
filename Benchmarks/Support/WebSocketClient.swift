public import Runtime

/// A WebSocket client connection (RFC 6455) on one loop: sends the upgrade
/// request, checks the 101 and its `Sec-WebSocket-Accept`, then decodes the
/// server's (unmasked) frames and hands each text message to ``onText`` with
/// the monotonic time its bytes were read. It answers pings with pongs and a
/// close with a close, so a server's heartbeat keeps it alive.
///
/// Threading: loop thread only; every callback runs there.
public final class WebSocketClient: ByteStreamDelegate {
    public enum State: Equatable, Sendable { case handshaking, open, closed }

    public let stream: ClientTCPConnection
    public private(set) var state = State.handshaking
    /// The close code the server sent, if it sent one.
    public private(set) var closeCode: WebSocketCloseCode?

    /// Called once: nil after a 101 with the right accept value, or why not.
    public var onOpen: ((HTTPClientResponse?, String?) -> Void)?
    /// A complete text message and the time (``monotonicNanos()``) its last read arrived.
    public var onText: (([UInt8], UInt64) -> Void)?
    public var onClose: (() -> Void)?

    private var handshake = HTTPResponseParser()
    private var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 16 << 20, requiresMask: false)
    private var encoder = MaskedFrameEncoder()
    private var fragments: [UInt8] = []
    private let expectedAccept: String

    /// Becomes `stream`'s delegate and sends the upgrade request for `path`
    /// with `headers` (e.g. `Authorization`). Call on the loop thread after
    /// setting nothing else; set callbacks before the loop runs again.
    public init(stream: ClientTCPConnection, path: String, headers: [(String, String)] = []) {
        self.stream = stream
        var nonce = SystemRandomNumberGenerator()
        let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &nonce) })
        expectedAccept = WebSocketHandshake.acceptValue(forKey: key)
        stream.delegate = self
        stream.resumeReading()
        let request = HTTPClientConnection.encode(
            method: "GET", path: path, host: stream.remoteAddress,
            headers: [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
                      ("Sec-WebSocket-Version", "13")] + headers)
        stream.write(request)
    }

    public func send(text: String) {
        guard state == .open else { return }
        stream.write(encoder.encode(opcode: .text, payload: Array(text.utf8)))
    }

    /// Sends a close frame (1000) and closes the socket shortly after.
    public func close() {
        guard state != .closed else { return }
        if state == .open {
            stream.write(encoder.encode(opcode: .close, payload: [0x03, 0xE8]))
        }
        state = .closed
        stream.close(.graceful)
    }

    public func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
        let now = monotonicNanos()
        switch state {
        case .closed:
            return
        case .handshaking:
            handshake.append(bytes)
            let response: HTTPClientResponse?
            do {
                response = try handshake.next(expectBody: false)
            } catch {
                fail(nil, error.description)
                return
            }
            guard let response else { return }
            if response.status != 101 {
                // A refusal carries a body; the head is enough to report it.
                fail(response, "status \(response.status)")
                return
            }
            guard response.header("Sec-WebSocket-Accept") == expectedAccept else {
                fail(response, "wrong Sec-WebSocket-Accept")
                return
            }
            state = .open
            onOpen?(response, nil)
            onOpen = nil
            let rest = handshake.takeBuffered()
            if !rest.isEmpty { rest.withUnsafeBytes { frames(from: $0, at: now) } }
        case .open:
            frames(from: bytes, at: now)
        }
    }

    private func frames(from bytes: UnsafeRawBufferPointer, at now: UInt64) {
        var input = bytes
        do {
            while state == .open, let frame = try decoder.nextFrame(from: &input) {
                handle(frame, at: now)
            }
        } catch {
            closeCode = error.code
            state = .closed
            stream.close(.abort)
        }
    }

    private func handle(_ frame: WebSocketFrame, at now: UInt64) {
        switch frame.opcode {
        case .text, .binary, .continuation:
            if frame.fin && fragments.isEmpty {
                if frame.opcode == .text { onText?(frame.payload, now) }
            } else {
                fragments += frame.payload
                if frame.fin {
                    let message = fragments
                    fragments = []
                    onText?(message, now)
                }
            }
        case .ping:
            stream.write(encoder.encode(opcode: .pong, payload: frame.payload))
        case .pong:
            break
        case .close:
            if frame.payload.count >= 2 {
                closeCode = WebSocketCloseCode(UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]))
            }
            stream.write(encoder.encode(opcode: .close, payload: Array(frame.payload.prefix(2))))
            state = .closed
            stream.close(.graceful)
        }
    }

    private func fail(_ response: HTTPClientResponse?, _ reason: String) {
        state = .closed
        onOpen?(response, reason)
        onOpen = nil
        stream.close(.abort)
    }

    public func streamDidReachEOF(_ stream: any ByteStream) {
        state = .closed
        stream.close(.abort)
    }

    public func streamDidDrain(_ stream: any ByteStream) {}

    public func streamDidClose(_ stream: any ByteStream) {
        if state == .handshaking { fail(nil, "connection closed during handshake") }
        state = .closed
        onClose?()
        onClose = nil
    }
}
