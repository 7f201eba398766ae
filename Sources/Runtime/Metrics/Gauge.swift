import Synchronization

/// A Prometheus gauge: a value that goes up and down (open connections, queue depth).
///
/// The `Double` lives in an atomic as its bit pattern: `set` is one store,
/// `increment`/`decrement` a compare-and-swap loop. Lock-free from any thread.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    init() {}

    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    public func set(_ value: Int) {
        set(Double(value))
    }

    public func increment(by amount: Double = 1) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: (Double(bitPattern: current) + amount).bitPattern,
                ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    public func decrement(by amount: Double = 1) {
        increment(by: -amount)
    }

    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }
}
