import Foundation

/// How long a log-in session lives: it ends after ``idleTimeout`` seconds
/// without use, and ``maximumAge`` seconds after log-in whatever happens.
public struct SessionPolicy: Sendable {
    public var idleTimeout: Int64
    public var maximumAge: Int64

    public init(idleTimeout: Int64 = 7 * 86_400, maximumAge: Int64 = 30 * 86_400) {
        self.idleTimeout = idleTimeout
        self.maximumAge = maximumAge
    }

    /// Last use is recorded at most this often: a tenth of the idle timeout,
    /// at most a minute (a session may end that much before its full idle time).
    public var touchInterval: Int64 { max(1, min(60, idleTimeout / 10)) }

    func isLive(createdAt: Int64, lastUsedAt: Int64, now: Int64) -> Bool {
        now - lastUsedAt < idleTimeout && now - createdAt < maximumAge
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
