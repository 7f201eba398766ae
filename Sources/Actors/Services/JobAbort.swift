import Foundation
import Runtime

/// Stopping a running job. The server only records the request; the device
/// hears it in the answer to its next progress post or heartbeat, stops
/// before its next item and reports the rest failed with `aborted` in its
/// normal completion report, so stock is deducted exactly as before: only
/// for what really dispensed.
extension JobService {
    public func abort(userID: Int64, id: Int64) async throws -> Job {
        let now = Timestamp.now()
        let outcome = try await dispenser.database.write {
            try JobLifecycleQueries.requestAbort($0, jobID: id, userID: userID, now: now)
        }
        switch outcome {
        case .notFound:
            throw DomainError.notFound("No such job.")
        case .notRunning(let status):
            let hint = status == .pending ? " A pending job is cancelled instead." : ""
            throw DomainError.conflict(code: "job_not_running", message: "Only a running job can be aborted (it is \(status.rawValue)).\(hint)")
        case .recorded(let job):
            // A live JobActor answers the device's progress from memory.
            await dispenser.jobActors.existing(id)?.abortWasRequested()
            return dispenser.userView(job)
        }
    }
}

/// How long a job may wait for its device, and the owner's default.
public enum JobExpiry {
    /// Thirty days: an order older than that is not an order any more.
    public static let maxSeconds: Int64 = 30 * 86_400

    public static func validate(_ seconds: Int64?, field: String) throws(DomainError) {
        guard let seconds else { return }
        guard (1...maxSeconds).contains(seconds) else {
            throw .invalid(message: "The expiry is not valid.", fields: [field: "must be between 1 and \(maxSeconds) seconds"])
        }
    }

    /// The expiry time of a job created now: the requested seconds, else the owner's default, else none.
    static func expiresAt(_ db: SQLiteConnection, userID: Int64, requested: Int64?) throws -> String? {
        guard let seconds = try requested ?? JobLifecycleQueries.defaultExpiry(db, userID: userID) else { return nil }
        return Timestamp.format(Date(timeIntervalSinceNow: Double(seconds)))
    }
}

/// The owner's job settings (`GET`/`PUT /account/settings`).
public struct JobSettings: Codable, Sendable, Equatable {
    public var defaultJobExpiresInS: Int64?

    enum CodingKeys: String, CodingKey { case defaultJobExpiresInS }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(defaultJobExpiresInS, forKey: .defaultJobExpiresInS)
    }
}

extension JobService {
    public func settings(userID: Int64) async throws -> JobSettings {
        JobSettings(defaultJobExpiresInS: try await dispenser.database.read {
            try JobLifecycleQueries.defaultExpiry($0, userID: userID)
        })
    }

    public func updateSettings(userID: Int64, _ settings: JobSettings) async throws -> JobSettings {
        try JobExpiry.validate(settings.defaultJobExpiresInS, field: "default_job_expires_in_s")
        let seconds = settings.defaultJobExpiresInS
        try await dispenser.database.write { try JobLifecycleQueries.setDefaultExpiry($0, userID: userID, seconds: seconds) }
        return settings
    }
}
