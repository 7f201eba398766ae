import Synchronization

/// An ``HDRHistogram`` that many threads may record into at once.
///
/// Every operation takes one short lock; recording is O(1) under it. Reading
/// statistics scans the counters under the lock (tens of microseconds for a
/// nanosecond-to-hour range), so read for reporting, not per request.
public final class ConcurrentHistogram: Sendable {
    private let histogram: Mutex<HDRHistogram>
    /// An empty histogram of the same layout, copied to start each interval.
    private let empty: HDRHistogram

    public init(lowestDiscernibleValue: UInt64 = 1, highestTrackableValue: UInt64, significantFigures: Int = 3) {
        empty = HDRHistogram(
            lowestDiscernibleValue: lowestDiscernibleValue,
            highestTrackableValue: highestTrackableValue,
            significantFigures: significantFigures)
        histogram = Mutex(empty)
    }

    public func record(_ value: UInt64) {
        histogram.withLock { $0.record(value) }
    }

    public func record(_ value: UInt64, count: UInt64) {
        histogram.withLock { $0.record(value, count: count) }
    }

    /// Adds the values of a histogram recorded elsewhere (a per-thread one, say).
    public func merge(_ other: HDRHistogram) {
        histogram.withLock { $0.merge(other) }
    }

    public func reset() {
        histogram.withLock { $0.reset() }
    }

    /// The digest, computed under the lock.
    public func summary() -> HistogramSummary {
        histogram.withLock { $0.summary }
    }

    /// A copy of the current state. Copy-on-write: the next `record` pays for
    /// duplicating the counters, under the lock, so prefer ``summary()`` or
    /// ``snapshotAndReset()`` on hot histograms.
    public func snapshot() -> HDRHistogram {
        histogram.withLock { $0 }
    }

    /// Returns everything recorded so far and starts over with an empty
    /// histogram, atomically: for interval reporting where no value may be
    /// counted twice or lost.
    public func snapshotAndReset() -> HDRHistogram {
        // Shares `empty`'s counters until the next record copies them; that
        // copy happens under the lock, but replaces an allocation here.
        var fresh = empty
        histogram.withLock { swap(&fresh, &$0) }
        return fresh
    }
}
