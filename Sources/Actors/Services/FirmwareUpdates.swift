import Foundation
import Runtime

/// The device's side of firmware updates: what the heartbeat offers, the
/// image download, the device's reports on an attempt, and the deadline after
/// which a device that never came back on the new version counts as failed.
///
/// An update is offered only when an active rollout includes the device, the
/// device runs another version, it has no running job (a job in flight or a
/// report not yet delivered must never be cut by a reboot), and its last
/// attempt in this rollout did not fail (a device that rolled back is not
/// offered the same image again; a new rollout can). A heartbeat reporting the
/// version of an open attempt confirms it.
public struct FirmwareUpdates: Sendable {
    let dispenser: Dispenser
    /// Hears each attempt that reaches a result (for metrics).
    let onResult: @Sendable (UpdateState) -> Void

    public init(_ dispenser: Dispenser, onResult: @escaping @Sendable (UpdateState) -> Void = { _ in }) {
        self.dispenser = dispenser
        self.onResult = onResult
    }

    public static func url(firmwareID: Int64) -> String { "/devices/me/firmware/\(firmwareID)" }

    /// What one heartbeat decides, and whether deciding it must write.
    struct HeartbeatStep: Sendable {
        var offer: FirmwareOffer?
        var confirm: FirmwareAttempt?
        var newAttempt: FirmwareQueries.Target?
        var needsWrite: Bool { confirm != nil || newAttempt != nil }
    }

    /// The heartbeat's `update` for a device running `version` (nil: none).
    public func heartbeat(_ device: DeviceIdentity, runningVersion version: String) async throws -> FirmwareOffer? {
        let deviceID = device.deviceID
        // Nearly every heartbeat changes nothing: decide with a reader, and
        // write only to record a confirmation or a first offer (decided again
        // on the truth inside the write).
        let looked = try await dispenser.database.read { try Self.step($0, deviceID: deviceID, version: version) }
        guard looked.needsWrite else { return looked.offer }
        let applied = try await dispenser.database.write { db -> (step: HeartbeatStep, superseded: Int) in
            let step = try Self.step(db, deviceID: deviceID, version: version)
            let now = Timestamp.now()
            if let confirm = step.confirm {
                try FirmwareQueries.updateAttempt(db, id: confirm.id, state: .confirmed, error: nil, now: now)
            }
            var superseded = 0
            if let target = step.newAttempt {
                superseded = try FirmwareQueries.supersedeOpenAttempts(db, deviceID: deviceID, by: target.firmware.version,
                                                                       rolloutID: target.rolloutID, now: now)
                let deadline = Timestamp.format(Date().addingTimeInterval(Double(target.confirmWithinS)))
                try FirmwareQueries.insertAttempt(db, deviceID: deviceID, rolloutID: target.rolloutID,
                                                  firmwareID: target.firmware.id, version: target.firmware.version,
                                                  fromVersion: version, state: .offered, error: nil,
                                                  deadlineAt: deadline, now: now)
            }
            return (step, superseded)
        }
        if applied.step.confirm != nil { onResult(.confirmed) }
        for _ in 0..<applied.superseded { onResult(.superseded) }
        return applied.step.offer
    }

    static func step(_ db: SQLiteConnection, deviceID: Int64, version: String) throws -> HeartbeatStep {
        var step = HeartbeatStep()
        if let open = try FirmwareQueries.latestAttempt(db, deviceID: deviceID, version: version),
           !open.state.isFinal || open.state == .timedOut {
            step.confirm = open
        }
        guard let target = try FirmwareQueries.target(db, deviceID: deviceID), target.firmware.version != version,
              try !FirmwareQueries.hasRunningJob(db, deviceID: deviceID) else { return step }
        let last = try FirmwareQueries.latestAttempt(db, deviceID: deviceID, rolloutID: target.rolloutID)
        if let last, last.state.isFinal { return step }
        if last == nil { step.newAttempt = target }
        let image = target.firmware
        step.offer = FirmwareOffer(version: image.version, url: Self.url(firmwareID: image.id), sha256: image.sha256,
                                   size: image.size, signature: image.signature)
        return step
    }

