/// One non-empty counter of an ``HDRHistogram``: `count` values were recorded
/// in `lowestValue...highestValue`.
public struct HDRBucket: Sendable, Equatable {
    public var lowestValue: UInt64
    public var highestValue: UInt64
    public var count: UInt64
}

extension HDRHistogram {
    /// The non-empty counters in ascending value order; for export or custom statistics.
    public var nonEmptyBuckets: NonEmptyBuckets {
        NonEmptyBuckets(layout: layout, counts: counts)
    }

    /// A snapshot of the counters (copy-on-write: free until the histogram changes).
    public struct NonEmptyBuckets: Sequence, Sendable {
        let layout: HDRLayout
        let counts: [UInt64]

        public func makeIterator() -> Iterator {
            Iterator(layout: layout, counts: counts)
        }

        public struct Iterator: IteratorProtocol {
            let layout: HDRLayout
            let counts: [UInt64]
            var index = 0

            public mutating func next() -> HDRBucket? {
                while index < counts.count {
                    defer { index += 1 }
                    let count = counts[index]
                    if count != 0 {
                        return HDRBucket(
                            lowestValue: layout.lowestValue(atIndex: index),
                            highestValue: layout.highestValue(atIndex: index),
                            count: count)
                    }
                }
                return nil
            }
        }
    }
}
