#if canImport(RuntimeSupport)  // not when scripts/fuzz.sh compiles this file alone with its dependencies
import RuntimeSupport
#endif
// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh ws).

/// A close status code (RFC 6455 §7.4).
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let normalClosure = Self(1000)
    public static let goingAway = Self(1001)
    public static let protocolError = Self(1002)
    public static let unsupportedData = Self(1003)
    /// Never sent: reported when a close frame carried no code.
    public static let noStatusReceived = Self(1005)
    /// Never sent: reported when the connection ended without a close frame.
    public static let abnormalClosure = Self(1006)
    public static let invalidPayloadData = Self(1007)
    public static let policyViolation = Self(1008)
    public static let messageTooBig = Self(1009)
    public static let mandatoryExtension = Self(1010)
    public static let internalError = Self(1011)

    /// Whether a peer may put this code in a close frame: 1000–1003 and
    /// 1007–1011 (defined by RFC 6455), 1012–1014 (service restart, try again
    /// later, bad gateway: registered with IANA since) and 3000–4999
    /// (registered and private use). 1004–1006 and 1015 are reserved or "never
    /// on the wire"; 1016–2999 are reserved for future RFCs, so a peer using
    /// them is out of protocol.
    public var isValidInCloseFrame: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String { String(rawValue) }
}

/// The body of a close frame: an optional code and UTF-8 reason.
public struct WebSocketClosePayload: Equatable, Sendable {
    /// Nil when the frame was empty (reported to the application as 1005).
    public var code: WebSocketCloseCode?
    public var reason: String

    public init(code: WebSocketCloseCode?, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// Parses and validates a received close frame's payload: one byte, a code
    /// a peer may not send (1002), or a reason that is not UTF-8 (1007) is an error.
    public init(parsing payload: [UInt8]) throws(WebSocketProtocolError) {
        guard !payload.isEmpty else {
            code = nil
            reason = ""
            return
        }
        guard payload.count >= 2 else {
            throw WebSocketProtocolError(.protocolError, "close frame of one byte")
        }
        let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isValidInCloseFrame else {
            throw WebSocketProtocolError(.protocolError, "invalid close code")
        }
        let reasonBytes = payload[2...]
        var validator = UTF8Validator()
        guard validator.validate(reasonBytes), validator.isAtCharacterBoundary else {
            throw WebSocketProtocolError(.invalidPayloadData, "close reason is not UTF-8")
        }
        self.code = code
        self.reason = String(decoding: reasonBytes, as: UTF8.self)
    }
}
