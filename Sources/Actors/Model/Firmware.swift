/// Firmware images, rollouts and update attempts as the API shows them.
/// Optional fields encode as explicit `null` (``ExplicitNull``, the contract's convention).

/// One signed image in an owner's registry. The server never signs: the
/// signature is the owner's, passed through to the device, which verifies it
/// against the public key it was provisioned with.
public struct Firmware: Codable, Sendable, Equatable {
    public var id: Int64
    public var version: String
    public var size: Int64
    /// Lowercase hex SHA-256 of the image, computed by the server on upload.
    public var sha256: String
    /// Base64 of the DER ECDSA P-256 signature over the image's SHA-256.
    public var signature: String
    public var createdAt: String
}

/// What the heartbeat answers in `update` (INTERFACES.md).
public struct FirmwareOffer: Codable, Sendable, Equatable {
    public var version: String
    public var url: String
    public var sha256: String
    public var size: Int64
    public var signature: String
}

public enum RolloutStatus: String, Codable, Sendable {
    /// Offering the image to its devices.
    case active
    /// Stopped by its abort rule.
    case aborted
    /// Stopped by its owner.
    case stopped
}

/// Where an update attempt stands. Six are what a device reports; the
/// server's own are `offered` (the heartbeat offered it), `timed_out` (the
/// device did not come back on the new version within the rollout's
/// deadline) and `superseded` (a newer rollout offered the device another
/// version before this attempt had a result).
public enum UpdateState: String, Codable, Sendable, CaseIterable {
    case offered, downloading, verified, installing, confirmed, failed
    case rolledBack = "rolled_back"
    case timedOut = "timed_out"
    case superseded

    /// The states a device may report.
    public static let reportable: [UpdateState] = [.downloading, .verified, .installing, .confirmed, .failed, .rolledBack]

    /// The attempt has its result (a later report can still correct it).
    public var isFinal: Bool {
        switch self {
        case .confirmed, .failed, .rolledBack, .timedOut, .superseded: true
        case .offered, .downloading, .verified, .installing: false
        }
    }

    /// The device did not come back on the new version: what the abort rule counts.
    public var isFailure: Bool { self == .failed || self == .rolledBack || self == .timedOut }
}

/// A rollout's devices by the state of their latest attempt.
public struct RolloutCounts: Codable, Sendable, Equatable {
    /// Devices chosen for the rollout.
    public var targeted: Int
    /// Devices that were offered the update (the abort rule's denominator).
    public var attempted: Int
    public var inProgress: Int
    public var confirmed: Int
    /// Failed, rolled back or timed out (the abort rule's numerator).
    public var failed: Int

    public init(targeted: Int = 0, attempted: Int = 0, inProgress: Int = 0, confirmed: Int = 0, failed: Int = 0) {
        self.targeted = targeted
        self.attempted = attempted
        self.inProgress = inProgress
        self.confirmed = confirmed
        self.failed = failed
    }
}

/// A target version for chosen devices, offered while `active`.
public struct Rollout: Codable, Sendable, Equatable {
    public var id: Int64
    public var firmwareId: Int64
    public var version: String
    public var status: RolloutStatus
    /// The share of the owner's devices chosen, or nil for an explicit list.
    @ExplicitNull public var percent: Int?
    public var deviceIds: [Int64]
    public var maxFailurePercent: Int
    public var confirmWithinS: Int
    /// Why the rollout stopped, for a person.
    @ExplicitNull public var reason: String?
    public var createdAt: String
    @ExplicitNull public var endedAt: String?
    public var counts: RolloutCounts
}

/// One offer of one version to one device and what became of it.
public struct FirmwareAttempt: Codable, Sendable, Equatable {
    public var id: Int64
    public var deviceId: Int64
    @ExplicitNull public var rolloutId: Int64?
    @ExplicitNull public var firmwareId: Int64?
    public var version: String
    /// The version the device ran when the attempt began.
    @ExplicitNull public var fromVersion: String?
    public var state: UpdateState
    @ExplicitNull public var error: String?
    public var startedAt: String
    public var updatedAt: String
    /// When a device that has not confirmed by then counts as failed (rollout attempts only).
    @ExplicitNull public var deadlineAt: String?
    @ExplicitNull public var finishedAt: String?
}
