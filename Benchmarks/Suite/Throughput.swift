import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `throughput`: durable complete reports per second at saturation.
///
/// Unmeasured: J pending jobs spread over D devices. Measured: every device,
/// closed loop, takes its next job and completes it (each 200 is sent only
/// once the result is on disk), until all are done. Stock must then be exact.
/// D defaults high enough that the per-device limit (50/s) is not the cap.
enum Throughput {
    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let deviceCount = options.int("devices", smoke ? 20 : 512)
        let jobCount = options.int("jobs", smoke ? 200 : 20_000)
        var report = BenchReport(name: "throughput", columns: [
            "devices", "jobs", "seconds", "completes/s", "next+complete req/s", "p50_us", "p99_us", "max_us",
        ])
        let bench = try await BenchServer.start()
        do {
            let devices = try await bench.devices(deviceCount)
            let amount: Int64 = 10
            let quota = (0..<deviceCount).map { jobCount / deviceCount + ($0 < jobCount % deviceCount ? 1 : 0) }
            try await concurrentForEach(deviceCount, limit: 64) { [bench] index in
                let user = bench.user.on(bench.clients.setupClient(index))
                for _ in 0..<quota[index] {
                    _ = try await user.createJob(device: devices[index].id, items: [(frasco: 0, amountMg: amount)])
                }
            }
            let latency = SharedHistogram()
            let body = DeviceSession.completeBody([(position: 0, frasco: 0, ok: true, dispensedMg: amount)])
            let bad = Mutex<[String]>([])
            let started = monotonicNanos()
            try await concurrentForEach(deviceCount, limit: deviceCount) { index in
                let device = devices[index]
                while let job = try await device.next(wait: 0) {
                    let sent = monotonicNanos()
                    var response = try await device.complete(job: job.id, body: body)
                    while response.status == 429 {
                        try await Task.sleep(for: .milliseconds(100))
                        response = try await device.complete(job: job.id, body: body)
                    }
                    latency.record(monotonicNanos() - sent)
                    if response.status != 200 { bad.withLock { $0.append("job \(job.id): \(response.status)") } }
                }
            }
            let seconds = Double(monotonicNanos() - started) / 1e9
            let histogram = latency.snapshot
            report.check(histogram.count == UInt64(jobCount), "completed \(histogram.count) of \(jobCount) jobs")
            report.check(bad.withLock { $0 }.isEmpty, "bad replies: \(bad.withLock { $0 }.prefix(3))")
            try await ReportToWS.verifyStock(devices, jobsPerDevice: quota, amount: amount, bench, &report)
            report.add([
                "devices": deviceCount, "jobs": jobCount, "seconds": seconds,
                "completes/s": Double(jobCount) / seconds, "next+complete req/s": Double(2 * jobCount) / seconds,
                "p50_us": Double(histogram.valueAtPercentile(50)) / 1000, "p99_us": Double(histogram.valueAtPercentile(99)) / 1000,
                "max_us": Double(histogram.max) / 1000,
            ])
            for device in devices { device.client.disconnect() }
        } catch {
            report.failures.append("\(error)")
        }
        bench.stop(&report)
        return report.finish()
    }
}
