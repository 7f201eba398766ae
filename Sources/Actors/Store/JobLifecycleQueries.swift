import Runtime

/// Expiry, abort requests and progress times of jobs (migration 6).
enum JobLifecycleQueries {
    /// Marks every pending job whose `expires_at` has passed as `expired`, in
    /// the caller's write; returns the jobs as now stored. The guard on
    /// `status = 'pending'` makes this safe against a concurrent hand-out or cancel.
    static func expireDue(_ db: SQLiteConnection, now: String) throws -> [Job] {
        let due = try db.query("""
            SELECT id FROM jobs WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id LIMIT 500
            """, now, map: { try $0.get(0) as Int64 })
        var expired: [Job] = []
        for id in due {
            let changed = try db.run("UPDATE jobs SET status = 'expired', completed_at = ? WHERE id = ? AND status = 'pending'",
                                     now, id)
            if changed == 1, let record = try JobQueries.job(db, id: id) {
                try WebhookOutbox.jobFinished(db, userID: record.userID, job: record.job)
                expired.append(record.job)
            }
        }
        return expired
    }

    /// Whether a pending job has passed its expiry (read before writing anything).
    static func hasDueExpiry(_ db: SQLiteConnection, now: String) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM jobs WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? LIMIT 1
            """, now, map: { try $0.get(0) as Int64 }) != nil
    }

    enum AbortOutcome: Sendable {
        case recorded(Job)
        case notFound
        case notRunning(JobStatus)
    }

    /// Records an abort request on a running job of `userID` (the first request's time is kept).
    static func requestAbort(_ db: SQLiteConnection, jobID: Int64, userID: Int64, now: String) throws -> AbortOutcome {
        guard let record = try JobQueries.job(db, id: jobID), record.userID == userID else { return .notFound }
        guard record.job.status == .running else { return .notRunning(record.job.status) }
        try db.run("UPDATE jobs SET abort_requested_at = COALESCE(abort_requested_at, ?) WHERE id = ? AND status = 'running'",
                   now, jobID)
        return .recorded(try JobQueries.job(db, id: jobID)!.job)
    }

    /// The device's running job that a user asked to abort, if any.
    static func abortedRunningJob(_ db: SQLiteConnection, deviceID: Int64) throws -> Int64? {
        try db.queryOne("""
            SELECT id FROM jobs WHERE device_id = ? AND status = 'running' AND abort_requested_at IS NOT NULL ORDER BY id LIMIT 1
            """, deviceID, map: { try $0.get(0) as Int64 })
    }

    /// Stores the progress times gathered in memory since the last flush. A
    /// finished job keeps the value it had when it finished, so its watchers'
    /// `completed` event and later reads agree.
    static func setLastProgress(_ db: SQLiteConnection, _ times: [(jobID: Int64, at: String)]) throws {
        for (jobID, at) in times {
            try db.run("""
                UPDATE jobs SET last_progress_at = ?1
                WHERE id = ?2 AND status = 'running' AND (last_progress_at IS NULL OR last_progress_at < ?1)
                """,
                       at, jobID)
        }
    }

    static func defaultExpiry(_ db: SQLiteConnection, userID: Int64) throws -> Int64? {
        try db.queryOne("SELECT default_job_expires_in_s FROM users WHERE id = ?", userID,
                        map: { try $0.get(0) as Int64? }) ?? nil
    }

    static func setDefaultExpiry(_ db: SQLiteConnection, userID: Int64, seconds: Int64?) throws {
        try db.run("UPDATE users SET default_job_expires_in_s = ? WHERE id = ?", seconds, userID)
    }

    /// Across all owners: the age in seconds of the oldest running job (0 if
    /// none) and how many running jobs have a device silent since `silentSince`.
    static func runningHealth(_ db: SQLiteConnection, silentSince: String) throws -> (oldestAgeSeconds: Int64, stale: Int64) {
        let oldest = try db.queryOne("""
            SELECT CAST(COALESCE((julianday('now') - julianday(MIN(started_at))) * 86400, 0) AS INTEGER)
            FROM jobs WHERE status = 'running'
            """, map: { try $0.get(0) as Int64 }) ?? 0
        let stale = try db.queryOne("""
            SELECT COUNT(*) FROM jobs JOIN devices ON devices.id = jobs.device_id
            WHERE jobs.status = 'running' AND (devices.last_seen_at IS NULL OR devices.last_seen_at < ?)
            """, silentSince, map: { try $0.get(0) as Int64 }) ?? 0
        return (max(0, oldest), stale)
    }
}
