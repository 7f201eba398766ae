import Testing
@testable import RuntimeSupport

@Suite struct ConcurrentHistogramTests {
    @Test func recordsFromManyTasksAllCount() async {
        let shared = ConcurrentHistogram(highestTrackableValue: 1_000_000)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for value in 1...500 { shared.record(UInt64(task * 1_000 + value)) }
                }
            }
        }
        let interval = shared.snapshotAndReset()
        #expect(interval.count == 4_000)
        #expect(interval.min == 1 && interval.max == 7_500)
        #expect(shared.summary().count == 0)
        shared.record(5, count: 2)
        var other = HDRHistogram(highestTrackableValue: 1_000_000)
        other.record(9)
        shared.merge(other)
        #expect(shared.snapshot().count == 3 && shared.summary().max == 9)
        shared.reset()
        #expect(shared.snapshot().count == 0)
    }
}
