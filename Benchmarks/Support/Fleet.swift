import Foundation
import Synchronization

/// What a fleet run does; the `yaguts-sim` flags map one to one.
public struct FleetOptions: Sendable {
    public var devices = 10
    /// Jobs in total, spread evenly over the devices (run one after another on each).
    public var jobs = 10
    public var watchersPerJob = 1
    public var dispenseMs = 20
    /// Probability that an item fails (dispenses nothing).
    public var failRate = 0.1
    /// Probability that a job suffers a Wi-Fi drop: progress lost, the
    /// connection reset, and the complete report delivered twice (a retry
    /// after a lost response), the second time as a replay.
    public var dropRate = 0.05
    public var dropMs = 300
    /// When > 0, devices keep taking new jobs until this many seconds passed.
    public var durationSeconds = 0.0
    public var frascos = 4
    public var refillMg: Int64 = 100_000_000
    public var setupConcurrency = 64

    public init() {}
}

/// The outcome of a fleet run: counts and every check that failed.
public struct FleetSummary: Sendable {
    public var jobs = 0
    public var done = 0
    public var partial = 0
    public var failed = 0
    public var watchers = 0
    public var watchersCompleted = 0
    public var progressPosted = 0
    public var progressLost = 0
    public var progressRateLimited = 0
    public var completeRetries = 0
    public var replaysConfirmed = 0
    public var drops = 0
    public var seconds = 0.0
    public var failures: [String] = []

    public var lines: [String] {
        [
            "jobs \(jobs) (done \(done), partial \(partial), failed \(failed)) in \(String(format: "%.1f", seconds)) s"
                + " = \(String(format: "%.1f", Double(jobs) / max(seconds, 0.001))) jobs/s",
            "watchers \(watchers), got completed exactly once: \(watchersCompleted)",
            "progress posted \(progressPosted), lost to drops \(progressLost), rate-limited \(progressRateLimited)",
            "wifi drops \(drops), complete retries \(completeRetries), replays confirmed \(replaysConfirmed)",
            failures.isEmpty ? "verification: every job ended right and stock is exact"
                : "verification FAILED: \(failures.count) problems",
        ]
    }
}

/// N virtual devices speaking the real device protocol over real sockets,
/// with M WebSocket watchers per job, then a check of every outcome.
///
/// Each device: creates (as its user) its next job, opens the job's watchers
/// and waits for their snapshots, long-polls `next`, dispenses item by item
/// (progress `dispensing` then `ok`/`failed`), and posts `complete` with
/// retries. The device keeps the ledger it expects; at the end every job's
/// status, every watcher's `completed`, and every frasco's stock are compared
/// with the server's.
public final class Fleet: Sendable {
    public let options: FleetOptions
    public let clients: ClientSide
    private let summary = Mutex(FleetSummary())

    public init(options: FleetOptions, clients: ClientSide) {
        self.options = options
        self.clients = clients
    }

    private struct DeviceState: Sendable {
        let session: DeviceSession
        let jobCount: Int
    }

