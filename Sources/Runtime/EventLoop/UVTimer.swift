import CLibUV

/// A one-shot libuv timer. The handle's memory is owned by libuv from
/// `uv_close` on and freed in the close callback; the timer object keeps
/// itself alive (a retained `data` pointer) until it fires or is cancelled.
final class UVTimer: LoopTimer {
    private var handle: UnsafeMutablePointer<uv_timer_t>?
    private var work: (@Sendable () -> Void)?

    init(loop: UVEventLoop, delay: Duration, work: @escaping @Sendable () -> Void) {
        self.work = work
        let handle = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
        self.handle = handle
        uv_timer_init(loop.loop, handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        let (seconds, attoseconds) = delay.components
        let millis = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        uv_timer_start(handle, { handle in
            let timer = Unmanaged<UVTimer>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
            let work = timer.work
            timer.release()
            work?()
        }, UInt64(millis), 0)
    }

    func cancel() { release() }

    private func release() {
        guard let handle else { return }
        self.handle = nil
        work = nil
        uv_timer_stop(handle)
        let me = Unmanaged<UVTimer>.fromOpaque(handle.pointee.data)
        uv_close(uvHandle(handle), freeHandleOnClose)
        me.release()
    }
}
