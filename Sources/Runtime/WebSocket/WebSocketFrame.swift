// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh ws).

/// A frame opcode (RFC 6455 §5.2). Reserved opcodes have no case: the decoder
/// rejects them with 1002 before a frame exists.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes of payload, never fragmented,
    /// and allowed between the fragments of a message.
    @inlinable
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// What the decoder knows once a frame's header is complete.
public struct WebSocketFrameHeader: Equatable, Sendable {
    public var fin: Bool
    public var rsv1: Bool
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: WebSocketOpcode
    /// Declared payload length in bytes (already checked against the decoder's limits).
    public var payloadLength: Int

    public init(fin: Bool, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false, opcode: WebSocketOpcode, payloadLength: Int) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.payloadLength = payloadLength
    }
}

/// One decoded frame, payload unmasked.
public struct WebSocketFrame: Equatable, Sendable {
    public var fin: Bool
    public var rsv1: Bool
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false, opcode: WebSocketOpcode, payload: [UInt8]) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.payload = payload
    }
}

/// A violation of RFC 6455 by the peer: the connection must be failed with
/// ``code`` (1002 protocol error, 1007 invalid payload, 1009 too big).
public struct WebSocketProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: WebSocketCloseCode
    /// A short, fixed explanation for logs and the close frame's reason. Never
    /// contains peer data.
    public var reason: String

    public init(_ code: WebSocketCloseCode, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue) \(reason)" }
}
