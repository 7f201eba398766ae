import Foundation
import Runtime

/// `serve --backup-dir DIR --backup-every T --backup-keep N`: an online backup
/// every period while serving (the database keeps taking writes meanwhile),
/// each written atomically and verified, the oldest beyond N deleted. The
/// outcome of each is logged and exported, so "the last good backup is too
/// old" is an alert, not a discovery made during a restore.
///
/// The first backup is due one period after the newest one already in the
/// directory (at once if there is none), so a server that restarts often does
/// not rotate good backups away with near-identical copies.
struct BackupScheduler: Sendable {
    let rotation: BackupRotation
    let interval: Duration
    let database: Database
    let logger: Logger
    let errors: ErrorReporter
    private let lastSuccess: Gauge
    private let lastFailure: Gauge
    private let lastDuration: Gauge
    private let lastSize: Gauge
    private let succeeded: Counter
    private let failed: Counter

    init(configuration: Configuration, directory: String, database: Database, registry: MetricsRegistry, logger: Logger,
         errors: ErrorReporter) {
        rotation = BackupRotation(directory: directory, prefix: "yaguts-", keep: configuration.backupKeep)
        interval = .seconds(configuration.backupIntervalSeconds)
        self.database = database
        self.logger = logger
        self.errors = errors
        registry.gauge("yaguts_backup_interval_seconds", help: "Configured period between scheduled backups (absent: backups off).")
            .set(configuration.backupIntervalSeconds)
        lastSuccess = registry.gauge("yaguts_backup_last_success_timestamp_seconds",
                                     help: "When the newest verified backup was written (Unix time; 0: never).")
        lastFailure = registry.gauge("yaguts_backup_last_failure_timestamp_seconds",
                                     help: "When a scheduled backup last failed (Unix time; 0: never since start).")
        lastDuration = registry.gauge("yaguts_backup_last_duration_seconds", help: "How long the last successful backup took.")
        lastSize = registry.gauge("yaguts_backup_last_size_bytes", help: "Size of the last successful backup.")
        succeeded = registry.counter("yaguts_backups_total", help: "Scheduled backups attempted, by result.", labels: ["result": "ok"])
        failed = registry.counter("yaguts_backups_total", help: "Scheduled backups attempted, by result.", labels: ["result": "failed"])
    }

    /// Runs until cancelled; a backup in progress is finished first.
    func run() async {
        var delay = Duration.zero
        if let newest = rotation.newestBackupDate() {
            lastSuccess.set(newest.timeIntervalSince1970)
            let age = Duration.milliseconds(Int64(max(0, Date().timeIntervalSince(newest)) * 1000))
            delay = age < interval ? interval - age : .zero
        }
        logger.info("backups_scheduled", ["directory": "\(rotation.directory)", "every_seconds": .int(Int(interval.components.seconds)),
                                          "keep": .int(rotation.keep), "first_in_seconds": .int(Int(delay.components.seconds))])
        while !Task.isCancelled {
            do { try await Task.sleep(for: delay) } catch { return }
            await takeOne()
            delay = interval
        }
    }

    private func takeOne() async {
        let started = ContinuousClock.now
        do {
            let (path, bytes) = try await rotation.take(from: database)
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            lastSuccess.set(Date().timeIntervalSince1970)
            lastDuration.set(seconds)
            lastSize.set(bytes)
            succeeded.increment()
            logger.info("backup_written", ["path": "\(path)", "bytes": .int(bytes), "duration_ms": .int(Int(seconds * 1000))])
        } catch {
            lastFailure.set(Date().timeIntervalSince1970)
            failed.increment()
            errors.backupFailed(error, directory: rotation.directory)
        }
    }
}
