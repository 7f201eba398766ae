import Runtime

/// Jobs, their items, and the one transaction that settles a completion report.
enum JobQueries {
    struct JobRecord: Sendable {
        var job: Job
        var userID: Int64
        /// The canonical JSON of the report that settled the job, if any.
        var reportJSON: String?
        /// The recorded device-facing result, if settled by a report.
        var resultJSON: String?
        var requestJSON: String?
    }

    /// The columns of a job row, in SELECT order.
    enum JobColumn: Int, ResultColumns {
        case id, deviceID, status, createdAt, startedAt, completedAt, userID, reportJSON, resultJSON, requestJSON, delivery
        case expiresAt, abortRequested, lastProgressAt
        static let sql =
            "id, device_id, status, created_at, started_at, completed_at, user_id, report_json, result_json, request_json, delivery, "
            + "expires_at, abort_requested_at IS NOT NULL, last_progress_at"
    }

    enum ItemColumn: Int, ResultColumns {
        case position, frascoIndex, amountMg, status, dispensedMg, error
        static let sql = "position, frasco_index, amount_mg, status, dispensed_mg, error"
    }

    private static let jobColumns = JobColumn.sql

    private static func record(_ db: SQLiteConnection, _ row: SQLiteRow) throws -> JobRecord {
        var job = Job(id: try row.get(JobColumn.id), deviceId: try row.get(JobColumn.deviceID),
                      status: JobStatus(rawValue: try row.get(JobColumn.status)) ?? .failed, items: [],
                      createdAt: try row.get(JobColumn.createdAt), startedAt: try row.get(JobColumn.startedAt),
                      completedAt: try row.get(JobColumn.completedAt), delivery: try row.get(JobColumn.delivery))
        job.expiresAt = try row.get(JobColumn.expiresAt)
        job.abortRequested = try row.get(JobColumn.abortRequested)
        job.lastProgressAt = try row.get(JobColumn.lastProgressAt)
        return JobRecord(job: job, userID: try row.get(JobColumn.userID), reportJSON: try row.get(JobColumn.reportJSON),
                         resultJSON: try row.get(JobColumn.resultJSON), requestJSON: try row.get(JobColumn.requestJSON))
    }

    private static func withItems(_ db: SQLiteConnection, _ record: JobRecord) throws -> JobRecord {
        var record = record
        record.job.items = try items(db, jobID: record.job.id)
        return record
    }

    static func items(_ db: SQLiteConnection, jobID: Int64) throws -> [JobItem] {
        try db.query("SELECT \(ItemColumn.sql) FROM job_items WHERE job_id = ? ORDER BY position", jobID) { row in
            JobItem(position: try row.get(ItemColumn.position), frascoIndex: try row.get(ItemColumn.frascoIndex),
                    amountMg: try row.get(ItemColumn.amountMg),
                    status: ItemStatus(rawValue: try row.get(ItemColumn.status)) ?? .pending,
                    dispensedMg: try row.get(ItemColumn.dispensedMg), error: try row.get(ItemColumn.error))
        }
    }

    static func job(_ db: SQLiteConnection, id: Int64) throws -> JobRecord? {
        guard let record = try db.queryOne("SELECT \(jobColumns) FROM jobs WHERE id = ?", id, map: { try record(db, $0) })
        else { return nil }
        return try withItems(db, record)
    }

    static func job(_ db: SQLiteConnection, userID: Int64, idempotencyKey: String) throws -> JobRecord? {
        guard let record = try db.queryOne("SELECT \(jobColumns) FROM jobs WHERE user_id = ? AND idempotency_key = ?",
                                           userID, idempotencyKey, map: { try record(db, $0) })
        else { return nil }
        return try withItems(db, record)
    }

    static func insertJob(_ db: SQLiteConnection, userID: Int64, deviceID: Int64, items: [JobRules.NewItem],
                          idempotencyKey: String?, requestJSON: String?, expiresAt: String? = nil) throws -> Int64 {
        try db.run("""
            INSERT INTO jobs (user_id, device_id, status, idempotency_key, request_json, created_at, expires_at)
            VALUES (?, ?, 'pending', ?, ?, ?, ?)
            """, userID, deviceID, idempotencyKey, requestJSON, Timestamp.now(), expiresAt)
        let id = db.lastInsertRowID
        for (position, item) in items.enumerated() {
            try db.run("INSERT INTO job_items (job_id, position, frasco_index, amount_mg) VALUES (?, ?, ?, ?)",
                       id, position, item.frascoIndex, item.amountMg)
        }
        return id
    }

