import BenchmarkSupport
import Foundation
import Glibc
import Synchronization
import Runtime

/// A server of our own plus the client side aimed at it, torn down together.
struct BenchServer {
    let server: ServerProcess
    let clients: ClientSide
    let user: UserSession

    static func start(arguments: [String] = [], clientThreads: Int = 2) async throws -> BenchServer {
        ProcStatus.raiseFileLimit(to: 1_048_576)
        let server = try ServerProcess.start(arguments: arguments)
        let clients = ClientSide(endpoint: server.endpoint, threads: clientThreads)
        let user = try await UserSession.register(clients.setupClient(0))
        return BenchServer(server: server, clients: clients, user: user)
    }

    /// Creates `count` devices (one frasco each unless told), refilled, each
    /// with its own connected keep-alive client.
    func devices(_ count: Int, frascos: Int = 1, refillMg: Int64 = 1_000_000_000,
                 connect: Bool = true) async throws -> [DeviceSession] {
        let made = Mutex<[Int: DeviceSession]>([:])
        try await concurrentForEach(count, limit: 64) { [clients, user] index in
            let setup = user.on(clients.setupClient(index))
            let (id, token) = try await setup.createDevice(name: "bench-\(index)", frascos: frascos)
            for frasco in 0..<frascos { try await setup.refill(device: id, frasco: frasco, amountMg: refillMg) }
            let session = DeviceSession(client: clients.client(index), id: id, token: token)
            if connect { try await session.client.connect() }
            made.withLock { $0[index] = session }
        }
        return made.withLock { made in (0..<count).map { made[$0]! } }
    }

    /// `/metrics` as text.
    func metrics() async throws -> String {
        try await clients.setupClient(0).request("GET", "/metrics").bodyText
    }

    /// Stops the server (SIGTERM) and reports whether it exited cleanly.
    func stop(_ report: inout BenchReport) {
        for client in clients.setupClients { client.disconnect() }
        let status = server.stop()
        report.check(status == 0, "server exited with status \(status) after SIGTERM")
    }
}

/// Fires `count` events at a fixed rate from a dedicated thread, each at its
/// scheduled time (an absolute sleep to just before it, then a short spin
/// past the kernel's ~50 µs timer slack), handing the scheduled
/// time to `fire`. Latency measured from that time counts every delay the
/// system adds, the sender's own lateness included: no coordinated omission.
enum OpenLoopPacer {
    static func run(count: Int, ratePerSecond: Double, start: UInt64? = nil,
                    _ fire: @escaping @Sendable (Int, UInt64) -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                let interval = 1e9 / ratePerSecond
                let origin = start ?? monotonicNanos() + 1_000_000
                for index in 0..<count {
                    let scheduled = origin + UInt64(Double(index) * interval)
                    let wake = scheduled - 60_000
                    if monotonicNanos() < wake {
                        var target = timespec(tv_sec: Int(wake / 1_000_000_000), tv_nsec: Int(wake % 1_000_000_000))
                        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
                    }
                    while monotonicNanos() < scheduled {}
                    fire(index, scheduled)
                }
                done.resume()
            }
            thread.name = "bench-pacer"
            thread.start()
        }
    }
}

/// A histogram many threads record into.
final class SharedHistogram: Sendable {
    private let histogram = Mutex(HDRHistogram.latency())
    func record(_ nanos: UInt64) { histogram.withLock { $0.record(nanos) } }
    var snapshot: HDRHistogram { histogram.withLock { $0 } }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// Prints any `yaguts_report_stage_seconds` histogram the server exports.
func printStageMetrics(_ text: String, into report: inout BenchReport) {
    let stages = PrometheusHistogram.parse(text, prefix: "yaguts_report_stage_seconds")
    guard !stages.isEmpty else {
        report.notes.append("server exports no yaguts_report_stage_seconds histogram (per-stage timings not available)")
        return
    }
    print("\nper-stage timings from /metrics (yaguts_report_stage_seconds, bucket-interpolated):")
    for stage in stages {
        let mean = stage.count > 0 ? stage.sum / stage.count : .nan
        let line = String(format: "  %@  count %.0f  mean %.1f µs  p50 %.1f µs  p99 %.1f µs",
                          "{\(stage.labels)}", stage.count, mean * 1e6, stage.quantile(0.5) * 1e6, stage.quantile(0.99) * 1e6)
        print(line)
        report.notes.append("stage {\(stage.labels)}: count \(Int(stage.count)), mean \(String(format: "%.1f", mean * 1e6)) µs, p99 \(String(format: "%.1f", stage.quantile(0.99) * 1e6)) µs")
    }
}

/// One point of a latency sweep: rate, watchers per job, devices, events.
struct SweepCell: CustomStringConvertible {
    var rate: Int
    var watchers: Int
    var devices: Int
    var events: Int

    var description: String { "rate \(rate)/s, \(watchers) watchers/job, \(devices) devices, \(events) events" }

    /// `--rates/--watchers/--devices` (all combinations) or the given default
    /// cells; `--events` fixes the events per cell (else about 3 s of load,
    /// at most three rounds of one per device). `--smoke` shrinks everything.
    static func cells(_ options: Options, defaults: [(Int, Int, Int)]) -> [SweepCell] {
        var triples = defaults
        if options.has("rates") || options.has("watchers") || options.has("devices") {
            triples = []
            for rate in options.ints("rates", [1000]) {
                for watchers in options.ints("watchers", [10]) {
                    for devices in options.ints("devices", [1000]) { triples.append((rate, watchers, devices)) }
                }
            }
        }
        if options.flag("smoke") { triples = [(200, 3, 20)] }
        return triples.map { rate, watchers, devices in
            // About 3 s of load, but at most 3 staging rounds (one event per device per round).
            let events = options.int("events", options.flag("smoke") ? 100 : max(devices, min(rate * 3, devices * 3, 60_000)))
            return SweepCell(rate: rate, watchers: watchers, devices: devices, events: events)
        }
    }
}
