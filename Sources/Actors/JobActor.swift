public import Runtime

/// One job's serializer. Every completion report, progress event, cancel and
/// new watcher of a job passes through its JobActor one at a time, which is
/// where idempotency lives:
///
/// - The first valid report settles the job in one durable transaction that
///   this actor hands to the writer (validate against the truth, settle, write
///   the ledger and the recorded result); the actor then remembers the
///   canonical report and the result. A later identical report (equal JSON)
///   gets the same result with `replayed: true` and touches nothing; a
///   different one is a conflict carrying the recorded result.
/// - Watchers hear `completed` only after the commit is durable.
/// - The database guards the same rule independently (a guarded status UPDATE
///   and a unique dispense per item), so even a second process on the same
///   file could not deduct twice; if it loses that race, the actor adopts the
///   recorded result from the database.
///
/// Executor: its device's (``ActorPlacement``) — the event loop that owns the
/// device's connection — shared with the job's feed. A report therefore runs
/// on one thread from socket to watchers; the writer is its only hop.
///
/// The actor caches only facts that can no longer change (the job's items, its
/// device, its settled result); everything else is read from the database.
public actor JobActor: SerializingActor {
    public let jobID: Int64
    /// The device this actor was placed for (its executor's owner).
    public let deviceID: Int64
    private let executor: any SerialExecutor
    private let database: Database
    let feed: any Feed<JobEvent>
    private let stageObserver: StageObserver
    /// The device's StockActor if it is alive (only a live one can have
    /// watchers): told the new stock after a settlement, off the report's path.
    private let liveStock: @Sendable (Int64) -> StockActor?
    /// Adds what only the live process knows (presence, unflushed progress time) to snapshots.
    private let userView: @Sendable (Job) -> Job
    var mutex = AsyncMutex()

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private var definition: (deviceID: Int64, items: [JobItem])?
    private var settled: (report: String, result: CompletionResult)?
    /// A user asked the device to stop (read with the job, then told by ``abortWasRequested()``).
    private var abortRequested = false
    /// The job was seen running (it can only leave that state by settling).
    private var seenRunning = false

    init(jobID: Int64, deviceID: Int64, executor: any SerialExecutor, database: Database, feeds: any LiveFeeds,
         stageObserver: StageObserver, liveStock: @escaping @Sendable (Int64) -> StockActor?,
         userView: @escaping @Sendable (Job) -> Job = { $0 }) {
        self.jobID = jobID
        self.userView = userView
        self.deviceID = deviceID
        self.executor = executor
        self.database = database
        self.feed = feeds.jobFeed(jobID: jobID, executor: executor)
        self.stageObserver = stageObserver
        self.liveStock = liveStock
    }

    private func load() async throws -> JobQueries.JobRecord {
        let id = jobID
        guard let record = try await database.read({ try JobQueries.job($0, id: id) }) else {
            throw DomainError.notFound("No such job.")
        }
        definition = (record.job.deviceId, record.job.items)
        abortRequested = abortRequested || record.job.abortRequested
        if settled == nil, let report = record.reportJSON, let resultJSON = record.resultJSON {
            settled = (report, try WireJSON.decode(CompletionResult.self, from: resultJSON))
        }
        return record
    }

    /// The job if `userID` owns it.
    public func job(forUser userID: Int64) async throws -> Job {
        let record = try await load()
        guard record.userID == userID else { throw DomainError.notFound("No such job.") }
        return record.job
    }

    /// Applies a device's completion report; see the type's documentation.
    /// `canonical` is the report's canonical JSON (equal JSON, equal text).
    public func complete(deviceID: Int64, report: CompletionReport, canonical: String) async throws -> CompletionResult {
        let arrived = ContinuousClock.now
        return try await exclusively {
            var stages = StageTimer(observer: stageObserver, start: arrived)
            stages.lap(.queued)
            if let settled, definition?.deviceID == deviceID {
                return try replay(canonical, settled)
            }
            stages.lap(.prepare)
            // Everything that decides — the job's state, validation, the
            // settlement — happens in one write transaction: one trip to the
            // writer thread, and the decision is made on the truth.
            let (id, observer) = (jobID, stageObserver)
            let outcome = try await database.write { db in
                var timer = StageTimer(observer: observer)
                defer { timer.lap(.decide) }
                return try JobQueries.settleReport(db, jobID: id, deviceID: deviceID, report: report, reportJSON: canonical)
            }
            switch outcome {
            case .alreadySettled(let recordedReport, let recorded):
                // Settled before this actor existed, or by another process on this file.
                settled = (recordedReport, recorded)
                return try replay(canonical, (recordedReport, recorded))
            case .settled(let result, let job):
                definition = (job.deviceId, job.items)
                settled = (canonical, result)
                stages.lap(.commit)
                await feed.publish(.completed(job), isFinal: true)
                stages.lap(.broadcast)
                if let stock = liveStock(deviceID) {
                    // Runs on this executor after the handler has answered the device.
                    let fwVersion = report.fwVersion
                    Task { await self.tell(stock, result.stock, fwVersion) }
                }
                return result
            }
        }
    }

    private func tell(_ stock: StockActor, _ levels: [StockLevel], _ fwVersion: String?) async {
        await stock.stockChanged(levels, fwVersion: fwVersion)
    }

    private func replay(_ canonical: String, _ settled: (report: String, result: CompletionResult)) throws -> CompletionResult {
        guard canonical == settled.report else { throw DomainError.reportConflict(settled.result) }
        var result = settled.result
        result.replayed = true
        return result
    }

    /// The abort request was recorded durably: the next progress answer says so.
    public func abortWasRequested() {
        abortRequested = true
    }

    /// A live progress event: validated, broadcast, never stored. Ignored once
    /// the job is finished. Returns whether a user asked the device to abort
    /// (from memory: the device's progress post costs no database read).
    @discardableResult
    public func progress(deviceID: Int64, report: ProgressReport) async throws -> Bool {
        try await exclusively {
            // Running is the one state that can still change under us (to
            // settled, which `settled` records): read the status until seen.
            if !seenRunning && settled == nil {
                let status = try await load().job.status
                guard definition?.deviceID == deviceID else { throw DomainError.notFound("No such job.") }
                if try ProgressRules.admit(status: status) == .ignore { return abortRequested }
                seenRunning = true
            }
            guard let definition, definition.deviceID == deviceID else { throw DomainError.notFound("No such job.") }
            if settled != nil { return abortRequested }
            var fields: [String: FieldProblem] = [:]
            if report.position < 0 || report.position >= definition.items.count {
                fields["position"] = .noSuchPosition(report.position)
            } else if definition.items[report.position].frascoIndex != report.frascoIndex {
                fields["frasco_index"] = .frascoMismatch(position: report.position, frascoIndex: definition.items[report.position].frascoIndex)
            }
            if let problem = ProgressRules.dispensedProblem(report.dispensedMg) { fields["dispensed_mg"] = problem }
            if let error = report.error, error.count > CompletionRules.maxErrorLength {
                fields["error"] = .maxLength(Int64(CompletionRules.maxErrorLength))
            }
            if !fields.isEmpty { throw DomainError.invalid(message: "The progress report does not match the job.", fields: fields) }
            await feed.publish(.progress(jobID: jobID, report), isFinal: false)
            return abortRequested
        }
    }

    /// Cancels a pending job of `userID`'s; watchers hear `completed` with status `cancelled`.
    public func cancel(userID: Int64) async throws -> Job {
        try await exclusively {
            let record = try await load()
            guard record.userID == userID else { throw DomainError.notFound("No such job.") }
            let id = jobID
            let cancelled = try await database.write { db -> Job? in
                guard try JobQueries.cancel(db, jobID: id) else { return nil }
                return try JobQueries.job(db, id: id)?.job
            }
            guard let cancelled else {
                throw DomainError.conflict(code: "job_not_pending", message: "Only a pending job can be cancelled.")
            }
            await feed.publish(.completed(cancelled), isFinal: true)
            return cancelled
        }
    }

    /// Adds a watcher owned by `userID`: it receives the snapshot first, then
    /// every event after it, with no gap and no duplicate `completed`.
    public func watch(userID: Int64, watcher: any LiveWatcher) async throws {
        try await exclusively {
            let record = try await load()
            guard record.userID == userID else { throw DomainError.notFound("No such job.") }
            await feed.attach(watcher, first: .snapshot(userView(record.job)), skipsFinal: record.job.status.isFinal)
        }
    }

    public func unwatch(watcherID: UInt64) async {
        await feed.detach(watcherID: watcherID)
    }

    /// Watchers attached now (tests, retirement).
    public var watcherCount: Int { get async { await feed.watcherCount } }
}
