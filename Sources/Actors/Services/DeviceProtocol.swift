import Foundation
import Runtime

/// What devices do: fetch their next job, report progress, report completion,
/// send heartbeats. Real devices reach it through HTTP handlers; the simulator
/// calls it directly, so a simulated job takes the same path after HTTP.
/// Every call marks the device seen (online), except the simulator's.
public struct DeviceProtocol: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    /// The job the device should run, waiting up to `wait` for one.
    public func next(_ device: DeviceIdentity, wait: Duration) async throws -> Job? {
        await dispenser.deviceSeen(device)
        let job = try await dispenser.withDevice(device.deviceID) { try await $0.next(wait: wait) }
        await dispenser.deviceSeen(device)
        return job
    }

    /// Broadcasts a progress event; returns whether a user asked to abort the job.
    @discardableResult
    public func progress(_ device: DeviceIdentity, jobID: Int64, report: ProgressReport) async throws -> Bool {
        await dispenser.deviceSeen(device)
        let abort = try await dispenser.withJob(jobID, device: device.deviceID) {
            try await $0.progress(deviceID: device.deviceID, report: report)
        }
        dispenser.progressPosted(jobID: jobID)
        return abort
    }

    /// Settles the job (durably) or replays the recorded result. `canonical`
    /// is the report's canonical JSON (``CompletionReport/canonicalJSON``);
    /// without it, it is computed here.
    public func complete(_ device: DeviceIdentity, jobID: Int64, report: CompletionReport,
                         canonical: String? = nil) async throws -> CompletionResult {
        if let version = report.fwVersion, let problem = FirmwareVersion.problem(version) {
            throw DomainError.invalid(message: "The completion report is not valid.", fields: ["fw_version": problem])
        }
        await dispenser.deviceSeen(device)
        let canonical = canonical ?? report.canonicalJSON
        return try await dispenser.withJob(jobID, device: device.deviceID) {
            try await $0.complete(deviceID: device.deviceID, report: report, canonical: canonical)
        }
    }

    public struct Heartbeat: Codable, Sendable {
        public var fwVersion: String
        public var uptimeS: Int64
        public var rssi: Int?
        public var freeHeap: Int64?
    }

    /// Records the heartbeat; returns the id of a running job a user asked to abort, if any.
    @discardableResult
    public func heartbeat(_ device: DeviceIdentity, _ heartbeat: Heartbeat) async throws -> Int64? {
        if let problem = FirmwareVersion.problem(heartbeat.fwVersion) {
            throw DomainError.invalid(message: "The heartbeat is not valid.", fields: ["fw_version": problem])
        }
        guard heartbeat.uptimeS >= 0 else {
            throw DomainError.invalid(message: "The heartbeat is not valid.", fields: ["uptime_s": .atLeast(0)])
        }
        let deviceID = device.deviceID
        let version = heartbeat.fwVersion
        let (now, notSince) = (Timestamp.now(), Timestamp.format(Date(timeIntervalSinceNow: -DeviceTelemetry.minGapSeconds)))
        let changed = try await dispenser.database.write { db -> Bool in
            try DeviceQueries.setFirmware(db, deviceID: deviceID, version: version)
            let changed = db.changes > 0
            try TelemetryQueries.record(db, deviceID: deviceID, at: now, notSince: notSince, uptimeS: heartbeat.uptimeS,
                                        rssi: heartbeat.rssi, freeHeap: heartbeat.freeHeap)
            return changed
        }
        await dispenser.deviceSeen(device)
        if changed { await dispenser.publishDevice(deviceID) }
        return try await dispenser.abortedRunningJob(deviceID: deviceID)
    }

    /// Takes one specific pending job for the device (the simulator's entry:
    /// it must run the job it was asked to, not the oldest one). Like `next`,
    /// it refuses while the device runs another job.
    func take(_ device: DeviceIdentity, jobID: Int64) async throws -> Job {
        await dispenser.deviceSeen(device)
        let deviceID = device.deviceID
        let job = try await dispenser.database.write { db -> Job? in
            if let running = try JobQueries.runningJobID(db, deviceID: deviceID), running != jobID {
                throw DomainError.conflict(code: "device_busy",
                                           message: "The device is running job \(running); it runs one job at a time.")
            }
            try JobQueries.markRunning(db, jobID: jobID)
            guard let record = try JobQueries.job(db, id: jobID), record.job.deviceId == deviceID else { return nil }
            return record.job
        }
        guard let job else { throw DomainError.notFound("No such job.") }
        return job
    }
}
