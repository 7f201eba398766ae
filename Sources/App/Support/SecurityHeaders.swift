import Runtime

/// Headers on every response, so a browser treats the UI and the API as
/// strictly as it can:
///
/// - `Content-Security-Policy`: scripts, styles and connections from this
///   origin only (no inline script: the UI has none, and an injected one will
///   not run), no plugins, and no framing (`frame-ancestors 'none'`, with
///   `X-Frame-Options: DENY` for older browsers) against click-jacking;
/// - `X-Content-Type-Options: nosniff`: a JSON answer is never run as script;
/// - `Referrer-Policy: no-referrer`: URLs with ids do not leak to other sites;
/// - `Cache-Control: no-store` unless the response sets its own (the UI's
///   static files do): API answers carry tokens and private data.
enum SecurityHeaders {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let all: [(name: String, value: String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]
}
