import Synchronization

/// Creates an actor (or any object) per key on demand and retires it when
/// nobody has used it for a while, so 100,000 devices do not keep 100,000
/// actors alive.
///
/// Invariant: an object is retired only when it holds no lease. Every use is a
/// lease (``withValue(_:_:)``), and so is a long-lived attachment such as a
/// WebSocket watcher (``acquire(_:)``/``release(_:)``). Acquiring and retiring
/// happen under one lock, so no caller can be handed an object that is being
/// retired — two live actors for one job cannot exist in this process.
public final class LeasedRegistry<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var leases: Int
        var lastUsed: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])

    public init() {}

    /// Takes a lease on the object for `key`, creating it with `make` if needed
    /// (`make` runs under the registry's lock: keep it cheap, no I/O).
    public func acquire(_ key: Key, orMake make: () -> Value) -> Value {
        entries.withLock { entries in
            let now = ContinuousClock.now
            if var entry = entries[key] {
                entry.leases += 1
                entry.lastUsed = now
                entries[key] = entry
                return entry.value
            }
            let value = make()
            entries[key] = Entry(value: value, leases: 1, lastUsed: now)
            return value
        }
    }

    public func release(_ key: Key) {
        entries.withLock { entries in
            guard var entry = entries[key] else { return }
            entry.leases -= 1
            entry.lastUsed = .now
            entries[key] = entry
        }
    }

    /// Runs `body` with the object for `key`, holding a lease meanwhile.
    public func withValue<T: Sendable>(_ key: Key, orMake make: () -> Value,
                                       _ body: (Value) async throws -> T) async rethrows -> T {
        let value = acquire(key, orMake: make)
        defer { release(key) }
        return try await body(value)
    }

    /// The object for `key` if it is alive; takes no lease.
    public func existing(_ key: Key) -> Value? {
        entries.withLock { $0[key]?.value }
    }

    /// Retires objects with no lease that have been idle at least `idle`.
    @discardableResult
    public func retireIdle(olderThan idle: Duration) -> Int {
        entries.withLock { entries in
            let cutoff = ContinuousClock.now - idle
            let stale = entries.filter { $0.value.leases == 0 && $0.value.lastUsed <= cutoff }.map(\.key)
            for key in stale { entries[key] = nil }
            return stale.count
        }
    }

    /// Retires the objects with no lease that `matches` selects, idle or not
    /// (their next use creates them anew, e.g. on another executor).
    @discardableResult
    public func retireUnleased(where matches: (Key, Value) -> Bool) -> Int {
        entries.withLock { entries in
            let chosen = entries.filter { $0.value.leases == 0 && matches($0.key, $0.value.value) }.map(\.key)
            for key in chosen { entries[key] = nil }
            return chosen.count
        }
    }

    public var count: Int { entries.withLock { $0.count } }

    /// Every live object (for shutdown); takes no leases.
    public func values() -> [Value] {
        entries.withLock { $0.values.map(\.value) }
    }
}
