import Dispatch
import Foundation
import Synchronization

/// The one background thread that moves formatted log lines to a ``LogSink``.
///
/// Callers (event-loop threads) format a line themselves and hand its bytes to
/// ``enqueue(_:)``, which only takes a short lock and copies the bytes into a
/// bounded buffer: it never waits for I/O. When the buffer is full the line is
/// dropped and counted; the writer later emits a `log_dropped` warning with
/// the number lost, so gaps in the log are visible.
///
/// The writer thread swaps the whole pending buffer out under the lock and
/// writes it with one sink call, so a burst of lines costs one system call.
///
/// Lifetime: the thread runs until ``shutdown()``; a writer is meant to live as
/// long as the process. Lines enqueued after shutdown are discarded.
public final class LogWriter: Sendable {
    /// The most bytes that may wait for the writer; lines that do not fit are dropped.
    public let capacityBytes: Int

    private let sink: any LogSink
    /// Unix-epoch milliseconds; injectable so tests get stable timestamps.
    let clock: @Sendable () -> Int64
    private let state: Mutex<State>
    /// Wakes the writer thread. Signalled only when the thread said it is about
    /// to sleep (`writerIdle`), so each signal is matched by exactly one wait.
    private let wakeup = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    private struct State {
        var pending: [UInt8] = []
        var flushWaiters: [DispatchSemaphore] = []
        var droppedSinceNote = 0
        var droppedTotal = 0
        var writerIdle = false
        var stopping = false
    }

    /// Starts the writer thread.
    /// - Parameters:
    ///   - sink: receives the bytes, on the writer thread only.
    ///   - capacityBytes: bound of the pending buffer (default 1 MiB).
    ///   - clock: wall-clock source in Unix milliseconds; the system clock by default.
    public init(
        sink: any LogSink = StandardErrorSink(),
        capacityBytes: Int = 1 << 20,
        clock: (@Sendable () -> Int64)? = nil
    ) {
        precondition(capacityBytes > 0, "capacityBytes must be positive")
        self.sink = sink
        self.capacityBytes = capacityBytes
        self.clock = clock ?? { RFC3339Timestamp.nowMilliseconds() }
        self.state = Mutex(State())
        let thread = Thread { [self] in self.run() }
        thread.name = "log-writer"
        thread.start()
    }

    /// Queues one or more complete lines. Never blocks on I/O.
    /// - Returns: false if the line was dropped (buffer full or writer shut down).
    @discardableResult
    public func enqueue(_ line: [UInt8]) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping else { return (false, false) }
            guard state.pending.count + line.count <= capacityBytes else {
                state.droppedSinceNote += 1
                state.droppedTotal += 1
                return (false, false)
            }
            state.pending.append(contentsOf: line)
            return (true, takeIdle(&state))
        }
        if wake { wakeup.signal() }
        return accepted
    }

    /// Lines dropped because the buffer was full, since the writer started.
    public var droppedLines: Int {
        state.withLock { $0.droppedTotal }
    }

    /// Blocks until every line enqueued before this call has been handed to the
    /// sink (and any pending `log_dropped` note written). For shutdown paths and
    /// tests; never call it on an event-loop thread or from the sink.
    public func flush() {
        let done = DispatchSemaphore(value: 0)
        let (registered, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping else { return (false, false) }
            state.flushWaiters.append(done)
            return (true, takeIdle(&state))
        }
        if wake { wakeup.signal() }
        if registered { done.wait() }
    }

    /// Writes what is pending, then stops the thread and waits for it to exit.
    /// Idempotent; later ``enqueue(_:)`` calls are discarded.
    public func shutdown() {
        let (first, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping else { return (false, false) }
            state.stopping = true
            return (true, takeIdle(&state))
        }
        if wake { wakeup.signal() }
        if first { exited.wait() }
    }

    /// True, and clears the flag, when the writer thread is asleep and needs a signal.
    private func takeIdle(_ state: inout State) -> Bool {
        guard state.writerIdle else { return false }
        state.writerIdle = false
        return true
    }

    private enum Step {
        case write(waiters: [DispatchSemaphore], dropped: Int)
        case sleep
        case exit
    }

    /// The writer thread's loop. `batch` is swapped with the shared pending
    /// buffer, so the two allocations are reused for the life of the writer.
    private func run() {
        var batch: [UInt8] = []
        while true {
            batch.removeAll(keepingCapacity: true)
            let step = state.withLock { state -> Step in
                if state.pending.isEmpty && state.flushWaiters.isEmpty && state.droppedSinceNote == 0 {
                    if state.stopping { return .exit }
                    state.writerIdle = true
                    return .sleep
                }
                swap(&batch, &state.pending)
                let waiters = state.flushWaiters
                state.flushWaiters.removeAll()
                let dropped = state.droppedSinceNote
                state.droppedSinceNote = 0
                return .write(waiters: waiters, dropped: dropped)
            }
            switch step {
            case .exit:
                exited.signal()
                return
            case .sleep:
                wakeup.wait()
            case .write(let waiters, let dropped):
                if dropped > 0 {
                    LogLineFormat.appendLine(
                        to: &batch, unixMilliseconds: clock(), level: .warning, event: "log_dropped",
                        context: [], fields: ["dropped": .int(dropped)])
                }
                if !batch.isEmpty {
                    batch.withUnsafeBytes { sink.write($0) }
                }
                for waiter in waiters { waiter.signal() }
            }
        }
    }
}
