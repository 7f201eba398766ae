import Synchronization

/// A Prometheus histogram: counts of observations at or below fixed upper
/// bounds, plus their sum (request latency in seconds, payload sizes).
///
/// `observe` is a binary search and two lock-free atomic updates. Each bucket
/// is stored non-cumulatively and the exposition sums them, so `_count` always
/// equals the `+Inf` bucket even while observations race with a scrape.
/// For precise percentiles use ``HDRHistogram``; this type trades precision
/// for aggregatability across instances.
public final class Histogram: Sendable {
    /// Latency buckets in seconds, 0.5 ms … 10 s.
    public static let defaultLatencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Finite, strictly increasing bucket bounds; `+Inf` is implicit.
    public let upperBounds: [Double]
    /// One more than `upperBounds`: the last counts observations above every bound (and NaN).
    private let buckets: [Counter]
    private let sumBits = Gauge()

    /// - Precondition: `upperBounds` finite and strictly increasing.
    init(upperBounds: [Double]) {
        precondition(upperBounds.allSatisfy(\.isFinite), "histogram bounds must be finite (+Inf is implicit)")
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 },
                     "histogram bounds must be strictly increasing")
        self.upperBounds = upperBounds
        buckets = (0...upperBounds.count).map { _ in Counter() }
    }

    public func observe(_ value: Double) {
        // First bound >= value; `le` is inclusive.
        var low = 0
        var high = upperBounds.count
        while low < high {
            let middle = (low + high) / 2
            if upperBounds[middle] >= value { high = middle } else { low = middle + 1 }
        }
        buckets[low].increment()
        sumBits.increment(by: value)
    }

    /// Observes a duration in seconds, the Prometheus base unit.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// Cumulative counts per bound (the last for `+Inf`, equal to the total count) and the sum.
    public func snapshot() -> (cumulativeCounts: [UInt64], sum: Double) {
        var running: UInt64 = 0
        let cumulative = buckets.map { bucket in
            running &+= bucket.value
            return running
        }
        return (cumulative, sumBits.value)
    }
}
