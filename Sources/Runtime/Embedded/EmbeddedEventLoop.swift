public import RuntimeCore
import Synchronization

/// A deterministic event loop for tests and benchmarks of protocol code: no
/// thread of its own, no clock of its own. Work queues up until the test calls
/// ``run()``; timers fire when the test calls ``advanceTime(by:)``.
///
/// Threading: whoever drives it is "the loop thread"; ``inEventLoop`` is
/// always true. Drive it from one task at a time.
public final class EmbeddedEventLoop: EventLoop, @unchecked Sendable {
    private struct Timer {
        let id: UInt64
        let deadline: UInt64
        let work: @Sendable () -> Void
    }

    private struct State {
        var work: [@Sendable () -> Void] = []
        var timers: [Timer] = []
        var nextTimerID: UInt64 = 0
        var now: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private lazy var embeddedExecutor = EmbeddedLoopExecutor(loop: self)

    public init() {}

    public var inEventLoop: Bool { true }

    public var executor: any LoopExecutor { embeddedExecutor }

    public var nowMilliseconds: UInt64 { state.withLock { $0.now } }

    public func execute(_ work: @escaping @Sendable () -> Void) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.work.append(work)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    public func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any LoopTimer {
        let millis = UInt64(max(0, delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000))
        let id = state.withLock { state -> UInt64 in
            state.nextTimerID += 1
            state.timers.append(Timer(id: state.nextTimerID, deadline: state.now + millis, work: work))
            return state.nextTimerID
        }
        return EmbeddedTimer(loop: self, id: id)
    }

    fileprivate func cancelTimer(_ id: UInt64) {
        state.withLock { $0.timers.removeAll { $0.id == id } }
    }

    /// Runs queued work, including work queued by that work, until none is left.
    public func run() {
        while true {
            let batch = state.withLock { state -> [@Sendable () -> Void] in
                defer { state.work.removeAll(keepingCapacity: true) }
                return state.work
            }
            if batch.isEmpty { return }
            for work in batch { work() }
        }
    }

    /// Moves the clock forward, firing due timers in deadline order, then runs queued work.
    public func advanceTime(by delay: Duration) {
        let millis = UInt64(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        let target = state.withLock { $0.now + millis }
        while true {
            let due = state.withLock { state -> Timer? in
                guard let index = state.timers.indices.min(by: { state.timers[$0].deadline < state.timers[$1].deadline }),
                      state.timers[index].deadline <= target else { return nil }
                let timer = state.timers.remove(at: index)
                state.now = max(state.now, timer.deadline)
                return timer
            }
            guard let due else { break }
            due.work()
            run()
        }
        state.withLock { $0.now = target }
        run()
    }

    /// Runs work as it arrives until `condition` holds. Waits (without polling)
    /// for work that other threads submit, e.g. a handler resuming from an actor.
    public func run(until condition: () -> Bool) async {
        while true {
            run()
            if condition() { return }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.work.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Number of timers scheduled and not yet fired or cancelled.
    public var pendingTimerCount: Int { state.withLock { $0.timers.count } }
}

private final class EmbeddedTimer: LoopTimer {
    weak var loop: EmbeddedEventLoop?
    let id: UInt64
    init(loop: EmbeddedEventLoop, id: UInt64) {
        self.loop = loop
        self.id = id
    }
    func cancel() { loop?.cancelTimer(id) }
}

final class EmbeddedLoopExecutor: LoopExecutor, @unchecked Sendable {
    unowned let loop: EmbeddedEventLoop

    init(loop: EmbeddedEventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        loop.execute { [self] in
            unowned.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
    func asUnownedTaskExecutor() -> UnownedTaskExecutor { UnownedTaskExecutor(ordinary: self) }
}