    public func run() async throws -> FleetSummary {
        let options = options
        let user = try await UserSession.register(clients.setupClient(0))
        let devices = Mutex<[Int: DeviceSession]>([:])
        try await concurrentForEach(options.devices, limit: options.setupConcurrency) { [clients] index in
            let setup = user.on(clients.setupClient(index))
            let (id, token) = try await setup.createDevice(name: "sim-\(index)", frascos: options.frascos)
            for frasco in 0..<options.frascos {
                try await setup.refill(device: id, frasco: frasco, amountMg: options.refillMg)
            }
            let session = DeviceSession(client: clients.client(index), id: id, token: token)
            try await session.client.connect()
            devices.withLock { $0[index] = session }
        }
        let sessions = devices.withLock { $0 }
        let started = Date()
        let deadline = options.durationSeconds > 0 ? started.addingTimeInterval(options.durationSeconds) : nil
        let ledgers = Mutex<[Int64: [Int: Int64]]>([:])
        try await concurrentForEach(options.devices, limit: options.devices) { [self] index in
            let session = sessions[index]!
            let quota = options.jobs / options.devices + (index < options.jobs % options.devices ? 1 : 0)
            var dispensed: [Int: Int64] = [:]
            var done = 0
            var generator = SystemRandomNumberGenerator()
            while done < quota || (deadline.map { Date() < $0 } ?? false) {
                try await runJob(user: user.on(clients.setupClient(index)), device: session,
                                 deviceIndex: index, dispensed: &dispensed, random: &generator)
                done += 1
            }
            ledgers.withLock { $0[session.id] = dispensed }
        }
        let seconds = Date().timeIntervalSince(started)
        // Stock: refill minus what the devices reported as dispensed, exactly.
        let expected = ledgers.withLock { $0 }
        try await concurrentForEach(sessions.count, limit: options.setupConcurrency) { [self] index in
            let session = sessions[index]!
            let stock = try await user.on(clients.setupClient(index)).stock(device: session.id)
            for frasco in 0..<options.frascos {
                let want = options.refillMg - (expected[session.id]?[frasco] ?? 0)
                if stock[frasco] != want {
                    fail("device \(session.id) frasco \(frasco): stock \(stock[frasco].map(String.init) ?? "missing"), expected \(want)")
                }
            }
        }
        for session in sessions.values { session.client.disconnect() }
        return summary.withLock { $0.seconds = seconds; return $0 }
    }

    private func fail(_ message: String) {
        summary.withLock { if $0.failures.count < 50 { $0.failures.append(message) } }
    }

    private func runJob(user: UserSession, device: DeviceSession, deviceIndex: Int,
                        dispensed: inout [Int: Int64], random: inout SystemRandomNumberGenerator) async throws {
        let options = options
        let itemCount = Int.random(in: 1...3, using: &random)
        let planned = (0..<itemCount).map { _ in
            (frasco: Int.random(in: 0..<options.frascos, using: &random), amountMg: Int64.random(in: 100...5_000, using: &random))
        }
        let jobID = try await user.createJob(device: device.id, items: planned)
        var watchers: [JobWatcher] = []
        for watcherIndex in 0..<options.watchersPerJob {
            let loop = clients.loop(deviceIndex + watcherIndex)
            watchers.append(try await JobWatcher.open(
                endpoint: clients.endpoint, loop: loop, jobID: jobID, token: user.token,
                sourceHost: SourceAddresses.forConnection(deviceIndex * (options.watchersPerJob + 1) + watcherIndex + 1)))
        }
        guard let job = try await device.next(wait: 10) else { throw BenchError("device \(device.id): no job after 10 s") }
        guard job.id == jobID else { throw BenchError("device \(device.id): got job \(job.id), expected \(jobID)") }
        // A simulated device never loses its record, so each job reaches it exactly once.
        guard job.delivery == 1 else { throw BenchError("device \(device.id): job \(job.id) delivered \(job.delivery) times") }

        let drops = Double.random(in: 0..<1, using: &random) < options.dropRate
        let dropAt = drops ? Int.random(in: 0..<job.items.count, using: &random) : -1
        var dropUntil: Date?
        var entries: [(position: Int, frasco: Int, ok: Bool, dispensedMg: Int64)] = []
        for item in job.items {
            if item.position == dropAt {
                summary.withLock { $0.drops += 1 }
                device.client.disconnect()
                dropUntil = Date().addingTimeInterval(Double(options.dropMs) / 1000)
            }
            try await postProgress(device, job: job.id, body: DeviceSession.progressBody(
                position: item.position, frasco: item.frasco, status: "dispensing", dispensedMg: 0), dropUntil: dropUntil)
            if options.dispenseMs > 0 { try await Task.sleep(for: .milliseconds(options.dispenseMs)) }
            let ok = Double.random(in: 0..<1, using: &random) >= options.failRate
            let amount = ok ? item.amountMg : 0
            entries.append((item.position, item.frasco, ok, amount))
            try await postProgress(device, job: job.id, body: DeviceSession.progressBody(
                position: item.position, frasco: item.frasco, status: ok ? "ok" : "failed", dispensedMg: amount), dropUntil: dropUntil)
        }
        if let dropUntil, dropUntil > Date() {
            try await Task.sleep(for: .milliseconds(Int(dropUntil.timeIntervalSinceNow * 1000) + 1))
        }
        let okCount = entries.filter(\.ok).count
        let expected = okCount == entries.count ? "done" : okCount == 0 ? "failed" : "done_partial"
        let body = DeviceSession.completeBody(entries)
        let first = try await completeWithRetries(device, job: job.id, body: body)
        check(first, expected: expected, job: job.id, replay: false)
        if drops {
            // The response to the first report "was lost": the device sends it again.
            let again = try await completeWithRetries(device, job: job.id, body: body)
            check(again, expected: expected, job: job.id, replay: true)
            if JSON.object(again.body)?["replayed"] as? Bool == true, again.header("Idempotent-Replayed") == "true" {
                summary.withLock { $0.replaysConfirmed += 1 }
            }
        }
        for entry in entries where entry.ok { dispensed[entry.frasco, default: 0] += entry.dispensedMg }

        // Watchers hear `completed` after the durable commit, i.e. by now or very soon.
        let watchDeadline = Date().addingTimeInterval(10)
        while watchers.contains(where: { $0.counts.completed == 0 && !$0.counts.closedEarly }), Date() < watchDeadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        var completedOnce = 0
        for watcher in watchers {
            let counts = watcher.counts
            if counts.snapshots == 1, counts.completed == 1, counts.completedStatus == expected, counts.malformed == 0 {
                completedOnce += 1
            } else {
                fail("job \(job.id) watcher: snapshots \(counts.snapshots), completed \(counts.completed) "
                     + "(\(counts.completedStatus ?? "-"), expected \(expected)), malformed \(counts.malformed)")
            }
            watcher.close()
        }
        let final = try await user.job(job.id)["status"] as? String
        if final != expected { fail("job \(job.id): server status \(final ?? "-"), expected \(expected)") }
        summary.withLock { summary in
            summary.jobs += 1
            summary.watchers += watchers.count
            summary.watchersCompleted += completedOnce
            switch expected {
            case "done": summary.done += 1
            case "failed": summary.failed += 1
            default: summary.partial += 1
            }
        }
    }

