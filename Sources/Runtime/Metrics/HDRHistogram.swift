/// A high-dynamic-range histogram of unsigned integer values (latencies in
/// nanoseconds or microseconds, sizes in bytes), after Gil Tene's HdrHistogram.
///
/// Every recorded value is kept to `significantFigures` decimal digits of
/// precision across the whole range: ``valueAtPercentile(_:)`` returns a value
/// `v` with `exact ≤ v ≤ exact + exact / 10^significantFigures` (or within
/// `lowestDiscernibleValue` for tiny values), where `exact` is the
/// nearest-rank percentile of the recorded values. Recording is O(1), memory
/// is fixed at creation (about 270 KB for 1 ns … 1 hour at 3 figures).
///
/// Values above `highestTrackableValue` are recorded as `highestTrackableValue`
/// (saturating), so an outlier never traps a server. `min`, `max` and `mean`
/// are exact over the (saturated) values.
///
/// A value type and not thread-safe; share one through ``ConcurrentHistogram``.
public struct HDRHistogram: Sendable, Equatable {
    let layout: HDRLayout
    /// One counter per sub-bucket, indexed by `layout.countsIndex(for:)`.
    private(set) var counts: [UInt64]
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    private var minimum: UInt64 = .max
    private var maximum: UInt64 = 0
    /// Exact sum; 128 bits so an hour of nanoseconds times billions of records cannot overflow.
    private var sum: UInt128 = 0

    /// - Parameters:
    ///   - lowestDiscernibleValue: the smallest difference that matters (≥ 1), e.g. 1 ns.
    ///   - highestTrackableValue: the largest value kept as is (≥ 2 × lowest), e.g. 3 600 000 000 000 ns.
    ///   - significantFigures: decimal digits of precision, 1…5; 3 means 0.1 %.
    public init(lowestDiscernibleValue: UInt64 = 1, highestTrackableValue: UInt64, significantFigures: Int = 3) {
        layout = HDRLayout(
            lowestDiscernibleValue: lowestDiscernibleValue,
            highestTrackableValue: highestTrackableValue,
            significantFigures: significantFigures)
        counts = Array(repeating: 0, count: layout.countsLength)
    }

    public var lowestDiscernibleValue: UInt64 { layout.lowestDiscernibleValue }
    public var highestTrackableValue: UInt64 { layout.highestTrackableValue }
    public var significantFigures: Int { layout.significantFigures }

    /// The smallest recorded value, or 0 when empty.
    public var min: UInt64 { count == 0 ? 0 : minimum }
    /// The largest recorded value, or 0 when empty.
    public var max: UInt64 { maximum }
    /// The arithmetic mean of recorded values, or 0 when empty.
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// Records one occurrence of `value`.
    public mutating func record(_ value: UInt64) {
        record(value, count: 1)
    }

    /// Records `count` occurrences of `value` (as for coordinated-omission
    /// correction or pre-aggregated input).
    public mutating func record(_ value: UInt64, count occurrences: UInt64) {
        guard occurrences > 0 else { return }
        let value = Swift.min(value, layout.highestTrackableValue)
        counts[layout.countsIndex(for: value)] += occurrences
        count += occurrences
        sum += UInt128(value) * UInt128(occurrences)
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    /// Adds all of `other`'s values. With the same layout this is exactly the
    /// histogram of both inputs; otherwise each of `other`'s counters is
    /// re-recorded at its range's midpoint (precision of the coarser layout),
    /// while count, min, max and mean stay exact.
    public mutating func merge(_ other: HDRHistogram) {
        guard other.count > 0 else { return }
        if other.layout == layout {
            counts.withUnsafeMutableBufferPointer { mine in
                for index in other.counts.indices where other.counts[index] != 0 {
                    mine[index] += other.counts[index]
                }
            }
        } else {
            for bucket in other.nonEmptyBuckets {
                let middle = bucket.lowestValue + (bucket.highestValue - bucket.lowestValue) / 2
                counts[layout.countsIndex(for: Swift.min(middle, layout.highestTrackableValue))] += bucket.count
            }
        }
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, Swift.min(other.minimum, layout.highestTrackableValue))
        maximum = Swift.max(maximum, Swift.min(other.maximum, layout.highestTrackableValue))
    }

    /// Forgets all values, keeping the allocation.
    public mutating func reset() {
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        count = 0
        minimum = .max
        maximum = 0
        sum = 0
    }

    /// The value at or below which `percentile` percent of recorded values lie
    /// (nearest rank: the value of rank `max(1, round(percentile / 100 × count))`
    /// in sorted order), reported as the top of its counter's range capped at
    /// ``max``. `percentile` is clamped to 0…100; an empty histogram gives 0.
    public func valueAtPercentile(_ percentile: Double) -> UInt64 {
        valuesAtPercentiles([percentile])[0]
    }

    /// ``valueAtPercentile(_:)`` for several percentiles in one pass over the counters.
    public func valuesAtPercentiles(_ percentiles: [Double]) -> [UInt64] {
        guard count > 0 else { return Array(repeating: 0, count: percentiles.count) }
        // Visit the requested ranks in ascending order, answering in request order.
        let ranks = percentiles.map(rank(ofPercentile:))
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var results = Array(repeating: maximum, count: percentiles.count)
        var next = 0
        var cumulative: UInt64 = 0
        for index in counts.indices where counts[index] != 0 {
            cumulative += counts[index]
            while next < order.count && ranks[order[next]] <= cumulative {
                results[order[next]] = Swift.min(layout.highestValue(atIndex: index), maximum)
                next += 1
            }
            if next == order.count { break }
        }
        return results
    }

    private func rank(ofPercentile percentile: Double) -> UInt64 {
        let clamped = percentile.isNaN ? 0 : Swift.min(Swift.max(percentile, 0), 100)
        // Rounding (not ceiling) keeps 99.9 % of 1000 at rank 999 despite binary floating point.
        let rank = (clamped / 100 * Double(count) + 0.5).rounded(.down)
        return Swift.max(1, Swift.min(UInt64(rank), count))
    }
}
