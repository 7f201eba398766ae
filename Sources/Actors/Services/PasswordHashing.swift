import Dispatch
import Foundation
import Synchronization
import Runtime

/// Runs yescrypt (tens of milliseconds and ~16 MiB each) on Dispatch's pool,
/// never on an event loop nor on Swift's cooperative pool (it would starve
/// the actors), and bounds how many are admitted at once: one running per
/// core plus one waiting per core. Past that, a log-in flood is refused at
/// once (``DomainError/busy(_:)``: the caller is told to retry shortly) instead of queuing
/// without limit and growing memory and latency for everyone.
public final class PasswordHashing: Sendable {
    public let capacity: Int
    private let admitted = Mutex(0)

    /// `capacity` defaults to two per core (one running, one waiting).
    public init(capacity: Int? = nil) {
        self.capacity = capacity ?? 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admittedNow = admitted.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard admittedNow else {
            throw DomainError.busy("Too many log-ins are being checked right now; retry shortly.")
        }
        defer { admitted.withLock { $0 -= 1 } }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
