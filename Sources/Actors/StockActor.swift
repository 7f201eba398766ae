import YagutsRuntime

/// Owns one device's stock ledger: every change to its frascos' stock — a
/// refill, a person's count, a job's dispenses — goes through here, one at a
/// time, and ends with the device's watchers being told the new stock.
///
/// Each change is one durable transaction that appends movements and updates
/// `stock_mg` together, so a frasco's stock always equals the sum of its ledger.
///
/// The device's watchers hang off ``topic``, whose executor this actor shares:
/// publishing a new state is a call on the same serial executor, not a hop.
public actor StockActor: SerializingActor {
    public let deviceID: Int64
    private let database: Database
    private let presence: Presence
    private let encodeFrame: @Sendable ([UInt8]) -> SharedBytes
    /// The device's watchers (`/ws/devices/{id}`).
    let topic = BroadcastActor()
    var mutex = AsyncMutex()

    public nonisolated var unownedExecutor: UnownedSerialExecutor { topic.unownedExecutor }

    init(deviceID: Int64, database: Database, presence: Presence,
         encodeFrame: @escaping @Sendable ([UInt8]) -> SharedBytes) {
        self.deviceID = deviceID
        self.database = database
        self.presence = presence
        self.encodeFrame = encodeFrame
    }

    /// Decides a completion report in one durable transaction (see
    /// ``JobQueries/settleReport``).
    func settle(jobID: Int64, report: CompletionReport, reportJSON: String,
                observer: StageObserver) async throws -> JobQueries.Settlement {
        let deviceID = deviceID
        return try await database.write { db in
            var timer = StageTimer(observer: observer)
            defer { timer.lap(.decide) }
            return try JobQueries.settleReport(db, jobID: jobID, deviceID: deviceID, report: report, reportJSON: reportJSON)
        }
    }

    public func refill(index: Int, amountMg: Int64) async throws -> Frasco {
        let deviceID = deviceID
        let frasco = try await database.write { db -> Frasco in
            guard let frasco = try DeviceQueries.frasco(db, deviceID: deviceID, index: index) else {
                throw DomainError.notFound("No such frasco.")
            }
            let limit = frasco.capacityMg ?? JobRules.maxStockMg
            guard frasco.stockMg + amountMg <= limit else {
                throw DomainError.invalid(message: "The refill would exceed the frasco's capacity.",
                                          fields: ["amount_mg": "at most \(max(0, limit - frasco.stockMg)) fits"])
            }
            try DeviceQueries.applyMovement(db, deviceID: deviceID, index: index, delta: amountMg, reason: .refill)
            return try DeviceQueries.frasco(db, deviceID: deviceID, index: index)!
        }
        await publishDevice()
        return frasco
    }

    /// Records a person's stock count; the difference becomes an `adjust` movement.
    public func adjust(index: Int, stockMg: Int64, note: String?) async throws -> Frasco {
        let deviceID = deviceID
        let frasco = try await database.write { db -> Frasco in
            guard let frasco = try DeviceQueries.frasco(db, deviceID: deviceID, index: index) else {
                throw DomainError.notFound("No such frasco.")
            }
            if let capacity = frasco.capacityMg, stockMg > capacity {
                throw DomainError.invalid(message: "The count exceeds the frasco's capacity.",
                                          fields: ["stock_mg": "must be at most the capacity, \(capacity)"])
            }
            let delta = stockMg - frasco.stockMg
            if delta != 0 {
                try DeviceQueries.applyMovement(db, deviceID: deviceID, index: index, delta: delta, reason: .adjust, note: note)
            }
            return try DeviceQueries.frasco(db, deviceID: deviceID, index: index)!
        }
        await publishDevice()
        return frasco
    }

    public func update(index: Int, ingredient: String, capacityMg: Int64?) async throws -> Frasco {
        let deviceID = deviceID
        let frasco = try await database.write { db -> Frasco in
            guard let frasco = try DeviceQueries.frasco(db, deviceID: deviceID, index: index) else {
                throw DomainError.notFound("No such frasco.")
            }
            if let capacityMg, capacityMg < frasco.stockMg {
                throw DomainError.invalid(message: "The capacity is below the frasco's stock.",
                                          fields: ["capacity_mg": "must be at least the stock, \(frasco.stockMg)"])
            }
            try DeviceQueries.updateFrasco(db, deviceID: deviceID, index: index, ingredient: ingredient, capacityMg: capacityMg)
            return try DeviceQueries.frasco(db, deviceID: deviceID, index: index)!
        }
        await publishDevice()
        return frasco
    }

    /// Tells the device's watchers its current state (stock or presence
    /// changed). Reads and publishes are serialized, so watchers receive
    /// states in the order they were read: the last message is the newest.
    func publishDevice() async {
        guard await topic.watcherCount > 0 else { return }
        await exclusively {
            guard let device = try? await loadDevice() else { return }
            await topic.publish(encodeFrame(LiveEvents.device(device)))
        }
    }

    /// Adds a watcher of this device (owned by `userID`): it gets the current
    /// state first, then every change.
    func watch(userID: Int64, watcherID: UInt64, sink: LoopBound<any WatcherSink>) async throws {
        try await exclusively {
            guard let device = try await loadDevice(ownedBy: userID) else { throw DomainError.notFound("No such device.") }
            await topic.add(id: watcherID, sink: sink, first: encodeFrame(LiveEvents.device(device)))
        }
    }

    func unwatch(watcherID: UInt64) async {
        await topic.remove(id: watcherID)
    }

    private func loadDevice(ownedBy userID: Int64? = nil) async throws -> Device? {
        let deviceID = deviceID
        guard let loaded = try await database.read({ db -> (DeviceQueries.DeviceRecord, [Frasco])? in
            guard let record = try DeviceQueries.device(db, id: deviceID) else { return nil }
            return (record, try DeviceQueries.frascos(db, deviceID: deviceID))
        }) else { return nil }
        if let userID, loaded.0.userID != userID { return nil }
        return presence.view(loaded.0, frascos: loaded.1)
    }
}
