import CLibUV
import Synchronization
import Runtime

/// The libuv side of a ``UVEventLoop`` that client sockets need: its
/// `uv_loop_t` and a read buffer shared by every client socket on that thread.
///
/// The loop pointer is `UVEventLoop.loop`, visible to this package's targets
/// (`package` access) and to nothing outside it.
///
/// Threading: created once per loop and immutable; `readBuffer` is used only
/// on the loop thread, inside a read callback, and consumed before it returns.
final class ClientLoop: @unchecked Sendable {
    let eventLoop: UVEventLoop
    let uvLoop: UnsafeMutablePointer<uv_loop_t>
    let readBuffer: UnsafeMutableRawBufferPointer

    private init(_ eventLoop: UVEventLoop) {
        self.eventLoop = eventLoop
        self.uvLoop = eventLoop.loop
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    private static let contexts = Mutex<[ObjectIdentifier: ClientLoop]>([:])

    /// The context of `eventLoop`, created on first use and kept for the process's life.
    static func of(_ eventLoop: UVEventLoop) -> ClientLoop {
        contexts.withLock { contexts in
            if let context = contexts[ObjectIdentifier(eventLoop)] { return context }
            let context = ClientLoop(eventLoop)
            contexts[ObjectIdentifier(eventLoop)] = context
            return context
        }
    }
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC), the one clock every latency here uses.
@inline(__always)
public func monotonicNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
