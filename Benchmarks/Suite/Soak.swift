import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `soak`: a long run at a steady report rate, looking for periodic stalls
/// (WAL checkpoints, the presence sweep and last-seen flush, actor
/// retirement, metrics): latency per 10-second window, not only overall.
///
/// Open loop, as `report-to-ws`: the pacer fires one complete report per
/// slot at its scheduled time and latency (scheduled time → the watcher's
/// `completed`) counts every delay. Unlike `report-to-ws` the staging never
/// pauses the load: stager tasks keep about a second of reports ready (a job
/// for an idle device, taken with `next`, one watcher attached) while the
/// pacer fires, so job creation, `next` and WebSocket opens run alongside,
/// as in production. Every device also heartbeats. Half the devices go
/// silent at mid-run — no heartbeat, `next` or report after that — so the
/// presence sweep marks them offline at once and flushes their last-seen
/// times while the other half keeps reporting.
///
/// Correctness (exit 1): every report answered 200 `done`, every watcher
/// heard `completed` exactly once, stock exact, the silent half offline and
/// the rest online at the end. Latency never fails the run.
enum Soak {
    static let windowSeconds = 10.0

    /// One staged report: its device, job and watcher, and how far it got.
    final class Staged: Sendable {
        let device: Int
        let job: Int64
        let scheduledAt = Atomic<UInt64>(0)
        let watcher = Mutex<JobWatcher?>(nil)
        /// The 200 and the watcher's `completed`: finished when both arrived.
        let parts = Atomic<Int>(0)
        init(device: Int, job: Int64) { self.device = device; self.job = job }
    }

    /// What the stagers, the pacer and the replies share.
    final class Run: Sendable {
        let idle: Mutex<[Int]>
        let ready = Mutex<[Staged]>([])
        let staging = Atomic<Int>(0)
        let finished = Mutex<[(at: UInt64, staged: Staged)]>([])
        let inFlight = Atomic<Int>(0)
        let windows: [SharedHistogram]
        let overall = SharedHistogram()
        let starved = Mutex<[Int: Int]>([:])
        let completedPerDevice: Mutex<[Int]>
        let failures = Mutex<[String]>([])
        let failureCount = Atomic<Int>(0)
        let watchersChecked = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        /// Set once every report is answered (or given up on): the reaper checks what is left and ends.
        let lastPass = Atomic<Bool>(false)
        let lastSilentTraffic = Atomic<UInt64>(0)
        let heartbeatsRefused = Atomic<Int>(0)
        /// Connection numbers for watchers (after the devices'), which choose their source addresses.
        let connections: Atomic<Int>
        let origin: UInt64
        let silenceAt: UInt64
        /// The silent half's last staging: about a second (what is kept ready) before silence.
        var lastSilentStaging: UInt64 { silenceAt &- 1_500_000_000 }
        /// When the probed silent device was first seen offline (0: not yet).
        let sweptAt = Atomic<UInt64>(0)
        let silentFrom: Int

        init(devices: Int, windows: Int, origin: UInt64, silenceAt: UInt64) {
            idle = Mutex(Array(0..<devices).shuffled())
            completedPerDevice = Mutex(Array(repeating: 0, count: devices))
            self.windows = (0..<windows).map { _ in SharedHistogram() }
            self.origin = origin
            self.silenceAt = silenceAt
            silentFrom = devices / 2
            connections = Atomic(devices)
        }

