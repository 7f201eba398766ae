public import YagutsRuntime

/// The domain's root: the database, the live registries of actors, presence.
/// Handlers call the services (``AccountService``, ``DeviceService``,
/// ``JobService``, ``DeviceProtocol``, ``LiveMonitoring``) built on it.
///
/// Threading: `Sendable`; every member is safe from any thread. The actors
/// it creates run on the global concurrent executor; their database work runs
/// on the writer and reader threads.
public final class Dispenser: Sendable {
    public let database: Database
    public let presence: Presence
    let jobActors: LeasedRegistry<Int64, JobActor>
    let deviceActors: LeasedRegistry<Int64, DeviceActor>
    let stockActors: LeasedRegistry<Int64, StockActor>
    let deviceTokens: DeviceTokenCache
    let stopping: ShutdownFlag
    /// Wraps a JSON message into a WebSocket text frame (encoded once per event).
    let encodeFrame: @Sendable ([UInt8]) -> SharedBytes
    /// Hears how long each stage of a completion report took (for metrics).
    let stageObserver: StageObserver

    public init(database: Database, offlineAfter: Duration = .seconds(90), stageObserver: StageObserver = StageObserver(),
                encodeFrame: @escaping @Sendable ([UInt8]) -> SharedBytes) {
        self.stageObserver = stageObserver
        self.database = database
        let presence = Presence(offlineAfter: offlineAfter)
        self.presence = presence
        self.encodeFrame = encodeFrame
        self.deviceTokens = DeviceTokenCache()
        let stocks = LeasedRegistry<Int64, StockActor> { id in
            StockActor(deviceID: id, database: database, presence: presence, encodeFrame: encodeFrame)
        }
        self.stockActors = stocks
        self.jobActors = LeasedRegistry { id in
            JobActor(jobID: id, database: database, stocks: stocks, stageObserver: stageObserver, encodeFrame: encodeFrame)
        }
        let stopping = ShutdownFlag()
        self.stopping = stopping
        self.deviceActors = LeasedRegistry { id in DeviceActor(deviceID: id, database: database, stopping: stopping) }
    }

    /// The server is stopping: long-polls answer now (no job) instead of
    /// waiting out their time, so their connections can close in the grace period.
    public func beginShutdown() async {
        stopping.set()
        for device in deviceActors.values() { await device.jobAvailable() }
    }

    /// Retires idle actors and marks silent devices offline. The server calls
    /// this periodically (every few seconds).
    public func maintain() async {
        jobActors.retireIdle(olderThan: .seconds(60))
        deviceActors.retireIdle(olderThan: .seconds(60))
        stockActors.retireIdle(olderThan: .seconds(60))
        for deviceID in presence.sweep() {
            await publishDevice(deviceID)
        }
        let dirty = presence.takeDirty()
        if !dirty.isEmpty {
            _ = try? await database.write { db in
                for (id, at) in dirty { try DeviceQueries.setLastSeen(db, deviceID: id, at: at) }
            }
        }
    }

    /// Marks a device seen; tells its watchers if it just came online.
    func deviceSeen(_ deviceID: Int64) async {
        if presence.touch(deviceID) { await publishDevice(deviceID) }
    }

    /// Sends the device's current state to its watchers, if it has any.
    func publishDevice(_ deviceID: Int64) async {
        // Only a live StockActor can have watchers (each watcher holds a lease on it).
        guard let stock = stockActors.existing(deviceID) else { return }
        await stock.publishDevice()
    }

    func loadDevice(_ deviceID: Int64) async throws -> Device? {
        let loaded = try await database.read { db -> (DeviceQueries.DeviceRecord, [Frasco])? in
            guard let record = try DeviceQueries.device(db, id: deviceID) else { return nil }
            return (record, try DeviceQueries.frascos(db, deviceID: deviceID))
        }
        guard let (record, frascos) = loaded else { return nil }
        return presence.view(record, frascos: frascos)
    }

    /// Every frasco whose stock differs from its ledger (empty when healthy).
    public func ledgerMismatches() async throws -> [String] {
        try await database.read { try DeviceQueries.ledgerMismatches($0) }
    }
}

extension Dispenser {
    /// Opens (creating and migrating) the database at `path` with the
    /// domain's schema and a Dispenser on it.
    public static func open(path: String, offlineAfter: Duration = .seconds(90), stageObserver: StageObserver = StageObserver(),
                            encodeFrame: @escaping @Sendable ([UInt8]) -> SharedBytes) throws -> Dispenser {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: Schema.migrator))
        return Dispenser(database: database, offlineAfter: offlineAfter, stageObserver: stageObserver, encodeFrame: encodeFrame)
    }
}

extension Dispenser {
    /// How many jobs are in each status (for metrics).
    public func jobCountsByStatus() async throws -> [JobStatus: Int] {
        try await database.read { db in
            var counts: [JobStatus: Int] = [:]
            try db.forEachRow("SELECT status, COUNT(*) FROM jobs GROUP BY status") { row in
                if let status = JobStatus(rawValue: try row.get(0)) { counts[status] = try row.get(1) }
            }
            return counts
        }
    }
}
