public import RuntimeCore
public import RuntimeSupport
/// What a handler answers. The connection adds the framing and
/// connection-management fields (Content-Length, Date, Connection, X-Request-Id)
/// when it writes the response; handlers set only their own fields.
public struct Response: Sendable {
    /// Takes over the stream after a `101 Switching Protocols` head has been
    /// written. Runs on the stream's loop thread; `leftover` holds the bytes the
    /// client sent past the upgrade request. The hook must set a new delegate.
    public typealias UpgradeHook = @Sendable (_ stream: any ByteStream, _ leftover: [UInt8]) -> Void

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set and the status is 101, the connection hands its stream over.
    public var upgrade: UpgradeHook?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = [], upgrade: UpgradeHook? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.upgrade = upgrade
    }

    /// `204 No Content`.
    public static var noContent: Response { Response(status: .noContent) }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response encoded by ``JSONCoding/encode(_:)``.
    public static func json(_ value: some Encodable, status: HTTPStatus = .ok) throws -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: try JSONCoding.encode(value))
    }

    /// `101 Switching Protocols` with `headers` (e.g. `Upgrade`, `Sec-WebSocket-Accept`).
    public static func switchingProtocols(headers: HTTPHeaders, upgrade: @escaping UpgradeHook) -> Response {
        Response(status: .switchingProtocols, headers: headers, upgrade: upgrade)
    }
}
