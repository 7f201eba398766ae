import Runtime

/// One device's job queue as the device sees it: its waiting long-polls and
/// the hand-out of its next job.
///
/// A device runs one job at a time. `next` returns first the job it took and
/// has not completed (a rebooted device gets it back, with its delivery count
/// one higher), else its oldest pending
/// job, which becomes `running` in a durable write before it is handed out. A
/// job created while the device waits wakes the wait at once.
///
/// Executor: its device's (``ActorPlacement``), like the device's other actors.
public actor DeviceActor {
    public let deviceID: Int64
    private let executor: any SerialExecutor
    private let database: Database
    private let stopping: ShutdownFlag
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID: UInt64 = 0

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(deviceID: Int64, executor: any SerialExecutor, database: Database, stopping: ShutdownFlag) {
        self.deviceID = deviceID
        self.executor = executor
        self.database = database
        self.stopping = stopping
    }

    /// The device's current job, waiting up to `wait` for one to appear.
    public func next(wait: Duration) async throws -> Job? {
        let deadline = ContinuousClock.now + wait
        while true {
            if let job = try await takeNext() { return job }
            let remaining = deadline - .now
            guard remaining > .zero, !Task.isCancelled, !stopping.isSet else { return nil }
            await waitForWork(upTo: remaining)
        }
    }

    /// Long-polls waiting now (tests and metrics).
    public var waiterCount: Int { waiters.count }

    /// Wakes every waiting long-poll of this device (a job was created for it).
    public func jobAvailable() {
        let woken = waiters
        waiters.removeAll()
        for (_, waiter) in woken { waiter.resume() }
    }

    private func takeNext() async throws -> Job? {
        let deviceID = deviceID
        // Most polls find nothing: look first with a reader, and write only to
        // hand out a job (each hand-out counts a delivery, durably).
        guard try await database.read({ try JobQueries.hasWork($0, deviceID: deviceID) }) else { return nil }
        return try await database.write { try JobQueries.takeNext($0, deviceID: deviceID) }
    }

    private func waitForWork(upTo timeout: Duration) async {
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiters[id] = $0 }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
    }

    private func wake(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
