import BenchmarkSupport
import Foundation
import Runtime

/// An actor whose executor is a loop's: calls from that loop need no hop.
actor LoopBoundCounter {
    let loop: UVEventLoop
    var value = 0
    init(loop: UVEventLoop) { self.loop = loop }
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    func bump() -> Int { value += 1; return value }
}

/// A default actor (Swift's global cooperative pool).
actor DefaultCounter {
    var value = 0
    func bump() -> Int { value += 1; return value }
}

/// `executor-hops`: what moving between executors costs, per operation.
enum ExecutorHops {
    static func run(_ options: Options) async throws -> Bool {
        let iterations = options.int("iterations", options.flag("smoke") ? 10_000 : 200_000)
        var report = BenchReport(name: "executor-hops", columns: ["case", "iterations", "ns/op", "ops/s"])
        let group = EventLoopGroup(threads: 1)
        let loop = group.loops[0]
        let loopActor = LoopBoundCounter(loop: loop)
        let defaultActor = DefaultCounter()

        func add(_ name: String, _ nanos: UInt64) {
            let perOp = Double(nanos) / Double(iterations)
            report.add(["case": name, "iterations": iterations, "ns/op": perOp, "ops/s": 1e9 / perOp])
        }

        // Global pool → loop actor → back: two thread hops per call.
        var start = monotonicNanos()
        for _ in 0..<iterations { _ = await loopActor.bump() }
        add("global pool -> loop actor round trip", monotonicNanos() - start)

        // A task already on the loop calling the loop-bound actor: no hop.
        let sameLoop = await Task(executorPreference: loop.executor) {
            let start = monotonicNanos()
            for _ in 0..<iterations { _ = await loopActor.bump() }
            return monotonicNanos() - start
        }.value
        add("loop task -> same-loop actor (no hop)", sameLoop)

        // Same-loop enqueue: a closure that re-enqueues itself.
        let enqueue: UInt64 = await withCheckedContinuation { continuation in
            loop.execute {
                EnqueueChain(loop: loop, remaining: iterations, done: continuation).step()
            }
        }
        add("same-loop execute (enqueue + run)", enqueue)

        // Cross-thread execute: a closure per iteration from the global pool, waiting for each.
        start = monotonicNanos()
        for _ in 0..<min(iterations, 50_000) {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in loop.execute { done.resume() } }
        }
        let crossCount = min(iterations, 50_000)
        let cross = Double(monotonicNanos() - start) / Double(crossCount)
        report.add(["case": "global pool -> loop execute -> resume", "iterations": crossCount, "ns/op": cross, "ops/s": 1e9 / cross])

        // Global pool → default actor.
        start = monotonicNanos()
        for _ in 0..<iterations { _ = await defaultActor.bump() }
        add("global pool -> default actor call", monotonicNanos() - start)

        let loopCount = await loopActor.value
        let defaultCount = await defaultActor.value
        report.check(loopCount == 2 * iterations, "loop actor counted \(loopCount)")
        report.check(defaultCount == iterations, "default actor counted \(defaultCount)")
        group.shutdown()
        return report.finish()
    }
}

/// A closure that re-enqueues itself on its loop `remaining` times. Touched
/// only on that loop's thread.
final class EnqueueChain: @unchecked Sendable {
    let loop: UVEventLoop
    var remaining: Int
    let start = monotonicNanos()
    let done: CheckedContinuation<UInt64, Never>

    init(loop: UVEventLoop, remaining: Int, done: CheckedContinuation<UInt64, Never>) {
        self.loop = loop
        self.remaining = remaining
        self.done = done
    }

    func step() {
        remaining -= 1
        if remaining == 0 { done.resume(returning: monotonicNanos() - start); return }
        loop.execute { self.step() }
    }
}