        func isSilent(_ device: Int) -> Bool { device >= silentFrom }
        func window(of at: UInt64) -> Int { min(windows.count - 1, Int(Double(at &- origin) / 1e9 / Soak.windowSeconds)) }
        func fail(_ message: String) {
            if failureCount.add(1, ordering: .relaxed).newValue <= 20 { failures.withLock { $0.append(message) } }
        }
        func noteSilentTraffic(_ device: Int) {
            if isSilent(device) { lastSilentTraffic.max(monotonicNanos(), ordering: .relaxed) }
        }
        /// One part (the 200 or `completed`) of a report arrived; the second frees its device.
        func partDone(_ staged: Staged) {
            guard staged.parts.add(1, ordering: .acquiringAndReleasing).newValue == 2 else { return }
            completedPerDevice.withLock { $0[staged.device] += 1 }
            finished.withLock { $0.append((monotonicNanos(), staged)) }
            idle.withLock { $0.append(staged.device) }
            inFlight.subtract(1, ordering: .relaxed)
        }
    }

    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let seconds = options.double("seconds", smoke ? 15 : 600)
        let rate = options.int("rate", 100)
        let deviceCount = options.int("devices", smoke ? 100 : 1000)
        // Silent devices must be declared offline well inside the run: at most a quarter of it.
        let offlineAfter = options.int("offline-after", max(3, min(90, Int(seconds / 4))))
        var report = BenchReport(name: "soak", columns: [
            "window", "reports", "p50_us", "p99_us", "p99.9_us", "max_us", "not_staged", "event",
        ])
        print("soak: \(Int(seconds)) s at \(rate)/s, \(deviceCount) devices (half silent from \(seconds / 2) s), "
              + "1 watcher/job, --offline-after \(offlineAfter)")
        let bench = try await BenchServer.start(arguments: ["--offline-after", String(offlineAfter)])
        do {
            try await measure(bench, seconds: seconds, rate: rate, devices: deviceCount, offlineAfter: offlineAfter, &report)
        } catch {
            report.failures.append("\(error)")
        }
        bench.stop(&report)
        return report.finish()
    }

    static func measure(_ bench: BenchServer, seconds: Double, rate: Int, devices deviceCount: Int, offlineAfter: Int,
                        _ report: inout BenchReport) async throws {
        let devices = try await bench.devices(deviceCount)
        let origin = monotonicNanos() + 2_000_000_000
        let run = Run(devices: deviceCount, windows: Int((seconds / windowSeconds).rounded(.up)), origin: origin,
                      silenceAt: origin + UInt64(seconds / 2 * 1e9))
        let amount: Int64 = 100
        let body = DeviceSession.completeBody([(position: 0, frasco: 0, ok: true, dispensedMg: amount)])
        let aheadTarget = max(10, rate)  // about a second of reports ready

        // Heartbeats: each device every offline-after/2 s, spread out; the silent half stops at silence.
        let heartbeatEvery = Double(offlineAfter) / 2
        let heartbeats = Task {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<deviceCount {
                    group.addTask {
                        try? await Task.sleep(for: .seconds(Double.random(in: 0..<heartbeatEvery)))
                        var beats = 0
                        while !run.stopped.load(ordering: .relaxed) {
                            if run.isSilent(index) && monotonicNanos() >= run.silenceAt { return }
                            run.noteSilentTraffic(index)
                            beats += 1
                            let status = try? await devices[index].heartbeat(uptimeSeconds: beats)
                            if status != 200 { run.heartbeatsRefused.add(1, ordering: .relaxed) }
                            try? await Task.sleep(for: .seconds(heartbeatEvery))
                        }
                    }
                }
            }
        }

        // Stagers: keep about a second of reports ready, never the silent half after silence.
        let stagers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while !run.stopped.load(ordering: .relaxed) {
                            let busy = run.ready.withLock { $0.count } + run.staging.load(ordering: .relaxed)
                            let device: Int? = busy >= aheadTarget ? nil : run.idle.withLock { idle in
                                while let first = idle.first {
                                    idle.removeFirst()
                                    if !(run.isSilent(first) && monotonicNanos() >= run.lastSilentStaging) { return first }
                                }
                                return nil
                            }
                            guard let device else {
                                try? await Task.sleep(for: .milliseconds(2))
                                continue
                            }
                            run.staging.add(1, ordering: .relaxed)
                            do {
                                let staged = try await stage(device, devices[device], bench, run, amount: amount,
                                                             connection: run.connections.add(1, ordering: .relaxed).newValue)
                                run.ready.withLock { $0.append(staged) }
                            } catch {
                                run.fail("staging device \(devices[device].id): \(error)")
                                run.idle.withLock { $0.append(device) }
                            }
                            run.staging.subtract(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }

        // Closes finished watchers a second after their `completed`, checking it came exactly once.
        let reaper = Task {
            while true {
                try? await Task.sleep(for: .milliseconds(200))
                let last = run.lastPass.load(ordering: .acquiring)
                let cutoff = monotonicNanos() &- 1_000_000_000
                let due = run.finished.withLock { finished -> [Staged] in
                    let due = finished.prefix { last || $0.at < cutoff }.map(\.staged)
                    finished.removeFirst(due.count)
                    return due
                }
                for staged in due { check(staged, run) }
                if last { return }
            }
        }

        // Watches one silent device until the server declares it offline.
        let probe = Task {
            let user = bench.user.on(bench.clients.setupClient(run.silentFrom))
            while !run.stopped.load(ordering: .relaxed) {
                try? await Task.sleep(for: .milliseconds(250))
                guard monotonicNanos() > run.silenceAt,
                      let presence = try? await user.presence(device: devices[run.silentFrom].id), !presence.online else { continue }
                run.sweptAt.store(monotonicNanos(), ordering: .relaxed)
                return
            }
        }

        let slots = Int(seconds * Double(rate))
        await OpenLoopPacer.run(count: slots, ratePerSecond: Double(rate), start: origin) { _, at in
            guard let staged = run.ready.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                run.starved.withLock { $0[run.window(of: at), default: 0] += 1 }
                return
            }
            run.inFlight.add(1, ordering: .relaxed)
            staged.scheduledAt.store(at, ordering: .releasing)
            run.noteSilentTraffic(staged.device)
            devices[staged.device].fireComplete(job: staged.job, body: body, host: bench.clients.endpoint.authority) { problem in
                if let problem { run.fail(problem) } else { run.partDone(staged) }
            }
        }
        // Presence first, while the active half still heartbeats.
        try await verifyPresence(devices, run, bench, &report)
        run.stopped.store(true, ordering: .relaxed)
        await probe.value
        await stagers.value
        heartbeats.cancel()
        await heartbeats.value
        let drained = await waitUntil(seconds: 30) { run.inFlight.load(ordering: .relaxed) == 0 }
        report.check(drained, "\(run.inFlight.load(ordering: .relaxed)) reports still unanswered or unheard 30 s after the last")
        try? await Task.sleep(for: .seconds(1))  // time for a duplicate `completed` to show
        run.lastPass.store(true, ordering: .releasing)
        await reaper.value
        // Staged but never fired: their watchers must not have heard `completed`.
        for staged in run.ready.withLock({ $0 }) {
            if let watcher = staged.watcher.withLock({ $0 }) {
                report.check(watcher.counts.completed == 0, "job \(staged.job): completed heard for a report never sent")
                watcher.close()
            }
        }

        try await ReportToWS.verifyStock(devices, jobsPerDevice: run.completedPerDevice.withLock { $0 }, amount: amount,
                                         bench, &report)
        for failure in run.failures.withLock({ $0 }) { report.failures.append(failure) }
        if run.failureCount.load(ordering: .relaxed) > 20 {
            report.failures.append("… \(run.failureCount.load(ordering: .relaxed)) failures in all")
        }
        addRows(run, seconds: seconds, offlineAfter: offlineAfter, &report)
        let fired = slots - run.starved.withLock { $0.values.reduce(0, +) }
        report.check(run.overall.snapshot.count == UInt64(fired), "\(run.overall.snapshot.count) completions timed, \(fired) reports sent")
        report.notes.append("\(run.watchersChecked.load(ordering: .relaxed)) watchers heard `completed` exactly once "
                            + "(checked 1 s after it, then closed); \(fired) of \(slots) slots fired")
        let lastSilent = Double(Int64(bitPattern: run.lastSilentTraffic.load(ordering: .relaxed) &- origin)) / 1e9
        let swept = run.sweptAt.load(ordering: .relaxed)
        report.notes.append(String(format: "silent half's last request at %.1f s (silence due at %.1f s); a silent device "
                                   + "seen offline at %@ (--offline-after %d); heartbeats refused: %d",
                                   lastSilent, seconds / 2, swept == 0 ? "never" : String(format: "%.1f s", Double(swept &- run.origin) / 1e9),
                                   offlineAfter, run.heartbeatsRefused.load(ordering: .relaxed)))
        report.notes.append("not_staged: slots with no report ready (the stagers fell behind: a client-side limit, "
                            + "not counted as latency)")
    }

    /// A job for `device`, taken with `next`, with one watcher attached (snapshot received).
    static func stage(_ index: Int, _ device: DeviceSession, _ bench: BenchServer, _ run: Run, amount: Int64,
                      connection: Int) async throws -> Staged {
        run.noteSilentTraffic(index)
        let user = bench.user.on(bench.clients.setupClient(index))
        let job = try await user.createJob(device: device.id, items: [(frasco: 0, amountMg: amount)])
        guard let taken = try await device.next(wait: 0), taken.id == job else {
            throw BenchError("device \(device.id) did not take job \(job)")
        }
        let staged = Staged(device: index, job: job)
        let watcher = try await JobWatcher.open(
            endpoint: bench.clients.endpoint, loop: bench.clients.loop(connection), jobID: job, token: user.token,
            sourceHost: SourceAddresses.forConnection(connection)) { event in
                guard event.type == "completed" else { return }
                let at = staged.scheduledAt.load(ordering: .acquiring)
                guard at != 0 else { return }
                let latency = event.receivedAt &- at
                run.overall.record(latency)
                run.windows[run.window(of: at)].record(latency)
                run.partDone(staged)
            }
        staged.watcher.withLock { $0 = watcher }
        return staged
    }

    static func check(_ staged: Staged, _ run: Run) {
        guard let watcher = staged.watcher.withLock({ $0 }) else { return }
        let counts = watcher.counts
        if counts.completed == 1 && counts.completedStatus == "done" && counts.malformed == 0 {
            run.watchersChecked.add(1, ordering: .relaxed)
        } else {
            run.fail("job \(staged.job): watcher heard completed \(counts.completed)× (\(counts.completedStatus ?? "-")), "
                     + "malformed \(counts.malformed)")
        }
        watcher.close()
    }

    /// The silent half offline with a last-seen time, the rest online.
    static func verifyPresence(_ devices: [DeviceSession], _ run: Run, _ bench: BenchServer,
                               _ report: inout BenchReport) async throws {
        let wrong = Mutex<[String]>([])
        try await concurrentForEach(devices.count, limit: 32) { index in
            let presence = try await bench.user.on(bench.clients.setupClient(index)).presence(device: devices[index].id)
            let silent = run.isSilent(index)
            if presence.online == silent || presence.lastSeenAt == nil {
                wrong.withLock { $0.append("device \(devices[index].id) (\(silent ? "silent" : "active")): "
                                        + "online \(presence.online), last seen \(presence.lastSeenAt ?? "never")") }
            }
        }
        let problems = wrong.withLock { $0 }
        report.check(problems.isEmpty, "presence wrong on \(problems.count) devices: \(problems.prefix(3))")
    }

    static func addRows(_ run: Run, seconds: Double, offlineAfter: Int, _ report: inout BenchReport) {
        let starved = run.starved.withLock { $0 }
        let silenceWindow = Int(seconds / 2 / windowSeconds)
        let swept = run.sweptAt.load(ordering: .relaxed)
        let sweepWindow = swept == 0 ? -1 : run.window(of: swept)
        for (index, window) in run.windows.enumerated() {
            var row = window.snapshot.microsecondColumns
            let start = Double(index) * windowSeconds
            row["window"] = String(format: "%.0f-%.0f s", start, min(seconds, start + windowSeconds))
            row["reports"] = row["count"]
            row["not_staged"] = starved[index, default: 0]
            var events: [String] = []
            if index == silenceWindow { events.append("half silent") }
            if index == sweepWindow { events.append("silent half seen offline") }
            row["event"] = events.isEmpty ? "" : events.joined(separator: ", ")
            report.add(row)
        }
        var total = run.overall.snapshot.microsecondColumns
        total["window"] = "overall"
        total["reports"] = total["count"]
        total["not_staged"] = starved.values.reduce(0, +)
        total["event"] = ""
        report.add(total)
    }
}
