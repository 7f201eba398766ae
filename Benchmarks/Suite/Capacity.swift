import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `capacity` and `idle-ws-memory`: how many long-polling devices and idle
/// WebSockets the server holds, and its resident memory per connection.
///
/// RSS (`VmRSS` of the server) is read after the devices exist but before any
/// of them connects, again once every device has a `next?wait=30` in flight
/// (re-polled on 204), and again once every WebSocket has its snapshot; the
/// differences divided by the counts are the per-connection costs. The
/// benchmark raises its own RLIMIT_NOFILE (the server inherits it); run by
/// hand after `ulimit -n 1048576` (root) or as high as the hard limit allows.
enum Capacity {
    static func run(_ options: Options, name: String) async throws -> Bool {
        let smoke = options.flag("smoke")
        let idleOnly = name == "idle-ws-memory"
        let deviceCount = options.int("devices", smoke || idleOnly ? (idleOnly ? 0 : 50) : 8_000)
        let socketCount = options.int("websockets", smoke ? 50 : idleOnly ? 16_000 : 8_000)
        var report = BenchReport(name: name, columns: [
            "long_polls", "websockets", "rss_base_kib", "rss_polls_kib", "rss_all_kib",
            "bytes_per_poll", "bytes_per_ws", "setup_s",
        ])
        let limit = ProcStatus.raiseFileLimit(to: 1_048_576)
        report.notes.append("RLIMIT_NOFILE \(limit)")
        let bench = try await BenchServer.start(arguments: ["--max-connections", "\(max(250_000, 2 * (deviceCount + socketCount)))"])
        let started = Date()
        do {
            let devices = try await bench.devices(deviceCount, connect: false)
            let watched = try await bench.devices(1, connect: false)[0]
            let jobCount = max(1, socketCount / 100)
            var jobs: [Int64] = []
            for _ in 0..<jobCount {
                jobs.append(try await bench.user.createJob(device: watched.id, items: [(frasco: 0, amountMg: 1)]))
            }
            let watchedJobs = jobs
            try await Task.sleep(for: .milliseconds(500))
            let base = bench.server.residentKiB

            // Long polls: each device keeps one `next?wait=30` in flight.
            let inFlight = Mutex(0)
            let errors = Mutex<[String]>([])
            let stop = Mutex(false)
            var pollers: [Task<Void, Never>] = []
            for device in devices {
                pollers.append(Task { @Sendable in
                    while !stop.withLock({ $0 }) {
                        do {
                            inFlight.withLock { $0 += 1 }
                            let job = try await device.next(wait: 30)
                            inFlight.withLock { $0 -= 1 }
                            if job != nil { errors.withLock { $0.append("device \(device.id) got a job") } }
                        } catch {
                            inFlight.withLock { $0 -= 1 }
                            if !stop.withLock({ $0 }) { errors.withLock { $0.append("\(error)") } }
                            return
                        }
                    }
                })
            }
            _ = await waitUntil(seconds: 120) { inFlight.withLock { $0 } == devices.count }
            try await Task.sleep(for: .seconds(1))
            let afterPolls = bench.server.residentKiB

            let watchers = Mutex<[JobWatcher]>([])
            try await concurrentForEach(socketCount, limit: 128) { [bench] index in
                let watcher = try await JobWatcher.open(
                    endpoint: bench.clients.endpoint, loop: bench.clients.loop(index), jobID: watchedJobs[index % watchedJobs.count],
                    token: bench.user.token, sourceHost: SourceAddresses.forConnection(deviceCount + index))
                watchers.withLock { $0.append(watcher) }
            }
            try await Task.sleep(for: .seconds(1))
            let afterAll = bench.server.residentKiB
            let polling = inFlight.withLock { $0 }
            let open = watchers.withLock { $0 }.filter { $0.counts.snapshots == 1 && !$0.counts.closedEarly }.count
            report.check(polling == devices.count, "\(polling) of \(devices.count) long polls in flight")
            report.check(open == socketCount, "\(open) of \(socketCount) WebSockets open with their snapshot")
            report.check(errors.withLock { $0 }.isEmpty, "long-poll errors: \(errors.withLock { $0 }.prefix(3))")
            report.add([
                "long_polls": polling, "websockets": open, "rss_base_kib": base, "rss_polls_kib": afterPolls,
                "rss_all_kib": afterAll,
                "bytes_per_poll": devices.isEmpty ? Double.nan : Double(afterPolls - base) * 1024 / Double(devices.count),
                "bytes_per_ws": socketCount == 0 ? Double.nan : Double(afterAll - afterPolls) * 1024 / Double(socketCount),
                "setup_s": Date().timeIntervalSince(started),
            ])
            stop.withLock { $0 = true }
            for watcher in watchers.withLock({ $0 }) { watcher.close() }
            for device in devices { device.client.disconnect() }
            for poller in pollers { poller.cancel() }
        } catch {
            report.failures.append("\(error)")
        }
        bench.stop(&report)
        return report.finish()
    }
}
