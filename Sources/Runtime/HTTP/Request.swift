/// A complete request as a handler sees it: immutable, `Sendable`, body fully
/// read (within the route's limit).
public struct Request: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// Values of the route's `:name` segments, percent-decoded.
    public var parameters: [String: String]
    /// Unique per request; echoed in `X-Request-Id` and in the completion record.
    public var requestID: String
    public var remoteAddress: String

    public init(head: HTTPRequestHead, body: [UInt8] = [], parameters: [String: String] = [:],
                requestID: String = "", remoteAddress: String = "") {
        self.head = head
        self.body = body
        self.parameters = parameters
        self.requestID = requestID
        self.remoteAddress = remoteAddress
    }

    public var method: HTTPMethod { head.method }
    public var path: String { head.path }
    public var headers: HTTPHeaders { head.headers }

    /// The route parameter `name`; a route only matches when all are present.
    public func parameter(_ name: String) -> String? { parameters[name] }

    /// The route parameter `name` as an integer; 404 when it is not one, since
    /// `/users/abc` names no user.
    public func intParameter(_ name: String) throws(HTTPError) -> Int {
        guard let text = parameters[name], let value = Int(text) else { throw .notFound() }
        return value
    }

    /// True when `Content-Type` is `application/json`, parameters (charset) aside.
    public var hasJSONContentType: Bool { hasContentType("application/json") }

    /// True when `Content-Type` names `mediaType` (case-insensitive), parameters aside.
    public func hasContentType(_ mediaType: String) -> Bool {
        guard let value = headers["Content-Type"] else { return false }
        let sent = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return HTTPASCII.equalsIgnoringCase(HTTPASCII.trimmingWhitespace(sent), mediaType)
    }

    /// Decodes the body as JSON: 415 without `Content-Type: application/json`,
    /// 400 `malformed_json` for bad JSON, 422 `invalid_fields` (with the path
    /// of the failing field) for JSON of the wrong shape.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(HTTPError) -> T {
        guard hasJSONContentType else { throw .unsupportedMediaType }
        return try JSONCoding.decode(type, from: body)
    }
}
