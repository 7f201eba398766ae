/// An HTTP version as sent on the request line. The parser accepts 1.0 and 1.1 only.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// How a request's body is delimited (RFC 9112 §6.3), as decided by the parser.
public enum HTTPBodyFraming: Hashable, Sendable {
    /// No body: neither Content-Length nor Transfer-Encoding was sent.
    case none
    case contentLength(Int)
    case chunked
}

/// One decoded `name=value` pair of a query string.
public struct HTTPQueryItem: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The request line and header section of a request, validated by
/// ``HTTPRequestParser``.
public struct HTTPRequestHead: Equatable, Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as received, e.g. `/items?limit=10`.
    public var target: String
    /// The path of the target, still percent-encoded (`/` for `*` and absolute-form without a path).
    public var path: String
    /// The query without its `?`, still encoded; nil when the target has no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var bodyFraming: HTTPBodyFraming

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], bodyFraming: HTTPBodyFraming = .none
    ) {
        self.method = method
        self.target = target
        let (path, query) = HTTPRequestHead.split(target: target)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.bodyFraming = bodyFraming
    }

    /// Whether the connection may carry another request after this one:
    /// HTTP/1.1 persists unless `Connection: close`; HTTP/1.0 closes unless
    /// `Connection: keep-alive` (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if version == .http1_1 { return true }
        return headers.containsToken("keep-alive", in: "Connection")
    }

    /// True when the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool {
        version == .http1_1 && headers["Expect"].map { HTTPASCII.equalsIgnoringCase($0, "100-continue") } == true
    }

    /// The query's `name=value` pairs, percent-decoded, `+` read as a space
    /// (the HTML form convention that browsers and curl use).
    public var queryItems: [HTTPQueryItem] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? parts[1] : ""
            return HTTPQueryItem(name: PercentDecoding.decode(parts[0], plusAsSpace: true),
                                 value: PercentDecoding.decode(value, plusAsSpace: true))
        }
    }

    /// The first decoded value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Splits a target into its path and query. Absolute-form
    /// (`http://host/path`) keeps only the path; asterisk-form becomes `*`.
    static func split(target: String) -> (path: String, query: String?) {
        var rest = Substring(target)
        if !rest.hasPrefix("/") && rest != "*" {
            // absolute-form: skip "scheme://authority"
            if let schemeEnd = rest.firstRange(of: "://") {
                let afterScheme = rest[schemeEnd.upperBound...]
                rest = afterScheme.firstIndex { $0 == "/" || $0 == "?" }.map { afterScheme[$0...] } ?? ""
            }
        }
        let questionMark = rest.firstIndex(of: "?")
        var path = questionMark.map { rest[..<$0] } ?? rest
        if path.isEmpty { path = "/" }
        return (String(path), questionMark.map { String(rest[rest.index(after: $0)...]) })
    }
}
