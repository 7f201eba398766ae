import Runtime

/// Owns one device's stock ledger and its live feed: every change to its
/// frascos' stock — a refill, a person's count, a frasco's settings — goes
/// through here, one at a time, and ends with the device's watchers being told
/// the new state. (A job's dispenses are settled by its JobActor in the same
/// kind of transaction, which then tells this actor the new stock levels.)
///
/// Each change is one durable transaction that appends movements and updates
/// `stock_mg` together, so a frasco's stock always equals the sum of its ledger.
///
/// Executor: its device's, shared with the device's feed and with the
/// JobActors of the device's jobs, so their calls here never change threads.
public actor StockActor: SerializingActor {
    public let deviceID: Int64
    private let executor: any SerialExecutor
    private let database: Database
    private let presence: Presence
    /// The device's watchers (`/ws/devices/{id}`).
    private let feed: any Feed<DeviceEvent>
    /// The state last sent to watchers, so a settlement's new stock levels can
    /// be published without reading the device back.
    private var lastPublished: Device?
    var mutex = AsyncMutex()

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(deviceID: Int64, executor: any SerialExecutor, database: Database, presence: Presence, feeds: any LiveFeeds) {
        self.deviceID = deviceID
        self.executor = executor
        self.database = database
        self.presence = presence
        self.feed = feeds.deviceFeed(deviceID: deviceID, executor: executor)
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
                                          fields: ["amount_mg": .exceedsCapacity(fitsMg: max(0, limit - frasco.stockMg))])
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
                                          fields: ["stock_mg": .aboveCapacity(capacityMg: capacity)])
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
                                          fields: ["capacity_mg": .belowStock(stockMg: frasco.stockMg)])
            }
            try DeviceQueries.updateFrasco(db, deviceID: deviceID, index: index, ingredient: ingredient, capacityMg: capacityMg)
            return try DeviceQueries.frasco(db, deviceID: deviceID, index: index)!
        }
        await publishDevice()
        return frasco
    }

    /// Tells the device's watchers its current state (stock or presence
    /// changed), read from the database. Reads and publishes are serialized,
    /// so watchers receive states in the order they were read: the last
    /// message is the newest.
    func publishDevice() async {
        guard await feed.watcherCount > 0 else { return }
        await exclusively {
            guard let device = try? await loadDevice() else { return }
            await publish(device)
        }
    }

    /// A job's settlement changed the stock (and maybe the firmware version):
    /// patches the last published state instead of reading it back.
    func stockChanged(_ levels: [StockLevel], fwVersion: String?) async {
        guard await feed.watcherCount > 0 else { return }
        await exclusively {
            guard var device = lastPublished else {
                if let device = try? await loadDevice() { await publish(device) }
                return
            }
            let byIndex = Dictionary(levels.map { ($0.frascoIndex, $0.stockMg) }, uniquingKeysWith: { _, last in last })
            for i in device.frascos.indices {
                if let stock = byIndex[device.frascos[i].index] { device.frascos[i].stockMg = stock }
            }
            if let fwVersion { device.fwVersion = fwVersion }
            let state = presence.state(of: deviceID)
            device.online = state.online
            device.lastSeenAt = state.lastSeenAt ?? device.lastSeenAt
            await publish(device)
        }
    }

    private func publish(_ device: Device) async {
        lastPublished = device
        await feed.publish(.device(device), isFinal: false)
    }

    /// Adds a watcher of this device (owned by `userID`): it gets the current
    /// state first, then every change.
    func watch(userID: Int64, watcher: any LiveWatcher) async throws {
        try await exclusively {
            guard let device = try await loadDevice(ownedBy: userID) else { throw DomainError.notFound("No such device.") }
            lastPublished = device
            await feed.attach(watcher, first: .device(device), skipsFinal: false)
        }
    }

    func unwatch(watcherID: UInt64) async {
        await feed.detach(watcherID: watcherID)
        if await feed.watcherCount == 0 { lastPublished = nil }
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
