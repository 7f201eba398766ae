import Synchronization

/// A fixed set of ``UVEventLoop``s, one thread each (by default one per core).
/// Connections are spread over the loops by the kernel (one listening socket
/// per loop with SO_REUSEPORT); ``next()`` spreads other work round-robin.
public final class EventLoopGroup: Sendable {
    public let loops: [UVEventLoop]
    private let cursor = Atomic<Int>(0)

    /// `threads` loops named `<name>-0`, `<name>-1`, … (thread names show in `top -H` and profilers).
    public init(threads: Int = EventLoopGroup.defaultThreadCount, name: String = "loop") {
        precondition(threads > 0)
        loops = (0..<threads).map { UVEventLoop(name: "\(name)-\($0)") }
    }

    public static var defaultThreadCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    public func next() -> UVEventLoop {
        let index = cursor.add(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// Stops every loop and joins its thread. Shut connections down first.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}

import Foundation
