import Runtime

/// The user's side of jobs: creating (optionally idempotent), reading,
/// listing and cancelling.
public struct JobService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    public struct NewJob: Codable, Sendable, Equatable {
        public var deviceId: Int64
        public var items: [JobRules.NewItem]
    }

    /// Creates a pending job and wakes the device if it is waiting. With an
    /// idempotency key, the same key and equal request replay the first job
    /// (`replayed` true); the same key with another request is a conflict.
    public func create(userID: Int64, request: NewJob, idempotencyKey: String?) async throws -> (job: Job, replayed: Bool) {
        if let key = idempotencyKey, key.isEmpty || key.count > 200 {
            throw DomainError.invalid(message: "The Idempotency-Key header is not valid.",
                                      fields: ["Idempotency-Key": .length(1, 200)])
        }
        let canonical = try WireJSON.encodeString(request)
        let deviceID = request.deviceId
        let frascoCount = try await dispenser.database.read { db -> Int? in
            try DeviceQueries.device(db, id: deviceID, userID: userID)?.frascoCount
        }
        guard let frascoCount else { throw DomainError.notFound("No such device.") }
        try JobRules.validate(items: request.items, frascoCount: frascoCount)
        let outcome = try await dispenser.database.write { db -> (Job, Bool) in
            if let key = idempotencyKey, let existing = try JobQueries.job(db, userID: userID, idempotencyKey: key) {
                guard existing.requestJSON == canonical else {
                    throw DomainError.conflict(code: "idempotency_key_reused",
                                               message: "This Idempotency-Key was used with a different request.")
                }
                return (existing.job, true)
            }
            let id = try JobQueries.insertJob(db, userID: userID, deviceID: deviceID, items: request.items,
                                              idempotencyKey: idempotencyKey, requestJSON: canonical)
            return (try JobQueries.job(db, id: id)!.job, false)
        }
        if !outcome.1, let device = dispenser.deviceActors.existing(deviceID) {
            await device.jobAvailable()
        }
        return outcome
    }

    public func job(userID: Int64, id: Int64) async throws -> Job {
        try await dispenser.withJob(id) { try await $0.job(forUser: userID) }
    }

    /// `createdFrom` (inclusive) and `createdBefore` (exclusive) are server-format timestamps (``Timestamp``).
    public func list(userID: Int64, deviceID: Int64?, status: JobStatus?, limit: Int, before: Int64?,
                     createdFrom: String? = nil, createdBefore: String? = nil) async throws -> [Job] {
        try await dispenser.database.read {
            try JobQueries.jobs($0, userID: userID, deviceID: deviceID, status: status, limit: limit, before: before,
                                createdFrom: createdFrom, createdBefore: createdBefore)
        }
    }

    public func cancel(userID: Int64, id: Int64) async throws -> Job {
        try await dispenser.withJob(id) { try await $0.cancel(userID: userID) }
    }
}
