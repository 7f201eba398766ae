/// Runs Swift tasks and actors on a ``UVEventLoop``'s thread.
///
/// Used as an actor's `unownedExecutor` it makes the actor loop-bound; used as
/// a task executor preference it keeps a request handler on its connection's
/// thread. From the same loop an enqueue costs an array append; from another
/// thread, a locked append plus (at most) one `uv_async_send` per burst.
final class UVLoopExecutor: LoopExecutor, @unchecked Sendable {
    unowned let loop: UVEventLoop

    init(loop: UVEventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(.job(UnownedJob(job)))
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    func checkIsolated() {
        precondition(loop.inEventLoop, "expected to run on \(loop.name)")
    }
}
