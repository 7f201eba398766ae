public import RuntimeCore
public import RuntimeSupport
public import RuntimeHTTP
/// The server side of the opening handshake (RFC 6455 §4.2), on plain header
/// strings so any HTTP layer can use it.
///
/// The HTTP layer passes the request's method and the values of `Upgrade`,
/// `Connection`, `Sec-WebSocket-Key` and `Sec-WebSocket-Version` (nil when
/// absent; repeated headers joined with ", "). On `.accept` it answers
/// `101 Switching Protocols` with `Upgrade: websocket`, `Connection: Upgrade`
/// and `Sec-WebSocket-Accept: <acceptValue>`; otherwise it answers
/// ``Result/status`` with ``Result/responseHeaders``. No extensions or
/// subprotocols are negotiated.
public enum WebSocketHandshake {
    /// The GUID appended to the key (RFC 6455 §1.3).
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The only protocol version this server speaks.
    public static let version = "13"

    public enum Result: Equatable, Sendable {
        /// Switch protocols; send `Sec-WebSocket-Accept: acceptValue`.
        case accept(acceptValue: String)
        /// 400: not a valid WebSocket upgrade (`reason` is for logs and the body).
        case badRequest(reason: String)
        /// 426: a version other than 13; send `Sec-WebSocket-Version: 13`.
        case upgradeRequired

        /// The HTTP status to answer with.
        public var status: Int {
            switch self {
            case .accept: 101
            case .badRequest: 400
            case .upgradeRequired: 426
            }
        }

        /// Headers the response must carry, besides the usual ones.
        public var responseHeaders: [(name: String, value: String)] {
            switch self {
            case .accept(let acceptValue):
                [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", acceptValue)]
            case .badRequest:
                []
            case .upgradeRequired:
                [("Sec-WebSocket-Version", WebSocketHandshake.version)]
            }
        }
    }

    /// `base64(SHA-1(key + GUID))`.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + guid).utf8)))
    }

    /// Checks an upgrade request with a single key field (see the full form).
    public static func validate(method: String, upgrade: String?, connection: String?, key: String?, version: String?) -> Result {
        validate(method: method, isHTTP11OrLater: true, upgrade: upgrade, connection: connection,
                 keys: key.map { [$0] } ?? [], version: version)
    }

    /// Checks an upgrade request. It must be a GET in HTTP/1.1 or later
    /// (§4.1; an HTTP/1.0 request is a bad request) with exactly one
    /// `Sec-WebSocket-Key` field (§4.2.1: `keys` holds every field's value).
    /// Token lists (`Connection: keep-alive, Upgrade`) are matched
    /// case-insensitively; the key must be base64 of exactly 16 bytes. A
    /// missing version is a bad request; a present but unsupported one asks
    /// the client to retry with 13 (426).
    public static func validate(method: String, isHTTP11OrLater: Bool, upgrade: String?, connection: String?,
                                keys: [String], version: String?) -> Result {
        guard method == "GET" else { return .badRequest(reason: "WebSocket upgrade requires GET") }
        guard isHTTP11OrLater else { return .badRequest(reason: "WebSocket upgrade requires HTTP/1.1") }
        guard keys.count <= 1 else { return .badRequest(reason: "more than one Sec-WebSocket-Key") }
        let key = keys.first
        guard let upgrade, containsToken("websocket", in: upgrade) else {
            return .badRequest(reason: "missing Upgrade: websocket")
        }
        guard let connection, containsToken("upgrade", in: connection) else {
            return .badRequest(reason: "missing Connection: Upgrade")
        }
        guard let version = version.map(trimmed) else {
            return .badRequest(reason: "missing Sec-WebSocket-Version")
        }
        guard version == Self.version else { return .upgradeRequired }
        guard let key = key.map(trimmed), Base64.decode(key)?.count == 16 else {
            return .badRequest(reason: "missing or invalid Sec-WebSocket-Key")
        }
        return .accept(acceptValue: acceptValue(forKey: key))
    }

    /// True when the comma-separated `list` holds `token` (ASCII case-insensitive).
    static func containsToken(_ token: String, in list: String) -> Bool {
        list.split(separator: ",").contains { element in
            let candidate = trimmed(String(element))
            return candidate.utf8.count == token.utf8.count
                && zip(candidate.utf8, token.utf8).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
        }
    }

    private static func trimmed(_ value: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(value.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
