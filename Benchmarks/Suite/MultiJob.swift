import BenchmarkSupport
import Foundation

/// `multi-job`: J jobs on D devices with W watchers each, all at once,
/// through the fleet simulator's devices; every job must end right, every
/// watcher hear `completed` once, and stock be exact.
enum MultiJob {
    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        var fleet = FleetOptions()
        fleet.devices = options.int("devices", smoke ? 20 : 1000)
        fleet.jobs = options.int("jobs", fleet.devices)
        fleet.watchersPerJob = options.int("watchers", smoke ? 3 : 10)
        fleet.dispenseMs = options.int("dispense-ms", smoke ? 5 : 50)
        fleet.failRate = options.double("fail-rate", 0.1)
        fleet.dropRate = options.double("drop-rate", 0.05)
        var report = BenchReport(name: "multi-job", columns: [
            "devices", "jobs", "watchers", "seconds", "jobs/s", "done", "partial", "failed", "watchers_ok",
            "drops", "replays", "complete_retries", "progress_429",
        ])
        let bench = try await BenchServer.start()
        do {
            let summary = try await Fleet(options: fleet, clients: bench.clients).run()
            for line in summary.lines { print("  " + line) }
            report.add([
                "devices": fleet.devices, "jobs": summary.jobs, "watchers": summary.watchers, "seconds": summary.seconds,
                "jobs/s": Double(summary.jobs) / max(summary.seconds, 0.001), "done": summary.done,
                "partial": summary.partial, "failed": summary.failed, "watchers_ok": summary.watchersCompleted,
                "drops": summary.drops, "replays": summary.replaysConfirmed, "complete_retries": summary.completeRetries,
                "progress_429": summary.progressRateLimited,
            ])
            report.failures += summary.failures
            report.check(summary.jobs == fleet.jobs, "ran \(summary.jobs) jobs, expected \(fleet.jobs)")
            report.check(summary.watchersCompleted == fleet.jobs * fleet.watchersPerJob,
                         "\(summary.watchersCompleted) watchers heard completed, expected \(fleet.jobs * fleet.watchersPerJob)")
        } catch {
            report.failures.append("\(error)")
        }
        bench.stop(&report)
        return report.finish()
    }
}
