import Runtime

/// A simulated dispenser, for demos and tests without hardware. It runs one
/// pending job through ``DeviceProtocol`` — the same code a real device's HTTP
/// requests reach — so it reports progress item by
/// item, loses the network for a configured drop (progress posted meanwhile is
/// lost, dispensing goes on), and delivers its completion report, retrying
/// until the network is back.
///
/// Like the firmware, it keeps its state in durable storage (the
/// `simulations` table stands in for flash): the plan, and each finished
/// item's result. After a server restart ``resumeAll()`` carries every
/// unfinished simulation on from its next item.
public struct Simulator: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    public struct Request: Codable, Sendable {
        public var jobId: Int64
        public var frascoDelayMs: Int?
        public var failFrascoIndices: [Int]?
        public var simulateWifiDrop: Bool?
        public var dropAtFrascoIndex: Int?
        public var dropDurationSeconds: Double?
    }

    struct Plan: Codable, Sendable {
        var delayMs: Int
        var failing: [Int]
        var dropAt: Int?
        var dropDurationMs: Int64
    }

    /// Validates and starts the simulation in the background; returns at once.
    public func start(userID: Int64, request: Request) async throws {
        let delay = request.frascoDelayMs ?? 500
        let dropSeconds = request.dropDurationSeconds ?? 5
        var fields: [String: FieldProblem] = [:]
        if !(0...60_000).contains(delay) { fields["frasco_delay_ms"] = .outOfRange(0, 60_000) }
        if !(0...600).contains(dropSeconds) { fields["drop_duration_seconds"] = .outOfRange(0, 600) }
        if (request.failFrascoIndices?.count ?? 0) > JobRules.maxFrascos { fields["fail_frasco_indices"] = .maxItems(Int64(JobRules.maxFrascos)) }
        if !fields.isEmpty { throw DomainError.invalid(message: "The simulation is not valid.", fields: fields) }

        let job = try await JobService(dispenser).job(userID: userID, id: request.jobId)
        guard job.status == .pending else {
            throw DomainError.conflict(code: "job_not_pending", message: "Only a pending job can be simulated.")
        }
        let device = DeviceIdentity(deviceID: job.deviceId, userID: userID, simulated: true)
        let plan = Plan(delayMs: delay, failing: request.failFrascoIndices ?? [],
                        dropAt: request.simulateWifiDrop == true ? (request.dropAtFrascoIndex ?? job.items.first?.frascoIndex) : nil,
                        dropDurationMs: Int64(dropSeconds * 1000))
        let taken = try await DeviceProtocol(dispenser).take(device, jobID: job.id)
        guard taken.status == .running else {
            throw DomainError.conflict(code: "job_not_pending", message: "Only a pending job can be simulated.")
        }
        let row = SimulationQueries.Row(jobID: job.id, userID: userID, deviceID: job.deviceId,
                                        planJSON: try WireJSON.encodeString(plan), logsJSON: "[]")
        try await dispenser.database.write { try SimulationQueries.insert($0, row) }
        let dispenser = dispenser
        await dispenser.simulation(device.deviceID, running: true)
        Task.detached { await Self.run(taken, device: device, plan: plan, done: [], dispenser: dispenser) }
    }

    /// Carries on every simulation that a restart interrupted. Returns how many.
    @discardableResult
    public func resumeAll() async throws -> Int {
        let rows = try await dispenser.database.write { try SimulationQueries.unfinished($0) }
        for row in rows {
            guard let plan = try? WireJSON.decode(Plan.self, from: row.planJSON),
                  let done = try? WireJSON.decode([ExecutionLog].self, from: row.logsJSON),
                  var job = try? await JobService(dispenser).job(userID: row.userID, id: row.jobID) else { continue }
            let device = DeviceIdentity(deviceID: row.deviceID, userID: row.userID, simulated: true)
            // Like a rebooted device whose record survived: it asks for its job
            // again (the server counts the re-delivery) and resumes from its record.
            // Only for a running job: `next` then hands back this one, never a pending one.
            if job.status == .running, let handedBack = try? await DeviceProtocol(dispenser).next(device, wait: .zero),
               handedBack.id == job.id {
                job = handedBack
            }
            let dispenser = dispenser
            await dispenser.simulation(device.deviceID, running: true)
            Task.detached { await Self.run(job, device: device, plan: plan, done: done, dispenser: dispenser) }
        }
        return rows.count
    }

    private static func run(_ job: Job, device: DeviceIdentity, plan: Plan, done: [ExecutionLog], dispenser: Dispenser) async {
        let deviceProtocol = DeviceProtocol(dispenser)
        let failing = Set(plan.failing)
        var dropEnds: ContinuousClock.Instant?
        func networkDown() -> Bool { dropEnds.map { ContinuousClock.now < $0 } ?? false }
        var logs = done
        var deviceMs = Int64(done.count * plan.delayMs)
        // Like the firmware: an abort heard in a progress reply stops before the next item.
        var aborted = false
        for item in job.items.dropFirst(done.count) {
            if aborted {
                logs.append(ExecutionLog(position: item.position, frascoIndex: item.frascoIndex, status: .failed,
                                         dispensedMg: 0, error: "aborted", deviceMs: deviceMs))
                continue
            }
            if dropEnds == nil, let dropAt = plan.dropAt, item.frascoIndex == dropAt {
                dropEnds = .now + .milliseconds(plan.dropDurationMs)
            }
            if !networkDown() {
                aborted = (try? await deviceProtocol.progress(device, jobID: job.id, report: ProgressReport(
                    position: item.position, frascoIndex: item.frascoIndex, status: .dispensing, dispensedMg: 0, error: nil))) ?? false
                if aborted {
                    logs.append(ExecutionLog(position: item.position, frascoIndex: item.frascoIndex, status: .failed,
                                             dispensedMg: 0, error: "aborted", deviceMs: deviceMs))
                    continue
                }
            }
            try? await Task.sleep(for: .milliseconds(plan.delayMs))
            deviceMs += Int64(plan.delayMs)
            let failed = failing.contains(item.frascoIndex)
            let log = ExecutionLog(position: item.position, frascoIndex: item.frascoIndex, status: failed ? .failed : .ok,
                                   dispensedMg: failed ? 0 : item.amountMg, error: failed ? "simulated failure" : nil,
                                   deviceMs: deviceMs)
            logs.append(log)
            if let json = try? WireJSON.encodeString(logs) {
                _ = try? await dispenser.database.write { try SimulationQueries.saveLogs($0, jobID: job.id, logsJSON: json) }
            }
            if !networkDown() {
                aborted = (try? await deviceProtocol.progress(device, jobID: job.id, report: ProgressReport(
                    position: log.position, frascoIndex: log.frascoIndex, status: failed ? .failed : .ok,
                    dispensedMg: log.dispensedMg, error: log.error))) ?? false
            }
        }
        // No fw_version: the simulator must not overwrite a real device's firmware version.
        let report = CompletionReport(executionLogs: logs, fwVersion: nil)
        // Like the firmware: retry the report until the server takes it (or refuses it for good).
        while true {
            if let ends = dropEnds, ContinuousClock.now < ends {
                try? await Task.sleep(until: ends, clock: .continuous)
                continue
            }
            do {
                _ = try await deviceProtocol.complete(device, jobID: job.id, report: report)
                break
            } catch is DomainError {
                break
            } catch {
                if (try? await Task.sleep(for: .seconds(1))) == nil { return }
            }
        }
        _ = try? await dispenser.database.write { try SimulationQueries.delete($0, jobID: job.id) }
        await dispenser.simulation(device.deviceID, running: false)
    }
}
