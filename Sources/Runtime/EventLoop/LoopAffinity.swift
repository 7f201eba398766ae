import Synchronization

/// Chooses one event loop per key (a client, a topic) so that everything about
/// that key runs on one thread: calls between its actors are same-executor
/// calls (about 0.5 µs) instead of thread wake-ups (tens of µs each).
///
/// The loop is the one where the key was last ``note(_:)``d — the loop that
/// owns the key's connection — or, for a key never seen, one chosen by a
/// stable hash. Objects created for a key keep the loop they were given; a
/// key that reconnects on another loop is followed by objects created after.
///
/// Threading: safe from any thread; ``note(_:)`` must be called on a loop thread.
public final class LoopAffinity<Key: Hashable & Sendable & BinaryInteger>: Sendable {
    public let loops: [UVEventLoop]
    private let noted = Mutex<[Key: Int]>([:])

    public init(loops: [UVEventLoop]) {
        precondition(!loops.isEmpty)
        self.loops = loops
    }

    /// The loop for `key`: where it was last noted, else its hash's.
    public func loop(for key: Key) -> UVEventLoop {
        loops[noted.withLock { $0[key] } ?? hashIndex(key)]
    }

    /// The executor for objects that belong to `key`.
    public func executor(for key: Key) -> any LoopExecutor { loop(for: key).executor }

    /// Records that `key`'s traffic arrives on the calling loop thread.
    /// Returns true when that changed `key`'s loop (objects already made for
    /// it are on another one now); false when it did not, or when not called
    /// on one of the loops (then nothing is recorded).
    @discardableResult
    public func note(_ key: Key) -> Bool {
        guard let index = loops.firstIndex(where: { $0.inEventLoop }) else { return false }
        let hashed = hashIndex(key)
        return noted.withLock { noted in
            let previous = noted[key] ?? hashed
            noted[key] = index
            return previous != index
        }
    }

    private func hashIndex(_ key: Key) -> Int {
        Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: key) % UInt64(loops.count))
    }

    /// Forgets keys no longer in use (e.g. deleted), keeping the table bounded.
    public func forget(_ key: Key) {
        _ = noted.withLock { $0.removeValue(forKey: key) }
    }
}