    /// One of the owner's images for the device: its record and the bytes
    /// `select` picks for it (nil: none). Another owner's image is not found.
    public func download(_ device: DeviceIdentity, firmwareID: Int64,
                         select: @escaping @Sendable (Firmware) -> Range<Int>?) async throws -> (Firmware, [UInt8]) {
        await dispenser.deviceSeen(device)
        let userID = device.userID
        let found = try await dispenser.database.read { db -> (Firmware, [UInt8])? in
            guard let image = try FirmwareQueries.firmware(db, id: firmwareID, userID: userID) else { return nil }
            let bytes = try select(image).map { try FirmwareQueries.imageBytes(db, firmwareID: firmwareID, range: $0) }
            return (image, bytes ?? [])
        }
        guard let found else { throw DomainError.notFound("No such firmware.") }
        return found
    }

    public struct StatusReport: Codable, Sendable {
        public var version: String
        public var state: String
        public var error: String?
    }

    /// Records a device's report on its attempt at `version` and returns the
    /// attempt as stored. A repeated report changes nothing; a report for a
    /// version with no open attempt starts one (a device may update on its
    /// own); a failure applies the rollout's abort rule at once.
    public func record(_ device: DeviceIdentity, _ report: StatusReport) async throws -> FirmwareAttempt {
        var fields: [String: FieldProblem] = [:]
        if let problem = FirmwareRules.versionProblem(report.version) { fields["version"] = FieldProblem(stringLiteral: problem) }
        let state = UpdateState(rawValue: report.state).flatMap { UpdateState.reportable.contains($0) ? $0 : nil }
        if state == nil { fields["state"] = .notOneOf(UpdateState.reportable.map(\.rawValue)) }
        if let error = report.error, error.count > FirmwareRules.maxErrorLength {
            fields["error"] = "must be at most \(FirmwareRules.maxErrorLength) characters"
        }
        guard let state, fields.isEmpty else { throw DomainError.invalid(message: "The status is not valid.", fields: fields) }
        await dispenser.deviceSeen(device)
        let (deviceID, userID, version, error) = (device.deviceID, device.userID, report.version, report.error)
        let (attempt, reachedResult) = try await dispenser.database.write { db -> (FirmwareAttempt, Bool) in
            let now = Timestamp.now()
            let latest = try FirmwareQueries.latestAttempt(db, deviceID: deviceID, version: version)
            var reachedResult = false
            if let latest, latest.state == state, latest.error == error {
                return (latest, false)  // a retried report
            } else if let latest, !latest.state.isFinal || latest.state == .timedOut || state.isFinal {
                try FirmwareQueries.updateAttempt(db, id: latest.id, state: state, error: error, now: now)
                reachedResult = state.isFinal && latest.state != state
            } else {
                let target = try FirmwareQueries.target(db, deviceID: deviceID).flatMap { $0.firmware.version == version ? $0 : nil }
                let firmwareID = try target?.firmware.id ?? FirmwareQueries.firmware(db, userID: userID, version: version)?.id
                let deadline = target.map { Timestamp.format(Date().addingTimeInterval(Double($0.confirmWithinS))) }
                try FirmwareQueries.insertAttempt(db, deviceID: deviceID, rolloutID: target?.rolloutID, firmwareID: firmwareID,
                                                  version: version, fromVersion: try DeviceQueries.device(db, id: deviceID)?.fwVersion,
                                                  state: state, error: error, deadlineAt: state.isFinal ? nil : deadline, now: now)
                reachedResult = state.isFinal
            }
            guard let stored = try FirmwareQueries.latestAttempt(db, deviceID: deviceID, version: version) else {
                throw DomainError.notFound("No such attempt.")
            }
            if state.isFailure, let rolloutID = stored.rolloutId {
                _ = try FirmwareQueries.applyAbortRule(db, rolloutID: rolloutID)
            }
            return (stored, reachedResult)
        }
        if reachedResult { onResult(state) }
        return attempt
    }

    /// Attempts past their deadline count as failed, and their rollouts'
    /// abort rules are applied. The server calls this periodically.
    @discardableResult
    public func expireOverdue() async throws -> Int {
        let now = Timestamp.now()
        guard try await dispenser.database.read({ try FirmwareQueries.hasOverdueAttempts($0, now: now) }) else { return 0 }
        let expired = try await dispenser.database.write { db -> Int in
            let (expired, rollouts) = try FirmwareQueries.expireAttempts(db, now: Timestamp.now())
            for rolloutID in rollouts { _ = try FirmwareQueries.applyAbortRule(db, rolloutID: rolloutID) }
            return expired
        }
        for _ in 0..<expired { onResult(.timedOut) }
        return expired
    }
}
