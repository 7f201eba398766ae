import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `report-to-ws`: latency from a complete report's scheduled send time to
/// each watcher receiving `completed`, at a fixed (open-loop) arrival rate.
///
/// Per round, unmeasured: one pending job per device, W watchers each (their
/// snapshots received), and every device has taken its job with `next`. Then
/// the pacer fires the devices' complete reports at the cell's rate; each
/// watcher's `completed` is timed against its report's scheduled time. Rounds
/// repeat until the cell's event count is reached. After the cell, every
/// watcher must have heard exactly one `completed`, every report must have
/// been answered 200 `done`, and each device's stock must be exact.
enum ReportToWS {
    static let defaults = [(100, 1, 100), (1000, 10, 1000), (5000, 1, 1000), (1000, 100, 100)]

    static func run(_ options: Options) async throws -> Bool {
        var report = BenchReport(name: "report-to-ws", columns: [
            "rate/s", "watchers", "devices", "reports", "count", "p50_us", "p90_us", "p99_us", "p99.9_us", "max_us",
            "send_lag_p99_us", "http_p99_us", "missing",
        ])
        var lastMetrics = ""
        for cell in SweepCell.cells(options, defaults: defaults) {
            print("report-to-ws: \(cell)")
            let bench = try await BenchServer.start()
            do {
                let row = try await measure(cell, bench, &report)
                report.add(row)
                lastMetrics = (try? await bench.metrics()) ?? ""
            } catch {
                report.failures.append("\(cell): \(error)")
            }
            bench.stop(&report)
        }
        printStageMetrics(lastMetrics, into: &report)
        return report.finish()
    }

    static func measure(_ cell: SweepCell, _ bench: BenchServer, _ report: inout BenchReport) async throws -> [String: Any] {
        let devices = try await bench.devices(cell.devices)
        let latency = SharedHistogram()
        let sendLag = SharedHistogram()
        let httpLatency = SharedHistogram()
        let scheduled = Mutex<[Int64: UInt64]>([:])
        let badReplies = Mutex<[String]>([])
        var sent = 0
        var missing = 0
        var jobsPerDevice = Array(repeating: 0, count: devices.count)
        let amount: Int64 = 100
        let body = DeviceSession.completeBody([(position: 0, frasco: 0, ok: true, dispensedMg: amount)])

        while sent < cell.events {
            let batch = min(devices.count, cell.events - sent)
            // Stage: a running job per device with its watchers attached.
            let staged = Mutex<[Int: (job: Int64, watchers: [JobWatcher])]>([:])
            // A fresh source address per round: the last round's sockets sit in TIME_WAIT.
            let sourceBase = (1 + sent / max(1, devices.count)) * SourceAddresses.perAddress
            try await concurrentForEach(batch, limit: 64) { [bench] index in
                let device = devices[index]
                let user = bench.user.on(bench.clients.setupClient(index))
                let job = try await user.createJob(device: device.id, items: [(frasco: 0, amountMg: amount)])
                var watchers: [JobWatcher] = []
                for w in 0..<cell.watchers {
                    watchers.append(try await JobWatcher.open(
                        endpoint: bench.clients.endpoint, loop: bench.clients.loop(index + w), jobID: job, token: user.token,
                        sourceHost: SourceAddresses.forConnection(sourceBase + index * cell.watchers + w)) { event in
                            guard event.type == "completed" else { return }
                            if let start = scheduled.withLock({ $0[event.jobID] }) {
                                latency.record(event.receivedAt &- start)
                            }
                        })
                }
                guard let taken = try await device.next(wait: 0), taken.id == job else {
                    throw BenchError("device \(device.id) did not take job \(job)")
                }
                staged.withLock { $0[index] = (job, watchers) }
            }
            let round = staged.withLock { $0 }
            // Measure: the reports, open loop.
            let replies = Mutex(0)
            await OpenLoopPacer.run(count: batch, ratePerSecond: Double(cell.rate)) { index, at in
                let device = devices[index]
                let job = round[index]!.job
                scheduled.withLock { $0[job] = at }
                device.fireComplete(job: job, body: body, host: bench.clients.endpoint.authority,
                                    onWrite: { sendLag.record(monotonicNanos() &- at) }) { problem in
                    httpLatency.record(monotonicNanos() &- at)
                    replies.withLock { $0 += 1 }
                    if let problem { badReplies.withLock { $0.append(problem) } }
                }
            }
            let watchers = round.values.flatMap(\.watchers)
            _ = await waitUntil(seconds: 30) {
                replies.withLock { $0 } == batch && watchers.allSatisfy { $0.counts.completed >= 1 }
            }
            for watcher in watchers {
                let counts = watcher.counts
                if counts.completed != 1 || counts.completedStatus != "done" {
                    missing += 1
                    if missing <= 5 { report.failures.append("job \(watcher.jobID): watcher heard completed \(counts.completed)×") }
                }
                watcher.close()
            }
            for index in 0..<batch { jobsPerDevice[index] += 1 }
            sent += batch
        }
        for failure in badReplies.withLock({ $0 }).prefix(5) { report.failures.append(failure) }
        try await verifyStock(devices, jobsPerDevice: jobsPerDevice, amount: amount, bench, &report)

        var row = latency.snapshot.microsecondColumns
        row["rate/s"] = cell.rate
        row["watchers"] = cell.watchers
        row["devices"] = cell.devices
        row["reports"] = sent
        row["missing"] = missing
        row["send_lag_p99_us"] = Double(sendLag.snapshot.valueAtPercentile(99)) / 1000
        row["http_p99_us"] = Double(httpLatency.snapshot.valueAtPercentile(99)) / 1000
        report.check(latency.snapshot.count == UInt64(sent * cell.watchers),
                     "\(cell): \(latency.snapshot.count) completions timed, expected \(sent * cell.watchers)")
        return row
    }

    /// Each device's one frasco must hold the refill minus `amount` per job it completed.
    static func verifyStock(_ devices: [DeviceSession], jobsPerDevice: [Int], amount: Int64,
                            _ bench: BenchServer, _ report: inout BenchReport, refill: Int64 = 1_000_000_000) async throws {
        let wrong = Mutex<[String]>([])
        try await concurrentForEach(devices.count, limit: 32) { [bench] index in
            let stock = try await bench.user.on(bench.clients.setupClient(index)).stock(device: devices[index].id)
            let want = refill - Int64(jobsPerDevice[index]) * amount
            if stock[0] != want { wrong.withLock { $0.append("device \(devices[index].id): stock \(stock[0] ?? -1), expected \(want)") } }
        }
        let problems = wrong.withLock { $0 }
        report.check(problems.isEmpty, "stock not exact on \(problems.count) devices: \(problems.prefix(3))")
    }
}
