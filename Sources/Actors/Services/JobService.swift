import Runtime

/// The user's side of jobs: creating (optionally idempotent), reading,
/// listing and cancelling.
public struct JobService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    public struct NewJob: Codable, Sendable, Equatable {
        public var deviceId: Int64
        /// Either `items`, or `recipe_id` (with optional `servings`) — see JobService+Recipe.swift.
        public var items: [JobRules.NewItem]?
        public var recipeId: Int64?
        public var servings: Int?
        /// Seconds the job may wait to be delivered; the owner's default when absent.
        public var expiresInS: Int64?
    }

    /// Creates a pending job and wakes the device if it is waiting. With an
    /// idempotency key, the same key and equal request replay the first job
    /// (`replayed` true); the same key with another request is a conflict.
    public func create(userID: Int64, request: NewJob, idempotencyKey: String?) async throws -> (job: Job, replayed: Bool) {
        let created = try await createWithWarnings(userID: userID, request: request, idempotencyKey: idempotencyKey)
        return (created.job, created.replayed)
    }

    /// ``create`` with the warnings a recipe job may carry (shortages).
    /// The longest idempotency key kept (characters).
    public static let maxIdempotencyKeyLength = 200

    public func createWithWarnings(userID: Int64, request: NewJob, idempotencyKey: String?) async throws
        -> (job: Job, replayed: Bool, warnings: [JobWarning]) {
        // Callers check the key where it comes from (and name it so); this is the domain's own guard.
        if let key = idempotencyKey, key.isEmpty || key.count > Self.maxIdempotencyKeyLength {
            throw DomainError.invalid(message: "The idempotency key is not valid.",
                                      fields: ["idempotency_key": .length(1, Int64(Self.maxIdempotencyKeyLength))])
        }
        let canonical = try WireJSON.encodeString(request)
        let deviceID = request.deviceId
        let frascoCount = try await dispenser.database.read { db -> Int? in
            try DeviceQueries.device(db, id: deviceID, userID: userID)?.frascoCount
        }
        guard let frascoCount else { throw DomainError.notFound("No such device.") }
        try JobService.validateShape(request)
        if let items = request.items { try JobRules.validate(items: items, frascoCount: frascoCount) }
        try JobExpiry.validate(request.expiresInS, field: "expires_in_s")
        let requested = request.expiresInS
        let outcome = try await dispenser.database.write { db -> (Job, Bool, [JobWarning]) in
            if let key = idempotencyKey, let existing = try JobQueries.job(db, userID: userID, idempotencyKey: key) {
                guard existing.requestJSON == canonical else {
                    throw DomainError.conflict(code: "idempotency_key_reused",
                                               message: "This idempotency key was used with a different request.")
                }
                return (existing.job, true, [])
            }
            // A recipe is resolved against the frascos inside this transaction: the job is made from what they hold now.
            let (items, warnings) = try JobService.items(db, userID: userID, deviceID: deviceID, request: request)
            let expiresAt = try JobExpiry.expiresAt(db, userID: userID, requested: requested)
            let id = try JobQueries.insertJob(db, userID: userID, deviceID: deviceID, items: items,
                                              idempotencyKey: idempotencyKey, requestJSON: canonical, expiresAt: expiresAt)
            return (try JobQueries.job(db, id: id)!.job, false, warnings)
        }
        if !outcome.1, let device = dispenser.deviceActors.existing(deviceID) {
            await device.jobAvailable()
        }
        return (dispenser.userView(outcome.0), outcome.1, outcome.2)
    }

    public func job(userID: Int64, id: Int64) async throws -> Job {
        dispenser.userView(try await dispenser.withJob(id) { try await $0.job(forUser: userID) })
    }

    /// `createdFrom` (inclusive) and `createdBefore` (exclusive) are server-format timestamps (``Timestamp``).
    /// With `staleAfter`, only running jobs whose device has been silent that long.
    public func list(userID: Int64, deviceID: Int64?, status: JobStatus?, limit: Int, before: Int64?,
                     createdFrom: String? = nil, createdBefore: String? = nil, staleAfter: Duration? = nil) async throws -> [Job] {
        let silentSince = staleAfter.map(Dispenser.silentSince)
        let jobs = try await dispenser.database.read {
            try JobQueries.jobs($0, userID: userID, deviceID: deviceID, status: status, limit: limit, before: before,
                                createdFrom: createdFrom, createdBefore: createdBefore, silentSince: silentSince)
        }
        let views = jobs.map(dispenser.userView)
        guard let silentSince else { return views }
        // The database's last-seen times lag a few seconds; presence is current.
        return views.filter { ($0.deviceLastSeenAt ?? "") < silentSince }
    }

    public func cancel(userID: Int64, id: Int64) async throws -> Job {
        dispenser.userView(try await dispenser.withJob(id) { try await $0.cancel(userID: userID) })
    }
}
