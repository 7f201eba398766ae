import Foundation
import Runtime

/// How long telemetry is kept, and how often a sample is stored at most.
public enum DeviceTelemetry {
    public static let keptSeconds: Double = 7 * 86_400
    public static let minGapSeconds: Double = 10
    public static let maxSamples = 5_000
}

/// Renaming and removing devices; reading their telemetry.
extension DeviceService {
    public func rename(userID: Int64, id: Int64, name: String) async throws -> Device {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw DomainError.invalid(message: "The device is not valid.", fields: ["name": "must be 1 to 100 characters"])
        }
        guard try await dispenser.database.write({ try DeviceAdminQueries.rename($0, id: id, userID: userID, name: trimmed) }) else {
            throw DomainError.notFound("No such device.")
        }
        await dispenser.publishDevice(id)
        return try await device(userID: userID, id: id)
    }

    /// Removes the device (refused while it runs a job; its pending jobs are cancelled).
    public func remove(userID: Int64, id: Int64) async throws {
        let unusable = AccountService.hash(SecureRandom.token())
        switch try await dispenser.database.write({
            try DeviceAdminQueries.remove($0, id: id, userID: userID, unusableTokenHash: unusable)
        }) {
        case .notFound: throw DomainError.notFound("No such device.")
        case .busy(let jobID):
            throw DomainError.conflict(code: "device_busy", message: "The device is running job \(jobID); abort it or wait for it to finish.")
        case .removed:
            dispenser.deviceTokens.forget(deviceID: id)
        }
    }

    /// Samples from the last `hours` (at most ``DeviceTelemetry/maxSamples``, the newest).
    public func telemetry(userID: Int64, id: Int64, hours: Int) async throws -> [TelemetrySample] {
        let since = Timestamp.format(Date(timeIntervalSinceNow: -Double(hours) * 3600))
        let samples = try await dispenser.database.read { db -> [TelemetrySample]? in
            guard try DeviceQueries.device(db, id: id, userID: userID) != nil else { return nil }
            return try TelemetryQueries.samples(db, deviceID: id, since: since, limit: DeviceTelemetry.maxSamples)
        }
        guard let samples else { throw DomainError.notFound("No such device.") }
        return samples
    }
}

/// The audit trail: recorded by the HTTP layer after each successful
/// state-changing request, read by its user.
public struct AuditService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    public func record(userID: Int64, action: String, object: String, clientAddress: String) async throws {
        try await dispenser.database.write {
            try AuditQueries.record($0, userID: userID, action: action, object: object, clientAddress: clientAddress)
        }
    }

    public func entries(userID: Int64, limit: Int, before: Int64?) async throws -> [AuditEntry] {
        try await dispenser.database.read { try AuditQueries.entries($0, userID: userID, limit: limit, before: before) }
    }

    public func entry(userID: Int64, id: Int64) async throws -> AuditEntry {
        guard let entry = try await dispenser.database.read({ try AuditQueries.entry($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such audit entry.")
        }
        return entry
    }
}
