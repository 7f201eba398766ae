import Foundation
import Testing
@testable import RuntimeSupport


/// Values spread evenly over orders of magnitude, like latencies: 1 … ~10^10.
private func logUniformValues(count: Int, seed: UInt64) -> [UInt64] {
    var random = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt64(pow(10, Double.random(in: 0..<10, using: &random))) }
}

/// The nearest-rank percentile of sorted values, computed independently of the histogram.
private func exactPercentile(_ sorted: [UInt64], _ percentile: Double) -> UInt64 {
    let rank = (percentile / 100 * Double(sorted.count)).rounded(.toNearestOrAwayFromZero)
    return sorted[min(max(Int(rank), 1), sorted.count) - 1]
}

private let percentilesUnderTest: [Double] = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]

@Suite struct HDRHistogramTests {
    @Test(arguments: [(UInt64(1), 3), (UInt64(1), 2), (UInt64(1_000), 3), (UInt64(1), 4)])
    func percentilesStayWithinTheConfiguredPrecision(lowest: UInt64, figures: Int) {
        var histogram = HDRHistogram(
            lowestDiscernibleValue: lowest, highestTrackableValue: 100_000_000_000, significantFigures: figures)
        let values = logUniformValues(count: 20_000, seed: UInt64(figures) &* 7919 &+ lowest)
        for value in values { histogram.record(value) }
        let sorted = values.sorted()
        var tolerance = 1.0
        for _ in 0..<figures { tolerance /= 10 }
        for percentile in percentilesUnderTest {
            let exact = exactPercentile(sorted, percentile)
            let reported = histogram.valueAtPercentile(percentile)
            let allowed = max(UInt64(Double(exact) * tolerance), lowest - 1)
            #expect(reported >= exact && reported - exact <= allowed,
                    "p\(percentile): exact \(exact), reported \(reported)")
        }
        #expect(histogram.count == UInt64(values.count))
        #expect(histogram.min == sorted.first && histogram.max == sorted.last)
        let exactMean = Double(values.reduce(UInt128(0)) { $0 + UInt128($1) }) / Double(values.count)
        #expect(abs(histogram.mean - exactMean) <= exactMean * 1e-12)
    }

    @Test func smallValuesAreExact() {
        var histogram = HDRHistogram(highestTrackableValue: 3_600_000_000_000)
        for value: UInt64 in [0, 1, 2, 3, 1999, 2047] { histogram.record(value) }
        #expect(histogram.valuesAtPercentiles([16.67, 33.34, 50, 66.67, 83.34, 100]) == [0, 1, 2, 3, 1999, 2047])
    }

    @Test func percentileOnePassMatchesOneAtATime() {
        var histogram = HDRHistogram(highestTrackableValue: 1 << 40)
        for value in logUniformValues(count: 5_000, seed: 3) { histogram.record(value) }
        let unordered: [Double] = [99.9, 50, 0, 100, 90, 50]
        #expect(histogram.valuesAtPercentiles(unordered) == unordered.map(histogram.valueAtPercentile))
    }

    @Test func mergeEqualsRecordingTheUnion() {
        let left = logUniformValues(count: 3_000, seed: 11)
        let right = logUniformValues(count: 2_000, seed: 12)
        var a = HDRHistogram(highestTrackableValue: 100_000_000_000)
        var b = a
        var union = a
        for value in left { a.record(value); union.record(value) }
        for value in right { b.record(value); union.record(value) }
        a.merge(b)
        #expect(a == union)
        #expect(a.summary == union.summary)
    }

    @Test func mergeAcrossLayoutsKeepsExactTotalsAndCoarsePrecision() {
        let values = logUniformValues(count: 4_000, seed: 21)
        var fine = HDRHistogram(highestTrackableValue: 100_000_000_000, significantFigures: 3)
        var coarse = HDRHistogram(highestTrackableValue: 100_000_000_000, significantFigures: 2)
        for value in values { coarse.record(value) }
        fine.merge(coarse)
        let sorted = values.sorted()
        #expect(fine.count == coarse.count && fine.min == coarse.min && fine.max == coarse.max)
        #expect(fine.mean == coarse.mean)
        for percentile in percentilesUnderTest {
            let exact = Double(exactPercentile(sorted, percentile))
            #expect(abs(Double(fine.valueAtPercentile(percentile)) - exact) <= exact * 0.011 + 1, "p\(percentile)")
        }
    }

    @Test func recordWithCountEqualsRepeatedRecords() {
        var repeated = HDRHistogram(highestTrackableValue: 1_000_000)
        var counted = repeated
        for _ in 0..<5 { repeated.record(12_345) }
        counted.record(12_345, count: 5)
        counted.record(99, count: 0)
        #expect(repeated == counted)
    }

    @Test func valuesAboveTheRangeSaturate() {
        var histogram = HDRHistogram(highestTrackableValue: 1_000_000)
        histogram.record(.max)
        histogram.record(10)
        #expect(histogram.max == 1_000_000)
        #expect(histogram.valueAtPercentile(100) == 1_000_000)
        #expect(histogram.mean == 500_005)
    }

    @Test func emptyAndResetHistogramsReportZeros() {
        var histogram = HDRHistogram(highestTrackableValue: 1_000_000)
        let empty = histogram
        #expect(histogram.valueAtPercentile(50) == 0 && histogram.min == 0 && histogram.max == 0 && histogram.mean == 0)
        histogram.record(777, count: 3)
        histogram.reset()
        #expect(histogram == empty)
        #expect(Array(histogram.nonEmptyBuckets).isEmpty)
    }

    @Test func nonEmptyBucketsCoverEveryValueInOrder() {
        var histogram = HDRHistogram(highestTrackableValue: 100_000_000_000)
        let values = logUniformValues(count: 2_000, seed: 5)
        for value in values { histogram.record(value) }
        let buckets = Array(histogram.nonEmptyBuckets)
        #expect(buckets.reduce(0) { $0 + $1.count } == histogram.count)
        for (earlier, later) in zip(buckets, buckets.dropFirst()) {
            #expect(earlier.highestValue < later.lowestValue)
        }
        for value in values {
            let matches = buckets.filter { $0.lowestValue <= value && value <= $0.highestValue }
            #expect(matches.count == 1, "\(value)")
        }
    }

    @Test func summaryHasTheDocumentedShape() throws {
        var histogram = HDRHistogram(highestTrackableValue: 1_000_000)
        for value: UInt64 in [1, 2, 3, 4] { histogram.record(value) }
        let summary = histogram.summary
        #expect(summary == HistogramSummary(count: 4, min: 1, mean: 2.5, p50: 2, p90: 4, p99: 4, p999: 4, max: 4))
        #expect(summary.json == #"{"count":4,"min":1,"mean":2.5,"p50":2,"p90":4,"p99":4,"p99.9":4,"max":4}"#)
        #expect(summary.dictionary == ["count": 4, "min": 1, "mean": 2.5, "p50": 2, "p90": 4, "p99": 4, "p99.9": 4, "max": 4])
        let parsed = try JSONSerialization.jsonObject(with: Data(summary.json.utf8)) as? [String: Any]
        #expect(parsed?.count == 8)
    }

    @Test func hostilePercentileArgumentsAreClamped() {
        var histogram = HDRHistogram(highestTrackableValue: 1_000)
        for value: UInt64 in [10, 20, 30] { histogram.record(value) }
        #expect(histogram.valueAtPercentile(-5) == 10)
        #expect(histogram.valueAtPercentile(250) == 30)
        #expect(histogram.valueAtPercentile(.nan) == 10)
        #expect(histogram.valueAtPercentile(.infinity) == 30)
    }
}
