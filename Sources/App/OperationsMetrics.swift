import Actors
import Foundation
import Synchronization
import Runtime

/// The metrics an operator alerts on beyond requests and reports: build info,
/// the process (memory, descriptors), the disk under the data directory, the
/// database and WAL file sizes, devices online, the oldest running job and
/// stock movements. Refreshed by the maintenance task (every 5 s), never on a
/// scrape: a scrape runs on an event loop, which must not touch the disk.
final class OperationsMetrics: Sendable {
    private let process: ProcessMetrics
    private let fileSystem: FileSystemMetrics
    private let registry: MetricsRegistry
    private let devices: Gauge
    private let devicesOnline: Gauge
    private let oldestRunningJob: Gauge
    private let movementWatermark: Mutex<Int64?> = Mutex(nil)

    init(registry: MetricsRegistry, configuration: Configuration) {
        self.registry = registry
        registry.gauge("yaguts_build_info", help: "Always 1; the labels say which build runs.",
                       labels: ["version": BuildInfo.version, "commit": BuildInfo.commit]).set(1)
        process = ProcessMetrics(registry: registry, prefix: "yaguts_")
        let database = configuration.databasePath
        fileSystem = FileSystemMetrics(registry: registry, prefix: "yaguts_", directory: configuration.dataDirectory, files: [
            ("database_size_bytes", database, "Size of the database file in bytes."),
            ("database_wal_size_bytes", database + "-wal", "Size of the database's write-ahead log in bytes."),
        ])
        devices = registry.gauge("yaguts_devices", help: "Devices registered.")
        devicesOnline = registry.gauge("yaguts_devices_online", help: "Devices seen within the offline limit.")
        oldestRunningJob = registry.gauge("yaguts_job_oldest_running_age_seconds",
                                          help: "Seconds since the longest-running job started; 0 when none runs.")
        // Every reason exists from the start, so rate() has a series before the first movement.
        for reason in MovementReason.allCases { _ = movementCounters(reason.rawValue) }
    }

    private func movementCounters(_ reason: String) -> (movements: Counter, milligrams: Counter) {
        (registry.counter("yaguts_stock_movements_total", help: "Stock movements written, by reason.", labels: ["reason": reason]),
         registry.counter("yaguts_stock_moved_mg_total", help: "Milligrams moved in or out of stock, by reason.",
                          labels: ["reason": reason]))
    }

    func refresh(_ dispenser: Dispenser) async {
        process.refresh()
        fileSystem.refresh()
        if let fleet = try? await dispenser.fleetStatistics() {
            devices.set(fleet.devices)
            devicesOnline.set(fleet.devicesOnline)
            oldestRunningJob.set(fleet.oldestRunningJobAgeSeconds ?? 0)
        }
        await countMovements(dispenser)
    }

    /// Adds the movements written since the last refresh to
    /// `yaguts_stock_movements_total{reason}` and `yaguts_stock_moved_mg_total{reason}`;
    /// the first call only sets the watermark (counters count from this process's start).
    private func countMovements(_ dispenser: Dispenser) async {
        guard let after = movementWatermark.withLock({ $0 }) else {
            if let last = try? await dispenser.lastMovementID() { movementWatermark.withLock { $0 = last } }
            return
        }
        guard let totals = try? await dispenser.movements(after: after) else { return }
        for (reason, total) in totals.byReason {
            let (movements, milligrams) = movementCounters(reason)
            movements.increment(by: UInt64(total.count))
            milligrams.increment(by: UInt64(total.milligrams))
        }
        movementWatermark.withLock { $0 = totals.lastID }
    }
}
