/// A single-threaded event loop: one thread that runs I/O callbacks, timers and
/// submitted work, one after another.
///
/// Invariants every conforming loop keeps:
/// - Work submitted with ``execute(_:)`` runs on the loop thread, in submission
///   order, never re-entrantly inside the caller.
/// - Everything a loop owns (connections, timers) is touched only on its thread;
///   ``LoopBound`` makes that rule checkable for values that cross threads.
/// - ``executor`` puts Swift tasks and actors on the loop thread, so a handler
///   that runs there reaches its connection without a thread hop.
public protocol EventLoop: AnyObject, Sendable {
    /// True when called on this loop's thread.
    var inEventLoop: Bool { get }

    /// Runs `work` on the loop thread, after the callback that is running now.
    func execute(_ work: @escaping @Sendable () -> Void)

    /// Runs `work` on the loop thread once `delay` has passed. The returned
    /// timer must be cancelled on the loop thread.
    func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any LoopTimer

    /// The executor that runs tasks and actors on this loop's thread.
    var executor: any LoopExecutor { get }

    /// Milliseconds since an arbitrary start, cached once per loop iteration.
    var nowMilliseconds: UInt64 { get }
}

/// An executor backed by one event loop's thread.
public protocol LoopExecutor: SerialExecutor, TaskExecutor {}

/// A pending timer. Cancel it on the loop thread that scheduled it; cancelling a
/// timer that has fired or was cancelled does nothing.
public protocol LoopTimer: AnyObject {
    func cancel()
}

extension EventLoop {
    /// Asserts (in debug builds) that the caller runs on this loop's thread.
    @inlinable
    public func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop, "must be called on the event loop thread", file: file, line: line)
    }

    /// Runs `body` on the loop thread and returns its result to an async caller.
    public func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            execute {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
