import Actors
import Foundation
import Synchronization
import Runtime

/// Per-account brakes on password guessing, on top of the per-address rate
/// limit (which a botnet, or every client behind one proxy, defeats or
/// shares). After ``freeFailures`` wrong passwords in a row for one email,
/// each further attempt must wait a delay that doubles with every failure
/// (1 s, 2 s, 4 s … up to ``maximumDelay``); attempts during the delay are
/// refused with 429 and `Retry-After` without checking the password, so the
/// right password does not get through either. A success clears the record;
/// so does an hour without failures.
///
/// Memory: one small entry per email with recent failures, at most
/// ``maximumEntries`` (stale ones are swept first, then the oldest).
final class LoginThrottle: Sendable {
    static let freeFailures = 5
    static let maximumDelay: Duration = .seconds(900)
    static let forgetAfter: Duration = .seconds(3600)
    static let maximumEntries = 100_000

    private struct Entry {
        var failures: Int
        var lastFailure: ContinuousClock.Instant
        var blockedUntil: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock = ContinuousClock()

    /// Throws 429 while `email` is in its delay.
    func check(email: String) throws {
        let now = clock.now
        let wait: Duration? = entries.withLock { entries in
            guard let entry = entries[Self.key(email)], entry.blockedUntil > now else { return nil }
            return entry.blockedUntil - now
        }
        if let wait {
            throw RetryAfter.tooManyRequests(wait: wait, message: "Too many wrong passwords for this account; retry later.")
        }
    }

    func recordFailure(email: String) {
        let now = clock.now
        entries.withLock { entries in
            let key = Self.key(email)
            var entry = entries[key] ?? Entry(failures: 0, lastFailure: now, blockedUntil: now)
            if now - entry.lastFailure > Self.forgetAfter { entry.failures = 0 }
            entry.failures += 1
            entry.lastFailure = now
            if entry.failures >= Self.freeFailures {
                let doublings = min(entry.failures - Self.freeFailures, 20)
                entry.blockedUntil = now + min(.seconds(1 << doublings), Self.maximumDelay)
            }
            if entries[key] == nil && entries.count >= Self.maximumEntries { Self.evict(&entries, now: now) }
            entries[key] = entry
        }
    }

    func recordSuccess(email: String) {
        _ = entries.withLock { $0.removeValue(forKey: Self.key(email)) }
    }

    private static func key(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private static func evict(_ entries: inout [String: Entry], now: ContinuousClock.Instant) {
        entries = entries.filter { now - $0.value.lastFailure <= forgetAfter && $0.value.blockedUntil > now }
        if entries.count >= maximumEntries, let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure }) {
            entries.removeValue(forKey: oldest.key)
        }
    }
}

/// One password check under the account's throttle: refused during its
/// delay, a wrong password counted, a right one clearing the record.
enum LoginAttempt {
    static func run<T>(_ app: AppContext, email: String, _ body: () async throws -> T) async throws -> T {
        try app.loginThrottle.check(email: email)
        do {
            let result = try await body()
            app.loginThrottle.recordSuccess(email: email)
            return result
        } catch let error as DomainError where isWrongPassword(error) {
            app.loginThrottle.recordFailure(email: email)
            throw error
        }
    }

    /// A log-in's 401, or a password change's wrong current password.
    private static func isWrongPassword(_ error: DomainError) -> Bool {
        switch error {
        case .unauthorized: true
        case .invalid(_, let fields): fields["current_password"] != nil
        default: false
        }
    }
}
