import Runtime

/// Cross-site request forgery: a browser attaches the session cookie to a
/// request another site makes it send. `SameSite=Strict` already stops most
/// of that; this is the second wall. A request authenticated by the cookie
/// with an unsafe method must come from the server's own origin:
///
/// - `Sec-Fetch-Site`, when present, must be `same-origin`;
/// - `Origin`, when present, must be `http://HOST` or `https://HOST` for the
///   request's own `Host` (an opaque `null` origin is refused too).
///
/// Browsers send at least one of the two on every unsafe request; a request
/// with neither is not from a browser page (curl, a script holding the cookie
/// itself) and is let through. Bearer-authenticated requests are never
/// checked: a page cannot make a browser add an `Authorization` header.
enum CSRF {
    static func check(_ request: Request) throws {
        guard !isSafe(request.method) else { return }
        if let site = request.headers["Sec-Fetch-Site"], site.lowercased() != "same-origin" {
            throw refusal
        }
        if let origin = request.headers["Origin"], !isOwnOrigin(origin, host: request.headers["Host"]) {
            throw refusal
        }
    }

    /// True when `origin` is this server as the browser reached it.
    static func isOwnOrigin(_ origin: String, host: String?) -> Bool {
        guard let host else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    private static func isSafe(_ method: HTTPMethod) -> Bool {
        method == .get || method == .head || method == .options
    }

    static let refusal = HTTPError(.forbidden, code: "forbidden_origin",
                                   message: "This request must come from the server's own pages.")
}
