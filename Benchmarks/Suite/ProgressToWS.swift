import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `progress-to-ws`: latency from a progress report's scheduled send time to
/// each watcher receiving it, at a fixed (open-loop) rate.
///
/// Unmeasured: one running job per device with W watchers attached. Then the
/// pacer fires progress posts round-robin over the devices; each carries a
/// unique `dispensed_mg` tag that names its scheduled time. Progress is
/// best-effort and per device rate-limited (50/s, burst 200): posts answered
/// 429 are counted and not expected at the watchers. At the end every device
/// completes its job, and stock must be exact.
enum ProgressToWS {
    static let defaults = [(100, 1, 100), (1000, 10, 100), (5000, 1, 1000), (1000, 100, 100)]

    static func run(_ options: Options) async throws -> Bool {
        var report = BenchReport(name: "progress-to-ws", columns: [
            "rate/s", "watchers", "devices", "posts", "count", "p50_us", "p90_us", "p99_us", "p99.9_us", "max_us",
            "send_lag_p99_us", "rate_limited", "missing",
        ])
        for cell in SweepCell.cells(options, defaults: defaults) {
            print("progress-to-ws: \(cell)")
            let bench = try await BenchServer.start()
            do {
                report.add(try await measure(cell, bench, &report))
            } catch {
                report.failures.append("\(cell): \(error)")
            }
            bench.stop(&report)
        }
        return report.finish()
    }

    static func measure(_ cell: SweepCell, _ bench: BenchServer, _ report: inout BenchReport) async throws -> [String: Any] {
        let devices = try await bench.devices(cell.devices)
        let latency = SharedHistogram()
        let sendLag = SharedHistogram()
        let scheduled = Mutex<[Int64: UInt64]>([:])
        let heard = Mutex(0)
        let amount: Int64 = 100
        let staged = Mutex<[Int: (job: Int64, watchers: [JobWatcher])]>([:])
        try await concurrentForEach(devices.count, limit: 64) { [bench] index in
            let device = devices[index]
            let user = bench.user.on(bench.clients.setupClient(index))
            let job = try await user.createJob(device: device.id, items: [(frasco: 0, amountMg: amount)])
            var watchers: [JobWatcher] = []
            for w in 0..<cell.watchers {
                watchers.append(try await JobWatcher.open(
                    endpoint: bench.clients.endpoint, loop: bench.clients.loop(index + w), jobID: job, token: user.token,
                    sourceHost: SourceAddresses.forConnection(cell.devices + index * cell.watchers + w)) { event in
                        guard event.type == "progress", let tag = event.dispensedMg else { return }
                        if let start = scheduled.withLock({ $0[tag] }) {
                            latency.record(event.receivedAt &- start)
                            heard.withLock { $0 += 1 }
                        }
                    })
            }
            guard let taken = try await device.next(wait: 0), taken.id == job else {
                throw BenchError("device \(device.id) did not take job \(job)")
            }
            staged.withLock { $0[index] = (job, watchers) }
        }
        let jobs = staged.withLock { $0 }
        let accepted = Mutex(0)
        let limited = Mutex(0)
        let answered = Mutex(0)
        await OpenLoopPacer.run(count: cell.events, ratePerSecond: Double(cell.rate)) { index, at in
            let device = devices[index % devices.count]
            let job = jobs[index % devices.count]!.job
            let tag = Int64(index + 1)
            scheduled.withLock { $0[tag] = at }
            let request = HTTPClientConnection.encode(
                method: "POST", path: "/devices/me/jobs/\(job)/progress", host: bench.clients.endpoint.authority,
                headers: device.auth,
                body: DeviceSession.progressBody(position: 0, frasco: 0, status: "dispensing", dispensedMg: tag))
            device.client.loop.execute {
                device.client.withConnection { connection in
                    guard case .success(let connection) = connection else { answered.withLock { $0 += 1 }; return }
                    sendLag.record(monotonicNanos() &- at)
                    connection.send(encoded: request) { result in
                        answered.withLock { $0 += 1 }
                        if case .success(let response) = result {
                            if response.status == 202 { accepted.withLock { $0 += 1 } }
                            else if response.status == 429 { limited.withLock { $0 += 1 } }
                        }
                    }
                }
            }
        }
        _ = await waitUntil(seconds: 30) {
            answered.withLock { $0 } == cell.events && heard.withLock { $0 } >= accepted.withLock { $0 } * cell.watchers
        }
        let expected = accepted.withLock { $0 } * cell.watchers
        let got = heard.withLock { $0 }
        report.check(got == expected, "\(cell): watchers heard \(got) progress messages, expected \(expected)")
        report.check(accepted.withLock { $0 } + limited.withLock { $0 } == cell.events,
                     "\(cell): \(cell.events - accepted.withLock { $0 } - limited.withLock { $0 }) posts failed")

        // Complete every job; stock must then be exact.
        let body = DeviceSession.completeBody([(position: 0, frasco: 0, ok: true, dispensedMg: amount)])
        try await concurrentForEach(devices.count, limit: 64) { index in
            var response = try await devices[index].complete(job: jobs[index]!.job, body: body)
            while response.status == 429 {
                try await Task.sleep(for: .milliseconds(200))
                response = try await devices[index].complete(job: jobs[index]!.job, body: body)
            }
            if response.status != 200 { throw BenchError("complete: \(response.status) \(response.bodyText)") }
        }
        for entry in jobs.values { for watcher in entry.watchers { watcher.close() } }
        try await ReportToWS.verifyStock(devices, jobsPerDevice: Array(repeating: 1, count: devices.count),
                                         amount: amount, bench, &report)

        var row = latency.snapshot.microsecondColumns
        row["rate/s"] = cell.rate
        row["watchers"] = cell.watchers
        row["devices"] = cell.devices
        row["posts"] = cell.events
        row["rate_limited"] = limited.withLock { $0 }
        row["missing"] = expected - got
        row["send_lag_p99_us"] = Double(sendLag.snapshot.valueAtPercentile(99)) / 1000
        return row
    }
}
