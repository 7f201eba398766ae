import Foundation

/// Limits, timeouts and hooks of ``HTTPServerConnection``. Shared by all
/// connections; the hooks are called on loop threads and must not block.
public struct HTTPServerConfiguration: Sendable {
    public var parserLimits = HTTPRequestParser.Limits()
    /// A request head must be complete this long after the connection opened
    /// or the previous response was sent with bytes pending (slowloris): 408.
    public var headerTimeout: Duration = .seconds(10)
    /// A request body must be complete this long after its head: 408.
    public var bodyTimeout: Duration = .seconds(30)
    /// A kept-alive connection with no request started is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// Reading stops while the stream holds more unsent bytes than this.
    public var writeHighWaterMark = 256 * 1024
    /// Reading stops while more received bytes than this wait to be parsed
    /// (pipelined requests behind a running handler).
    public var maxBufferedInputBytes = 96 * 1024
    /// Called once per answered request (or rejected message), on the loop thread.
    public var onRequestCompleted: (@Sendable (HTTPRequestRecord) -> Void)?
    /// Called with the real error behind a 500 `internal_error`.
    public var onHandlerError: (@Sendable (_ error: any Error, _ requestID: String) -> Void)?
    /// Fields added to every response (upgrades included) that does not set
    /// them itself, e.g. security headers and a default `Cache-Control`.
    public var defaultResponseHeaders: [(name: String, value: String)] = []
    /// Makes the id of each request (`X-Request-Id`).
    public var makeRequestID: @Sendable () -> String = { randomRequestID() }
    /// Unix seconds for the `Date` field; replaceable for tests.
    public var wallClockSeconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    public init() {}

    /// 16 hex digits from the system's random source.
    public static func randomRequestID() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// One answered request, for access logs and metrics.
public struct HTTPRequestRecord: Sendable {
    /// Nil when the request was rejected before its head was parsed.
    public var method: HTTPMethod?
    /// The route pattern (`/users/:id`), `static` for files, nil when nothing matched.
    public var route: String?
    public var status: HTTPStatus
    /// Bytes written for the response, head included; 0 if the connection closed first.
    public var responseBytes: Int
    /// From the parsed head (or the rejection) to the response being queued.
    public var durationMicroseconds: Int64
    public var requestID: String
    public var remoteAddress: String
}