    /// With `silentSince`, only running jobs whose device was last seen before
    /// that time (or never): the stuck ones.
    static func jobs(_ db: SQLiteConnection, userID: Int64, deviceID: Int64?, status: JobStatus?,
                     limit: Int, before: Int64?, createdFrom: String? = nil, createdBefore: String? = nil,
                     silentSince: String? = nil) throws -> [Job] {
        // created_at is RFC 3339 UTC text with milliseconds: it compares as text.
        let records = try db.query("""
            SELECT \(jobColumns) FROM jobs
            WHERE user_id = ? AND (?2 IS NULL OR device_id = ?2) AND (?3 IS NULL OR status = ?3) AND id < ?4
              AND (?6 IS NULL OR created_at >= ?6) AND (?7 IS NULL OR created_at < ?7)
              AND (?8 IS NULL OR (status = 'running' AND device_id IN (
                   SELECT id FROM devices WHERE user_id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?8))))
            ORDER BY id DESC LIMIT ?5
            """, userID, deviceID, status?.rawValue, before ?? Int64.max, limit, createdFrom, createdBefore, silentSince,
            map: { try record(db, $0) })
        return try records.map { try withItems(db, $0).job }
    }

    /// Whether the device has a job to be handed, read without writing (most
    /// polls find nothing): one it is running or one that waits and has not expired.
    static func hasWork(_ db: SQLiteConnection, deviceID: Int64) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM jobs WHERE device_id = ?1
              AND (status = 'running' OR status = 'pending' AND (expires_at IS NULL OR expires_at > ?2)) LIMIT 1
            """, deviceID, Timestamp.now(), map: { try $0.get(0) as Int64 }) != nil
    }

    /// The job the device is running, if any (one at a time).
    static func runningJobID(_ db: SQLiteConnection, deviceID: Int64) throws -> Int64? {
        try db.queryOne("SELECT id FROM jobs WHERE device_id = ? AND status = 'running' ORDER BY id LIMIT 1",
                        deviceID, map: { try $0.get(0) as Int64 })
    }

    /// The device a job belongs to, if the job exists.
    static func deviceOfJob(_ db: SQLiteConnection, jobID: Int64) throws -> Int64? {
        try db.queryOne("SELECT device_id FROM jobs WHERE id = ?", jobID, map: { try $0.get(0) as Int64 })
    }

    /// How many jobs are in each status.
    static func countsByStatus(_ db: SQLiteConnection) throws -> [JobStatus: Int] {
        var counts: [JobStatus: Int] = [:]
        try db.forEachRow("SELECT status, COUNT(*) FROM jobs GROUP BY status") { row in
            if let status = JobStatus(rawValue: try row.get(0)) { counts[status] = try row.get(1) }
        }
        return counts
    }

    /// The job a device should run now: the one it took and has not completed
    /// (a rebooted device gets it back, its delivery count one higher), else
    /// its oldest pending job, which becomes `running` with delivery 1. One job
    /// at a time per device. Counting in the same write as the hand-out keeps
    /// the count durable before the device can see it.
    static func takeNext(_ db: SQLiteConnection, deviceID: Int64) throws -> Job? {
        if let running = try runningJobID(db, deviceID: deviceID) {
            try db.run("UPDATE jobs SET delivery = delivery + 1 WHERE id = ? AND status = 'running'", running)
            return try job(db, id: running)?.job
        }
        // A job past its expiry is never delivered, even before the maintenance sweep marks it expired.
        guard let pending = try db.queryOne(
            "SELECT id FROM jobs WHERE device_id = ? AND status = 'pending' AND (expires_at IS NULL OR expires_at > ?) ORDER BY id LIMIT 1",
            deviceID, Timestamp.now(), map: { try $0.get(0) as Int64 }) else { return nil }
        try markRunning(db, jobID: pending)
        return try job(db, id: pending)?.job
    }

    static func markRunning(_ db: SQLiteConnection, jobID: Int64) throws {
        try db.run("""
            UPDATE jobs SET status = 'running', started_at = ?1, delivery = 1
            WHERE id = ?2 AND status = 'pending' AND (expires_at IS NULL OR expires_at > ?1)
            """, Timestamp.now(), jobID)
    }

    /// Cancels a pending job; false when it was no longer pending.
    static func cancel(_ db: SQLiteConnection, jobID: Int64) throws -> Bool {
        try db.run("UPDATE jobs SET status = 'cancelled', completed_at = ? WHERE id = ? AND status = 'pending'",
                   Timestamp.now(), jobID) == 1
    }

    /// What a completion report did.
    enum Settlement: Sendable {
        /// This report settled the job: the result and the job as now stored.
        case settled(CompletionResult, Job)
        /// The job was already settled: the recorded report (canonical) and result.
        case alreadySettled(report: String, result: CompletionResult)
    }

    /// Decides a completion report inside the caller's write transaction: the
    /// job must exist, be this device's and be running; the report must match
    /// its items; then ``settle`` applies it. A job already settled returns its
    /// recorded report for the caller's replay check. Refusals throw
    /// ``DomainError`` before anything is written.
    static func settleReport(_ db: SQLiteConnection, jobID: Int64, deviceID: Int64, report: CompletionReport,
                             reportJSON: String) throws -> Settlement {
        guard let record = try job(db, id: jobID), record.job.deviceId == deviceID else {
            throw DomainError.notFound("No such job.")
        }
        if let recordedReport = record.reportJSON, let resultJSON = record.resultJSON {
            return .alreadySettled(report: recordedReport, result: try WireJSON.decode(CompletionResult.self, from: resultJSON))
        }
        switch record.job.status {
        case .cancelled:
            throw DomainError.conflict(code: "job_cancelled", message: "The job was cancelled.")
        case .expired:
            throw DomainError.conflict(code: "job_expired", message: "The job expired before it was delivered.")
        case .pending:
            // The device never took it (next marks a job running before handing it out).
            throw DomainError.conflict(code: "job_not_started", message: "The device has not started this job.")
        case .done, .donePartial, .failed:
            throw DomainError.conflict(code: "job_finished", message: "The job is finished.")
        case .running:
            break
        }
        try CompletionRules.validate(report, items: record.job.items)
        let outcomes = CompletionRules.outcomes(of: report, items: record.job.items)
        let status = CompletionRules.jobStatus(outcomes)
        let now = Timestamp.now()
        guard let result = try settle(db, jobID: jobID, deviceID: deviceID, status: status, outcomes: outcomes,
                                      reportJSON: reportJSON, fwVersion: report.fwVersion, now: now) else {
            throw DomainError.conflict(code: "job_finished", message: "The job is finished.")
        }
        // The job as just written, without reading it back.
        var settledJob = record.job
        settledJob.status = status
        settledJob.completedAt = now
        for outcome in outcomes {
            settledJob.items[outcome.position].status = outcome.status
            settledJob.items[outcome.position].dispensedMg = outcome.dispensedMg
            settledJob.items[outcome.position].error = outcome.error
        }
        try WebhookOutbox.jobFinished(db, userID: record.userID, job: settledJob)
        return .settled(result, settledJob)
    }

    /// Settles a job from its report in one transaction (the caller's write):
    /// the guarded status change with the recorded result, every item's
    /// outcome, one clamped dispense movement per ok item, one stock update per
    /// frasco touched. Returns nil, having written nothing, when the job is no
    /// longer `running` — someone else settled it.
    ///
    /// The device's stock is read once and the deductions computed in memory,
    /// so the result (which lists every frasco's new stock) is known before
    /// anything is written and the job row is updated once.
    static func settle(_ db: SQLiteConnection, jobID: Int64, deviceID: Int64, status: JobStatus,
                       outcomes: [CompletionRules.ItemOutcome], reportJSON: String,
                       fwVersion: String?, now: String) throws -> CompletionResult? {
        var levels = try DeviceQueries.stockLevels(db, deviceID: deviceID)
        var slot: [Int: Int] = [:]
        for (i, level) in levels.enumerated() { slot[level.frascoIndex] = i }
        var dispenses: [(outcome: CompletionRules.ItemOutcome, deducted: Int64)] = []
        var deltas: [Int: Int64] = [:]
        for outcome in outcomes where outcome.status == .ok && outcome.dispensedMg > 0 {
            guard let i = slot[outcome.frascoIndex] else { continue }
            let deducted = CompletionRules.clampedDeduction(stock: levels[i].stockMg, dispensed: outcome.dispensedMg)
            levels[i].stockMg -= deducted
            deltas[outcome.frascoIndex, default: 0] -= deducted
            dispenses.append((outcome, deducted))
        }
        let result = CompletionResult(jobId: jobID, status: status, replayed: false, stock: levels)
        let changed = try db.run("""
            UPDATE jobs SET status = ?, completed_at = ?, report_json = ?, result_json = ?
            WHERE id = ? AND device_id = ? AND status = 'running'
            """, status.rawValue, now, reportJSON, String(decoding: result.wireJSON, as: UTF8.self), jobID, deviceID)
        guard changed == 1 else { return nil }
        for outcome in outcomes {
            try db.run("""
                UPDATE job_items SET status = ?, dispensed_mg = ?, error = ?, device_ms = ?
                WHERE job_id = ? AND position = ?
                """, outcome.status.rawValue, outcome.dispensedMg, outcome.error, outcome.deviceMs, jobID, outcome.position)
        }
        for (outcome, deducted) in dispenses {
            try DeviceQueries.insertMovement(db, deviceID: deviceID, index: outcome.frascoIndex, delta: -deducted,
                                             reason: .dispense, jobID: jobID, position: outcome.position, at: now,
                                             note: deducted < outcome.dispensedMg ? "clamped: reported \(outcome.dispensedMg) mg" : nil)
        }
        for (index, delta) in deltas where delta != 0 {
            try DeviceQueries.addStock(db, deviceID: deviceID, index: index, delta: delta)
        }
        if let fwVersion { try DeviceQueries.setFirmware(db, deviceID: deviceID, version: fwVersion) }
        return result
    }
}
