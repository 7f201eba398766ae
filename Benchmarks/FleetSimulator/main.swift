import BenchmarkSupport
import Foundation

// yaguts-sim: a fleet of virtual dispensers against any Yaguts server.
let usage = """
usage: yaguts-sim --url http://127.0.0.1:8080 [--devices N] [--jobs N] [--watchers M]
                  [--dispense-ms MS] [--fail-rate P] [--drop-rate P] [--duration S] [--frascos F]
  --devices     virtual devices, each with its own keep-alive connection (10)
  --jobs        jobs in total, spread over the devices (= devices)
  --watchers    WebSocket watchers per job (1)
  --dispense-ms time each item takes to dispense (20)
  --fail-rate   probability an item fails (0.1)
  --drop-rate   probability a job suffers a Wi-Fi drop (0.05)
  --duration    keep devices busy with new jobs for S seconds (0: just --jobs)
Exits 0 when every job ended right, every watcher heard `completed` once, and stock is exact.
Connections come from 127.0.0.x source addresses; raise `ulimit -n` for big fleets.
"""

// A peer closing while we write must be an error on that socket, not the end of the process.
signal(SIGPIPE, SIG_IGN)
let options = Options(CommandLine.arguments.dropFirst())
guard options.has("url"), !options.flag("help") else {
    print(usage)
    exit(options.flag("help") ? 0 : 2)
}
var fleet = FleetOptions()
fleet.devices = max(1, options.int("devices", 10))
fleet.jobs = options.int("jobs", fleet.devices)
fleet.watchersPerJob = options.int("watchers", 1)
fleet.dispenseMs = options.int("dispense-ms", 20)
fleet.failRate = options.double("fail-rate", 0.1)
fleet.dropRate = options.double("drop-rate", 0.05)
fleet.durationSeconds = options.double("duration", 0)
fleet.frascos = options.int("frascos", 4)
ProcStatus.raiseFileLimit(to: 1_048_576)

do {
    let endpoint = try ServerEndpoint(url: options.string("url", ""))
    let summary = try await Fleet(options: fleet, clients: ClientSide(endpoint: endpoint)).run()
    print("yaguts-sim: \(fleet.devices) devices against \(endpoint)")
    for line in summary.lines { print("  " + line) }
    for failure in summary.failures { print("  FAIL: \(failure)") }
    exit(summary.failures.isEmpty ? 0 : 1)
} catch {
    print("yaguts-sim: \(error)")
    exit(1)
}
