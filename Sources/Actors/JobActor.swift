public import YagutsRuntime

/// One job's serializer. Every completion report, progress event, cancel and
/// new watcher of a job passes through its JobActor one at a time, which is
/// where idempotency lives:
///
/// - The first valid report settles the job (through the device's
///   ``StockActor``, in one durable transaction); the actor then remembers the
///   canonical report and the result. A later identical report (equal JSON)
///   gets the same result with `replayed: true` and touches nothing; a
///   different one gets 409 with the recorded result.
/// - Watchers hear `completed` only after the commit is durable.
/// - The database guards the same rule independently (a guarded status UPDATE
///   and a unique dispense per item), so even a second process on the same
///   file could not deduct twice; if it loses that race, the actor adopts the
///   recorded result from the database.
///
/// The actor caches only facts that can no longer change (the job's items, its
/// device, its settled result); everything else is read from the database.
public actor JobActor: SerializingActor {
    public let jobID: Int64
    private let database: Database
    private let stocks: LeasedRegistry<Int64, StockActor>
    private let encodeFrame: @Sendable ([UInt8]) -> SharedBytes
    private let stageObserver: StageObserver
    /// The job's watchers. The JobActor runs on the broadcast's executor, so
    /// publishing an event is a same-executor call, not a thread hop.
    let broadcast = BroadcastActor()
    var mutex = AsyncMutex()

    public nonisolated var unownedExecutor: UnownedSerialExecutor { broadcast.unownedExecutor }
    private var definition: (deviceID: Int64, items: [JobItem])?
    private var settled: (report: String, result: CompletionResult)?

    init(jobID: Int64, database: Database, stocks: LeasedRegistry<Int64, StockActor>, stageObserver: StageObserver,
         encodeFrame: @escaping @Sendable ([UInt8]) -> SharedBytes) {
        self.jobID = jobID
        self.stageObserver = stageObserver
        self.database = database
        self.stocks = stocks
        self.encodeFrame = encodeFrame
    }

    private func load() async throws -> JobQueries.JobRecord {
        let id = jobID
        guard let record = try await database.read({ try JobQueries.job($0, id: id) }) else {
            throw DomainError.notFound("No such job.")
        }
        definition = (record.job.deviceId, record.job.items)
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
    public func complete(deviceID: Int64, report: CompletionReport) async throws -> CompletionResult {
        let arrived = ContinuousClock.now
        return try await exclusively {
            var stages = StageTimer(observer: stageObserver, start: arrived)
            stages.lap(.queued)
            let canonical = try WireJSON.encodeString(report)
            if let settled, definition?.deviceID == deviceID {
                return try replay(canonical, settled)
            }
            // Everything that decides — the job's state, validation, the
            // settlement — happens in one write transaction: one trip to the
            // writer thread, and the decision is made on the truth.
            let stock = stocks.acquire(deviceID)
            defer { stocks.release(deviceID) }
            stages.lap(.prepare)
            let outcome = try await stock.settle(jobID: jobID, report: report, reportJSON: canonical, observer: stageObserver)
            let result: CompletionResult
            let job: Job
            switch outcome {
            case .alreadySettled(let report, let recorded):
                // Settled before this actor existed, or by another process on this file.
                settled = (report, recorded)
                return try replay(canonical, (report, recorded))
            case .settled(let newResult, let newJob):
                (result, job) = (newResult, newJob)
            }
            definition = (job.deviceId, job.items)
            settled = (canonical, result)
            stages.lap(.commit)
            await broadcast.publish(encodeFrame(LiveEvents.completed(job)), isCompletion: true)
            stages.lap(.broadcast)
            await stock.publishDevice()
            return result
        }
    }

    private func replay(_ canonical: String, _ settled: (report: String, result: CompletionResult)) throws -> CompletionResult {
        guard canonical == settled.report else { throw DomainError.reportConflict(settled.result) }
        var result = settled.result
        result.replayed = true
        return result
    }

    /// A live progress event: validated, broadcast, never stored. Ignored once
    /// the job is finished.
    public func progress(deviceID: Int64, report: ProgressReport) async throws {
        try await exclusively {
            if definition == nil { _ = try await load() }
            guard let definition, definition.deviceID == deviceID else { throw DomainError.notFound("No such job.") }
            if settled != nil { return }
            var fields: [String: String] = [:]
            if report.position < 0 || report.position >= definition.items.count {
                fields["position"] = "no item at position \(report.position)"
            } else if definition.items[report.position].frascoIndex != report.frascoIndex {
                fields["frasco_index"] = "item \(report.position) uses frasco \(definition.items[report.position].frascoIndex)"
            }
            if report.dispensedMg < 0 { fields["dispensed_mg"] = "must not be negative" }
            if let error = report.error, error.count > CompletionRules.maxErrorLength {
                fields["error"] = "must be at most \(CompletionRules.maxErrorLength) characters"
            }
            if !fields.isEmpty { throw DomainError.invalid(message: "The progress report does not match the job.", fields: fields) }
            await broadcast.publish(encodeFrame(LiveEvents.progress(jobID: jobID, report)))
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
            await broadcast.publish(encodeFrame(LiveEvents.completed(cancelled)), isCompletion: true)
            return cancelled
        }
    }

    /// Adds a watcher owned by `userID`: it receives the snapshot first, then
    /// every event after it, with no gap and no duplicate `completed`.
    public func watch(userID: Int64, watcherID: UInt64, sink: LoopBound<any WatcherSink>) async throws {
        try await exclusively {
            let record = try await load()
            guard record.userID == userID else { throw DomainError.notFound("No such job.") }
            await broadcast.add(id: watcherID, sink: sink, first: encodeFrame(LiveEvents.snapshot(record.job)),
                                skipsCompletion: record.job.status.isFinal)
        }
    }

    public func unwatch(watcherID: UInt64) async {
        await broadcast.remove(id: watcherID)
    }
}
