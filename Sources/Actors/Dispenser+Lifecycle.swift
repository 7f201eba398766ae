import Foundation
import Runtime

extension Dispenser {
    /// Maintenance's part for jobs: pending jobs past their expiry become
    /// `expired` (watchers told), and progress times are flushed.
    func maintainJobLifecycle() async {
        // Read first, write only when there is something to do: an idle server must not fsync every few seconds.
        let now = Timestamp.now()
        let oldest = Timestamp.format(Date(timeIntervalSinceNow: -DeviceTelemetry.keptSeconds))
        let work = try? await database.read { db in
            (expire: try JobLifecycleQueries.hasDueExpiry(db, now: now), prune: try TelemetryQueries.hasOlder(db, than: oldest))
        }
        if work?.expire == true, let expired = try? await database.write({ try JobLifecycleQueries.expireDue($0, now: now) }) {
            for job in expired {
                if let actor = jobActors.existing(job.id) { await actor.finishedElsewhere(job) }
            }
        }
        if work?.prune == true {
            _ = try? await database.write { try TelemetryQueries.prune($0, before: oldest) }
        }
        let times = progressTimes.drain()
        if !times.isEmpty {
            _ = try? await database.write { try JobLifecycleQueries.setLastProgress($0, times) }
        }
    }

    /// A job as a user sees it (see ``JobView``).
    func userView(_ job: Job) -> Job {
        JobView.forUser(job, presence: presence, progressTimes: progressTimes)
    }

    /// For metrics: the oldest running job's age and the count of running jobs
    /// whose device has been silent for `staleAfter` (across all owners).
    public func runningJobHealth(staleAfter: Duration) async throws -> (oldestAgeSeconds: Int64, stale: Int64) {
        let since = Self.silentSince(staleAfter)
        return try await database.read { try JobLifecycleQueries.runningHealth($0, silentSince: since) }
    }

    static func silentSince(_ staleAfter: Duration) -> String {
        Timestamp.format(Date(timeIntervalSinceNow: -Double(staleAfter.components.seconds)))
    }
}

extension Dispenser {
    /// Notes a progress post's time; returns whether the job should abort.
    func progressPosted(jobID: Int64) {
        progressTimes.record(jobID: jobID, at: Timestamp.now())
    }

    func abortedRunningJob(deviceID: Int64) async throws -> Int64? {
        try await database.read { try JobLifecycleQueries.abortedRunningJob($0, deviceID: deviceID) }
    }
}
