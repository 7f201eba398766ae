import BenchmarkSupport
import Foundation

// swift run -c release Benchmarks <name> [options]; see docs/benchmarks.md.
let benchmarks: [(name: String, summary: String, run: (Options) async throws -> Bool)] = [
    ("report-to-ws", "complete report → watchers' `completed`, open loop, sweep", ReportToWS.run),
    ("progress-to-ws", "progress report → watchers' `progress`, open loop, sweep", ProgressToWS.run),
    ("multi-job", "1,000 jobs on 1,000 devices with 10 watchers each, verified", MultiJob.run),
    ("capacity", "long-polling devices + idle WebSockets held, RSS per connection", { try await Capacity.run($0, name: "capacity") }),
    ("throughput", "durable complete reports per second at saturation", Throughput.run),
    ("executor-hops", "executor hop costs (loop actor, same-loop enqueue, default actor)", ExecutorHops.run),
    ("json-decode", "completion report body → value + canonical form, old five passes vs one parse", JSONDecode.run),
    ("group-commit", "Database.write commits/s with 1, 16, 256 writers on a real file", GroupCommit.run),
    ("broadcast", "200-byte message to 10,000 WebSockets, time to last delivery", Broadcast.run),
    ("idle-ws-memory", "server RSS per idle WebSocket", { try await Capacity.run($0, name: "idle-ws-memory") }),
    ("http-vs-nginx", "keep-alive GET requests/s vs nginx, with wrk", HTTPvsNginx.run),
    ("report-hops", "thread hand-offs per completion report, counted by the server's /metrics", ReportHops.run),
    ("soak", "minutes at 100 reports/s, half the devices go silent; latency per 10 s window", Soak.run),
]

// A peer closing while we write must be an error on that socket, not the end of the process.
signal(SIGPIPE, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: Benchmarks <name> [--smoke] [options]\n")
    for benchmark in benchmarks { print("  \(benchmark.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(benchmark.summary)") }
    print("\nResults: a table on stdout and .build/bench-results/<name>.json. Server: $YAGUTS_BIN or .build/release/yaguts.")
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    let ok = try await benchmark.run(Options(arguments.dropFirst()))
    exit(ok ? 0 : 1)
} catch {
    print("\(name): \(error)")
    exit(1)
}
