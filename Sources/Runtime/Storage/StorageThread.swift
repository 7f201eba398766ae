import Foundation

/// Dedicated OS threads for blocking SQLite work.
///
/// SQLite calls block (disk reads, fsync, lock waits), so they never run on an
/// event-loop thread or in Swift's cooperative pool, where a blocked thread
/// starves unrelated tasks. Each storage role gets a thread of its own.
enum StorageThread {
    /// Starts a thread named `name` that runs `body` and then ends.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// Runs one piece of blocking work on a fresh thread and returns its result
    /// to the async caller without blocking the caller's thread.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(name: name) { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Moves a thread-confined value (a connection) to the thread that will own it.
///
/// The creator fills it before starting the thread; the thread calls ``take()``
/// once and from then on is the only owner. Thread start orders the write
/// before the read, which is what makes `@unchecked Sendable` sound here.
final class ThreadHandOff<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    /// Returns the value and forgets it; call exactly once, on the owning thread.
    func take() -> Value {
        guard let value else { preconditionFailure("ThreadHandOff taken twice") }
        self.value = nil
        return value
    }
}
