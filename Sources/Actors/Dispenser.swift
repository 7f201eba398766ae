public import Runtime

/// The domain's root: the database, the live registries of actors, presence.
/// Handlers call the services (``AccountService``, ``DeviceService``,
/// ``JobService``, ``DeviceProtocol``, ``LiveMonitoring``) built on it.
///
/// Threading: `Sendable`; every member is safe from any thread. The actors it
/// creates run on their device's executor (``ActorPlacement``); their database
/// work runs on the writer and reader threads.
public final class Dispenser: Sendable {
    public let database: Database
    public let presence: Presence
    let placement: any ActorPlacement
    let feeds: any LiveFeeds
    let jobActors = LeasedRegistry<Int64, JobActor>()
    let deviceActors = LeasedRegistry<Int64, DeviceActor>()
    let stockActors = LeasedRegistry<Int64, StockActor>()
    let deviceTokens: DeviceTokenCache
    let stopping: ShutdownFlag
    /// Hears how long each stage of a completion report took (for metrics).
    let stageObserver: StageObserver
    /// Progress times of running jobs, kept in memory and flushed in batches.
    let progressTimes = JobProgressTimes()

    public init(database: Database, placement: any ActorPlacement, feeds: any LiveFeeds,
                offlineAfter: Duration = .seconds(90), stageObserver: StageObserver = StageObserver()) {
        self.database = database
        self.placement = placement
        self.feeds = feeds
        self.stageObserver = stageObserver
        self.presence = Presence(offlineAfter: offlineAfter)
        self.deviceTokens = DeviceTokenCache()
        self.stopping = ShutdownFlag()
    }

    // MARK: The actors, created on demand on their device's executor

    func withJob<T: Sendable>(_ jobID: Int64, device deviceID: Int64,
                              _ body: (JobActor) async throws -> T) async rethrows -> T {
        try await jobActors.withValue(jobID, orMake: { makeJobActor(jobID, deviceID) }, body)
    }

    /// Like ``withJob(_:device:_:)`` when the caller does not know the job's
    /// device (a user's request): looks it up unless the actor is alive.
    func withJob<T: Sendable>(_ jobID: Int64, _ body: (JobActor) async throws -> T) async throws -> T {
        try await withJob(jobID, device: try await deviceOfJob(jobID), body)
    }

    func acquireJob(_ jobID: Int64) async throws -> JobActor {
        let deviceID = try await deviceOfJob(jobID)
        return jobActors.acquire(jobID, orMake: { makeJobActor(jobID, deviceID) })
    }

    func withStock<T: Sendable>(_ deviceID: Int64, _ body: (StockActor) async throws -> T) async rethrows -> T {
        try await stockActors.withValue(deviceID, orMake: { makeStockActor(deviceID) }, body)
    }

    func acquireStock(_ deviceID: Int64) -> StockActor {
        stockActors.acquire(deviceID, orMake: { makeStockActor(deviceID) })
    }

    func withDevice<T: Sendable>(_ deviceID: Int64, _ body: (DeviceActor) async throws -> T) async rethrows -> T {
        try await deviceActors.withValue(deviceID, orMake: {
            DeviceActor(deviceID: deviceID, executor: placement.executor(forDevice: deviceID), database: database,
                        stopping: stopping)
        }, body)
    }

    private func makeJobActor(_ jobID: Int64, _ deviceID: Int64) -> JobActor {
        let (stocks, presence, progressTimes) = (stockActors, presence, progressTimes)
        return JobActor(jobID: jobID, deviceID: deviceID, executor: placement.executor(forDevice: deviceID),
                        database: database, feeds: feeds, stageObserver: stageObserver,
                        liveStock: { stocks.existing($0) },
                        userView: { JobView.forUser($0, presence: presence, progressTimes: progressTimes) })
    }

    private func makeStockActor(_ deviceID: Int64) -> StockActor {
        StockActor(deviceID: deviceID, executor: placement.executor(forDevice: deviceID), database: database,
                   presence: presence, feeds: feeds)
    }

    private func deviceOfJob(_ jobID: Int64) async throws -> Int64 {
        if let actor = jobActors.existing(jobID) { return actor.deviceID }
        guard let deviceID = try await database.read({ try JobQueries.deviceOfJob($0, jobID: jobID) }) else {
            throw DomainError.notFound("No such job.")
        }
        return deviceID
    }

    /// The device's connection is now on another executor than its actors
    /// were made for: retires those nobody is using, so the next use makes them
    /// on the new one and the report path stays on one thread. Actors in use
    /// (a watcher attached, a call in flight) keep their executor until they
    /// retire, costing a hop each way meanwhile.
    public func devicePlacementChanged(_ deviceID: Int64) {
        stockActors.retireUnleased { key, _ in key == deviceID }
        deviceActors.retireUnleased { key, _ in key == deviceID }
        jobActors.retireUnleased { _, actor in actor.deviceID == deviceID }
    }

    // MARK: Life

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
            await announcePresence(deviceID, online: false)
        }
        await maintainJobLifecycle()
        // In small writes, one after another: a thousand devices' last-seen
        // times in one write would hold up every report queued behind it.
        let dirty = presence.takeDirty()
        for start in stride(from: 0, to: dirty.count, by: 64) {
            let chunk = dirty[start..<min(start + 64, dirty.count)]
            _ = try? await database.write { db in
                for (id, at) in chunk { try DeviceQueries.setLastSeen(db, deviceID: id, at: at) }
            }
        }
    }

    /// Marks a device seen; tells its watchers if it just came online. The
    /// simulator is not the device: it shows as `simulating`, never as online.
    func deviceSeen(_ device: DeviceIdentity) async {
        guard !device.simulated else { return }
        if presence.touch(device.deviceID) {
            await publishDevice(device.deviceID)
            await announcePresence(device.deviceID, online: true)
        }
    }

    /// Starts or ends a simulated run on the device, telling its watchers.
    func simulation(_ deviceID: Int64, running: Bool) async {
        if presence.setSimulating(deviceID, running) { await publishDevice(deviceID) }
    }

    /// Sends the device's current state to its watchers, if it has any.
    func publishDevice(_ deviceID: Int64) async {
        // Only a live StockActor can have watchers (each watcher holds a lease on it).
        guard let stock = stockActors.existing(deviceID) else { return }
        await stock.publishDevice()
    }

    /// Every frasco whose stock differs from its ledger (empty when healthy).
    public func ledgerMismatches() async throws -> [String] {
        try await database.read { try DeviceQueries.ledgerMismatches($0) }
    }

    /// How many jobs are in each status (for metrics).
    public func jobCountsByStatus() async throws -> [JobStatus: Int] {
        try await database.read { try JobQueries.countsByStatus($0) }
    }
}

extension Dispenser {
    /// Opens (creating and migrating) the database at `path` with the
    /// domain's schema and a Dispenser on it.
    public static func open(path: String, placement: any ActorPlacement, feeds: any LiveFeeds,
                            offlineAfter: Duration = .seconds(90),
                            stageObserver: StageObserver = StageObserver()) throws -> Dispenser {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: Schema.migrator))
        return Dispenser(database: database, placement: placement, feeds: feeds, offlineAfter: offlineAfter,
                         stageObserver: stageObserver)
    }
}
