import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `report-hops`: how many thread hand-offs one completion report costs a
/// real server, counted by the server itself (`/metrics`:
/// `yaguts_loop_handoffs{loop}`, work handed to a loop from another thread,
/// and `yaguts_db_writes`, closures run by the writer thread — each write is
/// one hand-off to the writer).
///
/// Reports go one at a time. Unmeasured setup: a job for a device, the device
/// takes it with `next`, then W watchers open (snapshot received). Measured:
/// a settled scrape, the report, its 200 and every watcher's `completed`,
/// another scrape. Noise taken out:
/// - a scrape's own cost: the most common difference of back-to-back scrapes
///   (measured first) is subtracted; "settled" means two scrapes in a row
///   differ by exactly that, so setup's trailing work is not counted;
/// - the maintenance task (every 5 s: actor retirement, presence sweep,
///   last-seen flush, then a reader refresh of `yaguts_jobs`): a sample is
///   discarded, and another report measured in its place, when `yaguts_jobs`
///   changed between its first and last scrape (only that task writes it);
/// - work the report causes after the 200 and `completed` is shown apart
///   (`trailing`), counted until the server is settled again.
/// Which loop a watcher landed on is observed, not chosen: each loop owns an
/// epoll instance and `/proc` shows which one took the watcher's socket
/// (see `ServerEpolls`).
enum ReportHops {
    struct Scrape {
        var writes: Double
        var handOffs: [String: Double]
        var jobs: [String: Double]

        init(_ text: String) {
            let samples = PrometheusSamples(text)
            writes = samples.sum("yaguts_db_writes")
            handOffs = samples.family("yaguts_loop_handoffs")
            jobs = samples.family("yaguts_jobs")
        }

        /// `self − earlier`: writes, then hand-offs per loop.
        func minus(_ earlier: Scrape) -> Cost {
            Cost(writes: Int(writes - earlier.writes),
                 handOffs: handOffs.mapValues(Int.init).merging(earlier.handOffs.mapValues { -Int($0) }, uniquingKeysWith: +))
        }
    }

    struct Cost: Equatable, Hashable {
        var writes: Int
        var handOffs: [String: Int]
        var loopHandOffs: Int { handOffs.values.reduce(0, +) }

        func minus(_ other: Cost, times: Int = 1) -> Cost {
            Cost(writes: writes - times * other.writes,
                 handOffs: handOffs.merging(other.handOffs.mapValues { -times * $0 }, uniquingKeysWith: +))
        }
    }

