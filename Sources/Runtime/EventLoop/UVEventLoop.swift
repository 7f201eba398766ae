package import CLibUV
import Foundation
import Synchronization

/// An ``EventLoop`` on its own thread, driven by libuv.
///
/// One loop iteration (libuv's order): timers → I/O callbacks → `check` (we run
/// work queued by this thread) → closing handles → `prepare` (we run queued
/// work again, so nothing waits for the next poll) → poll.
///
/// Hand-off: work from another thread goes into a locked inbox and wakes the
/// loop with one `uv_async_send`; libuv coalesces wake-ups, and the inbox only
/// signals when it goes from empty to non-empty, so one syscall serves a whole
/// burst. Work submitted on the loop thread itself goes to a thread-local queue
/// with no lock and no syscall (Redis's `beforeSleep` idea).
public final class UVEventLoop: EventLoop, @unchecked Sendable {
    // Thread confinement: `loop`, `local`, `handles` are touched only on the
    // loop thread (after `init` returns); `inbox` is the one shared field.
    /// The libuv loop, for transports in this package (the TCP server here,
    /// the benchmarks' client sockets); touched only on the loop thread.
    package let loop: UnsafeMutablePointer<uv_loop_t>
    private let wakeUp: UnsafeMutablePointer<uv_async_t>
    private let checkHandle: UnsafeMutablePointer<uv_check_t>
    private let prepareHandle: UnsafeMutablePointer<uv_prepare_t>
    private let idleHandle: UnsafeMutablePointer<uv_idle_t>
    private var local: [LoopWork] = []
    private var idleRunning = false
    private let inbox = Mutex<[LoopWork]>([])
    private let handOffs = Atomic<UInt64>(0)
    /// The loop thread's `pthread_t`, 0 until it starts; read on every `inEventLoop`.
    private let threadID = Atomic<UInt>(0)
    private var thread: Thread?
    private let stopped = DispatchSemaphore(value: 0)
    private lazy var loopExecutor = UVLoopExecutor(loop: self)

    /// Per-loop read buffer: every read callback on this thread consumes it
    /// before the next read, so connections hold no buffer while idle.
    let readBuffer: UnsafeMutableRawBufferPointer

    /// A name for the thread, e.g. `loop-0`.
    public let name: String

    /// Most work items run per `check`/`prepare` pass before the loop polls
    /// again, so a task that keeps re-enqueueing itself cannot starve I/O.
    private static let maxWorkPerPass = 4096

    public init(name: String, readBufferSize: Int = 64 * 1024) {
        self.name = name
        loop = .allocate(capacity: 1)
        wakeUp = .allocate(capacity: 1)
        checkHandle = .allocate(capacity: 1)
        prepareHandle = .allocate(capacity: 1)
        idleHandle = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
        precondition(uv_loop_init(loop) == 0, "uv_loop_init failed")
        loop.pointee.data = Unmanaged.passUnretained(self).toOpaque()

        uv_async_init(loop, wakeUp) { handle in
            UVEventLoop.from(handle!.pointee.loop).drainInbox()
        }
        uv_check_init(loop, checkHandle)
        uv_check_start(checkHandle) { handle in
            UVEventLoop.from(handle!.pointee.loop).drainLocal()
        }
        uv_unref(uvHandle(checkHandle))
        uv_prepare_init(loop, prepareHandle)
        uv_prepare_start(prepareHandle) { handle in
            UVEventLoop.from(handle!.pointee.loop).drainLocal()
        }
        uv_unref(uvHandle(prepareHandle))
        uv_idle_init(loop, idleHandle)

        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [unowned self] in
            threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .releasing)
            started.signal()
            uv_run(loop, UV_RUN_DEFAULT)
            stopped.signal()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
        started.wait()
    }

    static func from(_ loop: UnsafeMutablePointer<uv_loop_t>?) -> UVEventLoop {
        Unmanaged<UVEventLoop>.fromOpaque(loop!.pointee.data).takeUnretainedValue()
    }

    public var inEventLoop: Bool {
        threadID.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self()))
    }

    public var executor: any LoopExecutor { loopExecutor }

    public var nowMilliseconds: UInt64 { uv_now(loop) }

    public func execute(_ work: @escaping @Sendable () -> Void) {
        enqueue(.closure(work))
    }

    /// Work items that reached this loop from another thread since it started:
    /// each is a thread hand-off (the hop counter that tests and benchmarks
    /// read to prove a path stays on its loop).
    public var crossThreadHandOffs: UInt64 { handOffs.load(ordering: .relaxed) }

    func enqueue(_ work: LoopWork) {
        if inEventLoop {
            local.append(work)
            return
        }
        handOffs.add(1, ordering: .relaxed)
        let wasEmpty = inbox.withLock { inbox in
            inbox.append(work)
            return inbox.count == 1
        }
        if wasEmpty { uv_async_send(wakeUp) }
    }

    public func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any LoopTimer {
        assertInEventLoop()
        return UVTimer(loop: self, delay: delay, work: work)
    }

    private func drainInbox() {
        let batch = inbox.withLock { inbox -> [LoopWork] in
            defer { inbox.removeAll(keepingCapacity: true) }
            return inbox
        }
        for work in batch { run(work) }
        drainLocal()
    }

    private func drainLocal() {
        var budget = Self.maxWorkPerPass
        while !local.isEmpty && budget > 0 {
            var batch: [LoopWork] = []
            swap(&batch, &local)
            for work in batch {
                run(work)
                budget -= 1
            }
            if local.isEmpty { local = batch; local.removeAll(keepingCapacity: true) }
        }
        // Work left over keeps the poll from blocking until it has run.
        if !local.isEmpty && !idleRunning {
            idleRunning = true
            uv_idle_start(idleHandle) { handle in
                let loop = UVEventLoop.from(handle!.pointee.loop)
                loop.idleRunning = false
                uv_idle_stop(handle)
                loop.drainLocal()
            }
        }
    }

    @inline(__always)
    private func run(_ work: LoopWork) {
        switch work {
        case .closure(let body):
            body()
        case .job(let job):
            job.runSynchronously(
                isolatedTo: loopExecutor.asUnownedSerialExecutor(),
                taskExecutor: loopExecutor.asUnownedTaskExecutor())
        }
    }

    /// Stops the loop: closes every handle still open (their close callbacks
    /// run), ends `uv_run`, and waits for the thread. Call from another thread
    /// once the loop's connections have been shut down.
    public func shutdown() {
        precondition(!inEventLoop, "shutdown waits for the loop thread; call it from elsewhere")
        execute { [self] in
            uv_walk(loop, { handle, _ in
                if uv_is_closing(handle) == 0 { uv_close(handle, nil) }
            }, nil)
        }
        stopped.wait()
        uv_loop_close(loop)
        loop.deallocate()
        wakeUp.deallocate()
        checkHandle.deallocate()
        prepareHandle.deallocate()
        idleHandle.deallocate()
        readBuffer.deallocate()
    }
}

/// A unit of work for a loop: a closure or a Swift task's job.
enum LoopWork {
    case closure(@Sendable () -> Void)
    case job(UnownedJob)
}
