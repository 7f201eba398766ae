import YagutsRuntime

/// A simulated dispenser, for demos and tests without hardware. It runs one
/// pending job through ``DeviceProtocol`` — the same code a real device's HTTP
/// requests reach — so it marks the device online, reports progress item by
/// item, loses the network for a configured drop (progress posted meanwhile is
/// lost, dispensing goes on), and delivers its completion report, retrying
/// until the network is back.
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

    /// Validates and starts the simulation in the background; returns at once.
    public func start(userID: Int64, request: Request) async throws {
        let delay = request.frascoDelayMs ?? 500
        let dropSeconds = request.dropDurationSeconds ?? 5
        var fields: [String: String] = [:]
        if !(0...60_000).contains(delay) { fields["frasco_delay_ms"] = "must be between 0 and 60000" }
        if !(0...600).contains(dropSeconds) { fields["drop_duration_seconds"] = "must be between 0 and 600" }
        if (request.failFrascoIndices?.count ?? 0) > JobRules.maxFrascos { fields["fail_frasco_indices"] = "too many indexes" }
        if !fields.isEmpty { throw DomainError.invalid(message: "The simulation is not valid.", fields: fields) }

        let job = try await JobService(dispenser).job(userID: userID, id: request.jobId)
        guard job.status == .pending else {
            throw DomainError.conflict(code: "job_not_pending", message: "Only a pending job can be simulated.")
        }
        let device = DeviceIdentity(deviceID: job.deviceId, userID: userID)
        let plan = Plan(delay: .milliseconds(delay), failing: Set(request.failFrascoIndices ?? []),
                        dropAt: request.simulateWifiDrop == true ? (request.dropAtFrascoIndex ?? job.items.first?.frascoIndex) : nil,
                        dropDuration: .milliseconds(Int64(dropSeconds * 1000)))
        let taken = try await DeviceProtocol(dispenser).take(device, jobID: job.id)
        guard taken.status == .running else {
            throw DomainError.conflict(code: "job_not_pending", message: "Only a pending job can be simulated.")
        }
        let protocolPath = DeviceProtocol(dispenser)
        Task.detached {
            await Self.run(taken, device: device, plan: plan, via: protocolPath)
        }
    }

    struct Plan: Sendable {
        let delay: Duration
        let failing: Set<Int>
        let dropAt: Int?
        let dropDuration: Duration
    }

    private static func run(_ job: Job, device: DeviceIdentity, plan: Plan, via deviceProtocol: DeviceProtocol) async {
        var dropEnds: ContinuousClock.Instant?
        func networkDown() -> Bool { dropEnds.map { ContinuousClock.now < $0 } ?? false }
        var logs: [ExecutionLog] = []
        var deviceMs: Int64 = 0
        for item in job.items {
            if dropEnds == nil, let dropAt = plan.dropAt, item.frascoIndex == dropAt {
                dropEnds = .now + plan.dropDuration
            }
            if !networkDown() {
                try? await deviceProtocol.progress(device, jobID: job.id, report: ProgressReport(
                    position: item.position, frascoIndex: item.frascoIndex, status: .dispensing, dispensedMg: 0, error: nil))
            }
            try? await Task.sleep(for: plan.delay)
            deviceMs += Int64(plan.delay.components.seconds * 1000)
            let failed = plan.failing.contains(item.frascoIndex)
            let log = ExecutionLog(position: item.position, frascoIndex: item.frascoIndex, status: failed ? .failed : .ok,
                                   dispensedMg: failed ? 0 : item.amountMg, error: failed ? "simulated failure" : nil,
                                   deviceMs: deviceMs)
            logs.append(log)
            if !networkDown() {
                try? await deviceProtocol.progress(device, jobID: job.id, report: ProgressReport(
                    position: log.position, frascoIndex: log.frascoIndex, status: failed ? .failed : .ok,
                    dispensedMg: log.dispensedMg, error: log.error))
            }
        }
        let report = CompletionReport(executionLogs: logs, fwVersion: "simulator-1")
        // Like the firmware: retry the report until the server takes it.
        for _ in 0..<600 {
            if let ends = dropEnds, ContinuousClock.now < ends {
                try? await Task.sleep(until: ends, clock: .continuous)
                continue
            }
            do {
                _ = try await deviceProtocol.complete(device, jobID: job.id, report: report)
                return
            } catch let error as DomainError {
                _ = error
                return
            } catch {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
