/// The bucket arithmetic of an HDR histogram: which counter a value falls in,
/// and which range of values each counter stands for.
///
/// Values are split into power-of-two buckets; each bucket is divided into
/// `subBucketHalfCount` linear sub-buckets (bucket 0 into twice that, covering
/// 0 up to the first power-of-two boundary). A sub-bucket's width is therefore
/// at most 1/`subBucketHalfCount` of the values it holds, and
/// `subBucketHalfCount` ≥ 10^significantFigures, which is the precision
/// guarantee. The layout is a pure function of its three parameters.
struct HDRLayout: Sendable, Equatable {
    let lowestDiscernibleValue: UInt64
    let highestTrackableValue: UInt64
    let significantFigures: Int

    /// log2 of the width of a sub-bucket in bucket 0.
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int
    let subBucketHalfCount: Int
    /// Bits of a value that bucket 0 resolves: any value under `mask + 1` is in bucket 0.
    let subBucketMask: UInt64
    let bucketCount: Int
    let countsLength: Int

    init(lowestDiscernibleValue: UInt64, highestTrackableValue: UInt64, significantFigures: Int) {
        precondition(lowestDiscernibleValue >= 1, "lowestDiscernibleValue must be at least 1")
        precondition((1...5).contains(significantFigures), "significantFigures must be 1...5")
        precondition(highestTrackableValue >= 2 * lowestDiscernibleValue,
                     "highestTrackableValue must be at least twice lowestDiscernibleValue")
        self.lowestDiscernibleValue = lowestDiscernibleValue
        self.highestTrackableValue = highestTrackableValue
        self.significantFigures = significantFigures

        var largestValueWithSingleUnitResolution: UInt64 = 2
        for _ in 0..<significantFigures { largestValueWithSingleUnitResolution *= 10 }
        // Smallest power of two at or above it: that many sub-buckets keep unit resolution.
        let subBucketCountMagnitude = 64 - (largestValueWithSingleUnitResolution - 1).leadingZeroBitCount
        subBucketHalfCountMagnitude = subBucketCountMagnitude - 1
        subBucketHalfCount = 1 << subBucketHalfCountMagnitude
        unitMagnitude = 63 - lowestDiscernibleValue.leadingZeroBitCount
        precondition(unitMagnitude + subBucketCountMagnitude <= 62,
                     "lowestDiscernibleValue too large for the requested precision")
        subBucketMask = (UInt64(1 << subBucketCountMagnitude) - 1) << UInt64(unitMagnitude)

        // Add power-of-two buckets until the first untrackable value exceeds the range.
        var smallestUntrackableValue = UInt64(1 << subBucketCountMagnitude) << UInt64(unitMagnitude)
        var buckets = 1
        while smallestUntrackableValue <= highestTrackableValue {
            if smallestUntrackableValue > UInt64.max / 2 {
                buckets += 1
                break
            }
            smallestUntrackableValue <<= 1
            buckets += 1
        }
        bucketCount = buckets
        countsLength = (buckets + 1) * subBucketHalfCount
    }

    /// The counter for `value`, which must not exceed `highestTrackableValue`.
    @inline(__always)
    func countsIndex(for value: UInt64) -> Int {
        let bucket = bucketIndex(for: value)
        let subBucket = Int(truncatingIfNeeded: value >> UInt64(bucket + unitMagnitude))
        return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - subBucketHalfCount
    }

    @inline(__always)
    private func bucketIndex(for value: UInt64) -> Int {
        // The power-of-two bucket is the position of the highest set bit above
        // what bucket 0 resolves; OR-ing the mask maps all of bucket 0 to 0.
        64 - unitMagnitude - subBucketHalfCountMagnitude - 1 - (value | subBucketMask).leadingZeroBitCount
    }

    /// The smallest value that lands in counter `index`.
    func lowestValue(atIndex index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket + unitMagnitude)
    }

    /// The largest value that lands in counter `index`.
    func highestValue(atIndex index: Int) -> UInt64 {
        let bucket = max((index >> subBucketHalfCountMagnitude) - 1, 0)
        return lowestValue(atIndex: index) + ((UInt64(1) << UInt64(bucket + unitMagnitude)) - 1)
    }
}
