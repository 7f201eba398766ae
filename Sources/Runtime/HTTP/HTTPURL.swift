/// An `http://host[:port]/path?query` URL for outgoing requests. Only plain
/// http: this project has no TLS (an https receiver is reached through a local
/// TLS-terminating proxy). No user-info, no fragment.
public struct HTTPURL: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// The request target: path and query, at least "/".
    public let target: String

    public enum Problem: Error, Sendable, Equatable {
        case notHTTP, malformed
    }

    public init(_ text: String) throws(Problem) {
        guard text.count <= 2048, text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { throw .malformed }
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") else { throw lower.hasPrefix("https://") ? .notHTTP : .malformed }
        let rest = text.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        guard !authority.isEmpty, !authority.contains("@"), !target.contains("#") else { throw .malformed }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        var host = Substring(authority)
        var port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .malformed }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (1...65535).contains(value) else { throw .malformed }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else { throw .malformed }
            host = authority[..<colon]
            port = value
        }
        guard !host.isEmpty else { throw .malformed }
        self.host = String(host)
        self.port = port
        self.target = target
    }

    /// The `Host` header value.
    public var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? bracketed : "\(bracketed):\(port)"
    }
}