    struct Sample {
        var cost: Cost
        var trailing: Cost
        /// Watchers whose socket is on the device's loop, or nil when not observable.
        var watchersOnDeviceLoop: Int?
        /// Loop hand-offs the design predicts: the writer's resume, plus one per other loop with watchers.
        var predicted: Int?
        var device: Int64
        var excess: Int? { predicted.map { cost.loopHandOffs - $0 } }
    }

    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let wanted = options.int("reports", smoke ? 20 : 200)
        let watcherCount = options.int("watchers", 1)
        let deviceCount = options.int("devices", 4)
        let verbose = options.flag("verbose")
        let deviceFirst = options.flag("device-first")
        var report = BenchReport(name: "report-hops", columns: [
            "watchers_on_device_loop", "reports", "writes min-max", "loop_handoffs min/med/max",
            "thread_handoffs min/med/max", "at_min_%", "excess min/max", "trailing_handoffs max",
        ])
        let bench = try await BenchServer.start(arguments: ["--threads", "2"])
        do {
            try await measure(bench, reports: wanted, watchers: watcherCount, devices: deviceCount, verbose: verbose, deviceFirst: deviceFirst, &report)
        } catch {
            report.failures.append("\(error)")
        }
        bench.stop(&report)
        return report.finish()
    }

    static func measure(_ bench: BenchServer, reports wanted: Int, watchers watcherCount: Int, devices deviceCount: Int,
                        verbose: Bool, deviceFirst: Bool, _ report: inout BenchReport) async throws {
        let pid = bench.server.pid
        let started = Date()
        func scrape() async throws -> Scrape { Scrape(try await bench.metrics()) }

        // A scrape's own cost: the most common difference of back-to-back scrapes.
        var pairs: [Cost: Int] = [:]
        var previous = try await scrape()
        for _ in 0..<30 {
            let next = try await scrape()
            pairs[next.minus(previous), default: 0] += 1
            previous = next
        }
        let baseline = pairs.max { $0.value < $1.value }!.key
        let others = pairs.filter { $0.key != baseline }.map { cost, times in
            "\(cost.writes) writes, \(cost.loopHandOffs) hand-offs ×\(times)"
        }
        print("report-hops: one /metrics scrape costs \(baseline.writes) writes, \(baseline.loopHandOffs) loop hand-offs "
              + "(\(pairs[baseline]!) of 30 back-to-back pairs; others: \(others))")

        /// Scrapes until two in a row differ by exactly one scrape's cost; returns the last and how many were taken.
        func settled() async throws -> (scrape: Scrape, scrapes: Int, first: Scrape) {
            let first = try await scrape()
            var last = first
            for count in 1...200 {
                let next = try await scrape()
                if next.minus(last) == baseline { return (next, count, first) }
                last = next
            }
            throw BenchError("the server did not settle within 200 scrapes (something keeps handing work to loops)")
        }

        // Devices, each connected alone so its socket (and so its loop) can be seen. By default the
        // user refills before the device's first request (as `BenchServer.devices` does);
        // `--device-first` swaps the two, so no actor of the device exists before its loop is known.
        var devices: [DeviceSession] = []
        var deviceSocket: [Int64: Int32] = [:]
        for index in 0..<deviceCount {
            let setup = bench.user.on(bench.clients.setupClient(index))
            let (id, token) = try await setup.createDevice(name: "hops-\(index)", frascos: 1)
            let device = DeviceSession(client: bench.clients.client(index), id: id, token: token)
            if !deviceFirst { try await setup.refill(device: id, frasco: 0, amountMg: 1_000_000_000) }
            let before = ServerEpolls.read(pid: pid)
            guard try await device.next(wait: 0) == nil else { throw BenchError("device \(id) has a job already") }
            let added = ServerEpolls.read(pid: pid).added(since: before)
            if added.count == 1 { deviceSocket[id] = added[0].fd }
            if deviceFirst { try await setup.refill(device: id, frasco: 0, amountMg: 1_000_000_000) }
            devices.append(device)
        }

        let amount: Int64 = 100
        let body = DeviceSession.completeBody([(position: 0, frasco: 0, ok: true, dispensedMg: amount)])
        var samples: [Sample] = []
        var discarded: [Double] = []
        var jobsPerDevice = Array(repeating: 0, count: devices.count)
        var openWatchers: [JobWatcher] = []
        var attempt = 0
        // A sample waits for the next one's first scrape: the maintenance task's refresh of
        // `yaguts_jobs` comes a reader trip after its write, possibly after the sample settled.
        var pending: (sample: Sample, jobs: [String: Double])?
        func resolve(_ jobsNow: [String: Double]) {
            guard let (sample, jobs) = pending else { return }
            if jobsNow == jobs { samples.append(sample) } else { discarded.append(Date().timeIntervalSince(started)) }
            pending = nil
        }
        while samples.count + (pending == nil ? 0 : 1) < wanted {
            guard attempt < wanted * 2 else { throw BenchError("too many discarded samples: \(discarded.count)") }
            let index = attempt % devices.count
            let device = devices[index]
            attempt += 1

            // Setup (unmeasured): job, `next`, watchers.
            let user = bench.user
            let job = try await user.createJob(device: device.id, items: [(frasco: 0, amountMg: amount)])
            guard let taken = try await device.next(wait: 0), taken.id == job else {
                throw BenchError("device \(device.id) did not take job \(job)")
            }
            var watchers: [JobWatcher] = []
            var watcherEpolls: [Int32?] = []
            for w in 0..<watcherCount {
                let before = ServerEpolls.read(pid: pid)
                watchers.append(try await JobWatcher.open(
                    endpoint: bench.clients.endpoint, loop: bench.clients.loop(attempt + w), jobID: job, token: user.token,
                    sourceHost: SourceAddresses.forConnection(attempt * watcherCount + w)))
                let added = ServerEpolls.read(pid: pid).added(since: before)
                watcherEpolls.append(added.count == 1 ? added[0].epoll : nil)
            }
            // Kept open to the end: a close now would hand work to loops during later samples.
            openWatchers += watchers
            let epolls = ServerEpolls.read(pid: pid)
            let deviceEpoll = deviceSocket[device.id].flatMap(epolls.epoll(of:))
            let observed = deviceEpoll != nil && watcherEpolls.allSatisfy { $0 != nil }
            let onDeviceLoop: Int? = observed ? watcherEpolls.filter { $0 == deviceEpoll }.count : nil
            let predicted: Int? = observed ? 1 + Set(watcherEpolls.compactMap { $0 }).subtracting([deviceEpoll!]).count : nil

            // Measured: settled scrape → report → 200 and every `completed` → scrape.
            let (before, _, firstScrape) = try await settled()
            resolve(firstScrape.jobs)
            let response = try await device.complete(job: job, body: body)
            guard response.status == 200, JSON.object(response.body)?["status"] as? String == "done" else {
                throw BenchError("job \(job): complete answered \(response.status) \(response.bodyText.prefix(200))")
            }
            guard await waitUntil(seconds: 10, { watchers.allSatisfy { $0.counts.completed >= 1 } }) else {
                throw BenchError("job \(job): a watcher did not hear completed")
            }
            let after = try await scrape()
            let (end, scrapes, _) = try await settled()
            jobsPerDevice[index] += 1

            if verbose {
                let perLoop = after.minus(before).minus(baseline).handOffs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                print("report \(attempt): device \(device.id) socket \(deviceSocket[device.id].map(String.init) ?? "?") "
                      + "on epoll \(deviceEpoll.map(String.init) ?? "?"), watchers on epolls \(watcherEpolls.map { $0.map(String.init) ?? "?" }), "
                      + "writes \(after.writes - before.writes), hand-offs \(perLoop.joined(separator: " "))")
            }
            pending = (Sample(cost: after.minus(before).minus(baseline),
                              trailing: end.minus(after).minus(baseline, times: scrapes + 1),
                              watchersOnDeviceLoop: onDeviceLoop, predicted: predicted, device: device.id), firstScrape.jobs)
        }
        resolve(try await scrape().jobs)
        for watcher in openWatchers {
            let counts = watcher.counts
            report.check(counts.completed == 1, "job \(watcher.jobID): a watcher heard completed \(counts.completed)×")
            watcher.close()
        }
        try await ReportToWS.verifyStock(devices, jobsPerDevice: jobsPerDevice, amount: amount, bench, &report)

        addRows(samples, watchers: watcherCount, &report)
        let odd = samples.filter { $0.cost.writes != 1 }
        report.check(odd.isEmpty, "\(odd.count) of \(samples.count) reports did not cost exactly one write: "
                     + "\(odd.prefix(5).map(\.cost.writes))")
        report.notes.append(deviceFirst ? "--device-first: each device made its first request before its refill"
                            : "each device was refilled before its first request (--device-first swaps them)")
        report.notes.append("a /metrics scrape costs \(baseline.writes) writes and \(baseline.loopHandOffs) loop hand-offs (subtracted)")
        report.notes.append("\(discarded.count) samples discarded because the maintenance task ran during them (yaguts_jobs changed between its first scrape and the next sample's), at "
                            + discarded.map { String(format: "%.1f s", $0) }.joined(separator: ", ")
                            + " after start: the task runs every 5 s")
        var byDevice: [Int64: [Int]] = [:]
        for sample in samples { if let excess = sample.excess { byDevice[sample.device, default: []].append(excess) } }
        report.notes.append("excess = loop hand-offs beyond the design's 1 + one per other loop with watchers; by device: "
                            + byDevice.keys.sorted().map { id in
                                let values = byDevice[id]!
                                return "device \(id) \(values.min()!)…\(values.max()!)"
                            }.joined(separator: ", "))
        let unknown = samples.filter { $0.watchersOnDeviceLoop == nil }.count
        if unknown > 0 { report.notes.append("\(unknown) reports: the watcher's or device's loop could not be read from /proc") }
        report.notes.append("thread hand-offs = writes (one hand-off each, to the writer thread) + loop hand-offs "
                            + "(the writer's resume on the device's loop, and one per other loop with watchers); "
                            + "trailing = hand-offs after the 200 and every `completed`, until the server settled")
    }

    static func addRows(_ samples: [Sample], watchers: Int, _ report: inout BenchReport) {
        func row(_ label: String, _ group: [Sample]) {
            guard !group.isEmpty else { return }
            func spread(_ values: [Int]) -> String {
                let sorted = values.sorted()
                return "\(sorted.first!)/\(sorted[sorted.count / 2])/\(sorted.last!)"
            }
            let totals = group.map { $0.cost.writes + $0.cost.loopHandOffs }
            let minimum = totals.min()!
            let writes = group.map(\.cost.writes)
            report.add([
                "watchers_on_device_loop": label, "reports": group.count,
                "writes min-max": "\(writes.min()!)-\(writes.max()!)",
                "loop_handoffs min/med/max": spread(group.map(\.cost.loopHandOffs)),
                "thread_handoffs min/med/max": spread(totals),
                "at_min_%": Double(totals.filter { $0 == minimum }.count) * 100 / Double(group.count),
                "excess min/max": group.compactMap(\.excess).isEmpty ? "-"
                    : "\(group.compactMap(\.excess).min()!)/\(group.compactMap(\.excess).max()!)",
                "trailing_handoffs max": group.map { $0.trailing.writes + $0.trailing.loopHandOffs }.max()!,
            ])
        }
        row("all reports", samples)
        for count in (0...watchers).reversed() {
            row("\(count) of \(watchers)", samples.filter { $0.watchersOnDeviceLoop == count })
        }
        row("not observable", samples.filter { $0.watchersOnDeviceLoop == nil })
    }
}