    private func postProgress(_ device: DeviceSession, job: Int64, body: [UInt8], dropUntil: Date?) async throws {
        if let dropUntil, Date() < dropUntil {
            summary.withLock { $0.progressLost += 1 }
            return
        }
        let status = try await device.progress(job: job, body: body)
        summary.withLock { summary in
            summary.progressPosted += 1
            if status == 429 { summary.progressRateLimited += 1 }
        }
        if status != 202 && status != 429 { fail("job \(job): progress answered \(status)") }
    }

    /// Posts the report until the server answers 200 (or a final error):
    /// transport errors, 429 and 503 are retried with a growing pause.
    private func completeWithRetries(_ device: DeviceSession, job: Int64, body: [UInt8]) async throws -> HTTPClientResponse {
        for attempt in 0..<20 {
            if attempt > 0 {
                summary.withLock { $0.completeRetries += 1 }
                try await Task.sleep(for: .milliseconds(min(1000, 50 * attempt)))
            }
            do {
                let response = try await device.complete(job: job, body: body)
                if response.status == 429 || response.status == 503 { continue }
                return response
            } catch {
                continue
            }
        }
        throw BenchError("job \(job): complete report not accepted after 20 attempts")
    }

    private func check(_ response: HTTPClientResponse, expected: String, job: Int64, replay: Bool) {
        let object = JSON.object(response.body)
        guard response.status == 200, object?["status"] as? String == expected,
              object?["replayed"] as? Bool == replay else {
            fail("job \(job): complete answered \(response.status) \(response.bodyText.prefix(200)), expected \(expected) replayed \(replay)")
            return
        }
    }
}
