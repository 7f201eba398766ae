#if canImport(RuntimeSupport)  // not when scripts/fuzz.sh compiles this file alone with its dependencies
import RuntimeSupport
#endif
// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh ws).

/// What a complete frame means to the application, once reassembled.
public enum WebSocketInbound: Equatable, Sendable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case close(WebSocketClosePayload)
}

/// Turns a sequence of frames into messages (RFC 6455 §5.4): reassembles
/// fragments, lets control frames through between them, validates text as
/// UTF-8 while it arrives, and enforces the message size limit.
///
/// Fail-fast: ``inspect(partialHeader:payload:)`` checks a frame before it is
/// complete, so a fragment sequence error (1002) or invalid UTF-8 (1007) is
/// reported as soon as its bytes arrive, even in the middle of a long frame.
///
/// Memory: holds no heap storage between messages; while a fragmented
/// message is open, its bytes so far.
public struct WebSocketMessageAssembler {
    public let maxMessageSize: Int

    /// Text or binary while a fragmented message is open.
    private var messageOpcode: WebSocketOpcode?
    private var message: [UInt8] = []
    private var utf8 = UTF8Validator()
    /// Bytes of the current, still partial frame already fed to `utf8`.
    private var validatedInFrame = 0

    public init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// How large the next data frame may be: the message budget left. Set the
    /// decoder's ``WebSocketFrameDecoder/maxDataPayloadLength`` to it before
    /// each frame, so an oversized frame fails (1009) before it is buffered.
    public var dataFrameBudget: Int { maxMessageSize - message.count }

    /// True while a fragmented message has begun and not ended.
    public var isInsideMessage: Bool { messageOpcode != nil }

    /// Takes a complete frame; returns a message or control frame for the
    /// application, or nil when a fragment was absorbed.
    public mutating func receive(_ frame: WebSocketFrame) throws(WebSocketProtocolError) -> WebSocketInbound? {
        switch frame.opcode {
        case .ping:
            return .ping(frame.payload)
        case .pong:
            return .pong(frame.payload)
        case .close:
            return .close(try WebSocketClosePayload(parsing: frame.payload))
        case .text, .binary, .continuation:
            let opcode = try messageOpcode(forDataFrame: frame.opcode)
            if opcode == .text {
                try validateText(frame.payload[validatedInFrame...])
            }
            validatedInFrame = 0
            guard frame.fin else {
                messageOpcode = opcode
                if message.isEmpty { message = frame.payload } else { message.append(contentsOf: frame.payload) }
                return nil
            }
            var body = frame.payload
            if messageOpcode != nil {
                swap(&body, &message)
                body.append(contentsOf: frame.payload)
                messageOpcode = nil
            }
            guard opcode == .text else { return .binary(body) }
            defer { utf8.reset() }
            guard utf8.isAtCharacterBoundary else {
                throw WebSocketProtocolError(.invalidPayloadData, "text message ends inside a UTF-8 character")
            }
            return .text(String(decoding: body, as: UTF8.self))
        }
    }

    /// Checks a frame whose payload is still arriving: its place in the
    /// fragment sequence and, for text, the UTF-8 bytes so far.
    public mutating func inspect(partialHeader header: WebSocketFrameHeader, payload: [UInt8]) throws(WebSocketProtocolError) {
        guard !header.opcode.isControl else { return }
        let opcode = try messageOpcode(forDataFrame: header.opcode)
        guard opcode == .text, payload.count > validatedInFrame else { return }
        try validateText(payload[validatedInFrame...])
        validatedInFrame = payload.count
    }

    /// The message type a data frame belongs to, or the sequence error it makes.
    private func messageOpcode(forDataFrame opcode: WebSocketOpcode) throws(WebSocketProtocolError) -> WebSocketOpcode {
        if opcode == .continuation {
            guard let messageOpcode else {
                throw WebSocketProtocolError(.protocolError, "continuation frame without a message to continue")
            }
            return messageOpcode
        }
        guard messageOpcode == nil else {
            throw WebSocketProtocolError(.protocolError, "new message before the fragmented one ended")
        }
        return opcode
    }

    private mutating func validateText(_ bytes: ArraySlice<UInt8>) throws(WebSocketProtocolError) {
        guard utf8.validate(bytes) else {
            throw WebSocketProtocolError(.invalidPayloadData, "text is not valid UTF-8")
        }
    }
}
