import Testing
@testable import RuntimeSupport

@Suite struct MetricsConcurrencyTests {
    @Test func incrementsFromManyTasksAddUpExactly() async {
        let registry = MetricsRegistry()
        let tasks = 16, perTask = 2_000
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    // Half the tasks look the series up every time, to race the registry too.
                    let cached = registry.counter("hits_total", help: "h")
                    let gauge = registry.gauge("level", help: "h")
                    let histogram = registry.histogram("obs", help: "h", buckets: [0.5])
                    for index in 0..<perTask {
                        let counter = task.isMultiple(of: 2) ? cached : registry.counter("hits_total", help: "h")
                        counter.increment()
                        gauge.increment(by: 0.5)
                        if index.isMultiple(of: 2) { gauge.decrement(by: 0.25) }
                        histogram.observe(index.isMultiple(of: 2) ? 0.25 : 1)
                    }
                }
            }
        }
        let total = tasks * perTask
        #expect(registry.counter("hits_total", help: "h").value == UInt64(total))
        // Multiples of 1/4 below 2^53 are exact in binary, so the CAS loop must lose nothing.
        #expect(registry.gauge("level", help: "h").value == Double(total) * 0.5 - Double(total / 2) * 0.25)
        let (cumulative, sum) = registry.histogram("obs", help: "h", buckets: [0.5]).snapshot()
        #expect(cumulative == [UInt64(total / 2), UInt64(total)])
        #expect(sum == Double(total / 2) * 0.25 + Double(total / 2))
    }
}
