/// Mutual exclusion across suspension points, for use inside one actor.
///
/// Actors are reentrant: while a method awaits the database, another call can
/// run. A JobActor must not interleave two reports (or a report and a new
/// watcher's snapshot); a StockActor must publish device states in the order
/// it read them. Their methods hold this lock across their awaits. Waiters are
/// served first-come, first-served.
struct AsyncMutex {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    mutating func tryLock() -> Bool {
        if locked { return false }
        locked = true
        return true
    }

    mutating func enqueue(_ waiter: CheckedContinuation<Void, Never>) {
        waiters.append(waiter)
    }

    mutating func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// An actor whose operations can run one at a time, awaits included.
protocol SerializingActor: Actor {
    var mutex: AsyncMutex { get set }
}

extension SerializingActor {
    /// Runs `body` while no other `exclusively` body of this actor runs.
    func exclusively<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        if !mutex.tryLock() {
            await withCheckedContinuation { mutex.enqueue($0) }
        }
        defer { mutex.unlock() }
        return try await body()
    }
}
