import Synchronization

/// A Prometheus counter: a total that only goes up (requests served, bytes sent).
///
/// Increments are one relaxed atomic add: lock-free and safe from any thread.
/// Obtain counters from ``MetricsRegistry/counter(_:help:labels:)`` once and
/// keep them; the registry lookup takes a lock.
public final class Counter: Sendable {
    private let total = Atomic<UInt64>(0)

    init() {}

    public func increment(by amount: UInt64 = 1) {
        total.wrappingAdd(amount, ordering: .relaxed)
    }

    public var value: UInt64 {
        total.load(ordering: .relaxed)
    }
}
