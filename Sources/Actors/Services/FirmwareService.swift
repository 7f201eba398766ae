import Foundation
import Runtime

/// The owner's side of firmware: the registry of signed images, rollouts
/// (which devices should run which image, and when to stop), and each
/// device's update attempts. Every call checks ownership; another owner's
/// image, rollout or device is "not found".
public struct FirmwareService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    // MARK: - Registry

    /// Stores an image with its version and the owner's detached signature.
    /// The server computes the SHA-256 (and compares it with `expectedSHA256`
    /// when the owner gave one) but never signs or verifies: it holds no key.
    public func upload(userID: Int64, version: String, signature: String?, expectedSHA256: String?,
                       image: [UInt8]) async throws -> Firmware {
        var fields: [String: FieldProblem] = [:]
        if let problem = FirmwareRules.versionProblem(version) { fields["version"] = FieldProblem(stringLiteral: problem) }
        let der = signature.flatMap(FirmwareRules.signatureDER)
        if signature == nil {
            fields["signature"] = "is required: base64 of the DER ECDSA P-256 signature over the image's SHA-256"
        } else if der == nil {
            fields["signature"] = "must be base64 of a DER ECDSA signature (SEQUENCE of two INTEGERs, 8 to 72 bytes)"
        }
        if image.isEmpty { fields["body"] = "the image is empty" }
        guard fields.isEmpty, let der else { throw DomainError.invalid(message: "The firmware upload is not valid.", fields: fields) }
        // Hashing megabytes belongs on the pool, not on the connection's loop thread.
        let sha256 = await Task.detached { Hex.encode(SHA256.hash(image)) }.value
        if let expectedSHA256, expectedSHA256.lowercased() != sha256 {
            throw DomainError.invalid(message: "The image does not match the SHA-256 given.",
                                      fields: ["sha256": "does not match the image received (its SHA-256 is \(sha256))"])
        }
        let canonicalSignature = Base64.encode(der)
        return try await dispenser.database.write { db in
            try FirmwareQueries.insertFirmware(db, userID: userID, version: version, sha256: sha256,
                                               signature: canonicalSignature, image: image)
        }
    }

    public func list(userID: Int64) async throws -> [Firmware] {
        try await dispenser.database.read { try FirmwareQueries.firmwareList($0, userID: userID) }
    }

    public func firmware(userID: Int64, id: Int64) async throws -> Firmware {
        guard let found = try await dispenser.database.read({ try FirmwareQueries.firmware($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such firmware.")
        }
        return found
    }

    /// Removes an image no active rollout offers; its attempts stay in the devices' history.
    public func delete(userID: Int64, id: Int64) async throws {
        try await dispenser.database.write { db in
            guard try FirmwareQueries.firmware(db, id: id, userID: userID) != nil else {
                throw DomainError.notFound("No such firmware.")
            }
            if try FirmwareQueries.hasActiveRollout(db, firmwareID: id) {
                throw DomainError.conflict(code: "firmware_in_use", message: "An active rollout offers this image; stop it first.")
            }
            try FirmwareQueries.deleteFirmware(db, id: id)
        }
    }

    // MARK: - Rollouts

    public struct NewRollout: Codable, Sendable {
        public var firmwareId: Int64
        public var percent: Int?
        public var deviceIds: [Int64]?
        public var maxFailurePercent: Int?
        public var confirmWithinS: Int?
    }

    public struct RolloutChange: Codable, Sendable {
        public var percent: Int
    }

    /// Starts offering an image to a share of the owner's devices or to a list of them.
    public func createRollout(userID: Int64, _ request: NewRollout) async throws -> Rollout {
        var fields: [String: FieldProblem] = [:]
        switch (request.percent, request.deviceIds) {
        case (nil, nil): fields["percent"] = "give percent or device_ids"
        case (.some, .some): fields["device_ids"] = "give percent or device_ids, not both"
        case (let percent?, nil) where !(1...100).contains(percent): fields["percent"] = "must be between 1 and 100"
        case (nil, let ids?) where ids.isEmpty || ids.count > FirmwareRules.maxRolloutDevices:
            fields["device_ids"] = "must list 1 to \(FirmwareRules.maxRolloutDevices) devices"
        case (nil, let ids?) where Set(ids).count != ids.count: fields["device_ids"] = "must not repeat a device"
        default: break
        }
        let maxFailure = request.maxFailurePercent ?? FirmwareRules.defaultMaxFailurePercent
        let confirmWithin = request.confirmWithinS ?? FirmwareRules.defaultConfirmWithinSeconds
        if !(0...100).contains(maxFailure) { fields["max_failure_percent"] = "must be between 0 and 100" }
        if !(1...FirmwareRules.maxConfirmWithinSeconds).contains(confirmWithin) {
            fields["confirm_within_s"] = "must be between 1 and \(FirmwareRules.maxConfirmWithinSeconds)"
        }
        if !fields.isEmpty { throw DomainError.invalid(message: "The rollout is not valid.", fields: fields) }
        let id = try await dispenser.database.write { db -> Int64 in
            guard try FirmwareQueries.firmware(db, id: request.firmwareId, userID: userID) != nil else {
                throw DomainError.invalid(message: "The rollout is not valid.", fields: ["firmware_id": "no such firmware"])
            }
            let owned = try FirmwareQueries.ownedDeviceIDs(db, userID: userID)
            if let listed = request.deviceIds, let stranger = listed.first(where: { !owned.contains($0) }) {
                throw DomainError.invalid(message: "The rollout is not valid.", fields: ["device_ids": "no such device: \(stranger)"])
            }
            let id = try FirmwareQueries.insertRollout(db, userID: userID, firmwareID: request.firmwareId,
                                                       percent: request.percent, maxFailurePercent: maxFailure,
                                                       confirmWithinS: confirmWithin)
            let chosen = request.deviceIds
                ?? FirmwareRules.choose(percent: request.percent ?? 0, of: owned, rolloutID: id)
            try FirmwareQueries.addDevices(db, rolloutID: id, deviceIDs: chosen)
            return id
        }
        return try await rollout(userID: userID, id: id)
    }

    public func rollouts(userID: Int64, limit: Int, before: Int64?) async throws -> [Rollout] {
        try await dispenser.database.read { try FirmwareQueries.rollouts($0, userID: userID, limit: limit, before: before) }
    }

    public func rollout(userID: Int64, id: Int64) async throws -> Rollout {
        guard let found = try await dispenser.database.read({ try FirmwareQueries.rollout($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such rollout.")
        }
        return found
    }

    /// The next stage of a percentage rollout: a larger share of the owner's
    /// devices (every device chosen before stays chosen).
    public func widen(userID: Int64, id: Int64, percent: Int) async throws -> Rollout {
        let updated = try await dispenser.database.write { db -> Rollout in
            guard let current = try FirmwareQueries.rollout(db, id: id, userID: userID) else {
                throw DomainError.notFound("No such rollout.")
            }
            guard current.status == .active else {
                throw DomainError.conflict(code: "rollout_not_active", message: "The rollout is \(current.status.rawValue).")
            }
            guard let was = current.percent else {
                throw DomainError.invalid(message: "The change is not valid.",
                                          fields: ["percent": "this rollout lists its devices; start another rollout for more"])
            }
            guard (was...100).contains(percent) else {
                throw DomainError.invalid(message: "The change is not valid.",
                                          fields: ["percent": "must be between the current \(was) and 100 (a rollout only widens)"])
            }
            let owned = try FirmwareQueries.ownedDeviceIDs(db, userID: userID)
            try FirmwareQueries.addDevices(db, rolloutID: id, deviceIDs: FirmwareRules.choose(percent: percent, of: owned, rolloutID: id))
            try FirmwareQueries.setPercent(db, rolloutID: id, percent: percent)
            return try FirmwareQueries.rollout(db, id: id, userID: userID) ?? current
        }
        return updated
    }

    /// Stops offering the image. Devices already updating finish on their own.
    public func stop(userID: Int64, id: Int64) async throws -> Rollout {
        try await dispenser.database.write { db -> Rollout in
            guard let current = try FirmwareQueries.rollout(db, id: id, userID: userID) else {
                throw DomainError.notFound("No such rollout.")
            }
            guard try FirmwareQueries.end(db, rolloutID: id, status: .stopped, reason: "Stopped by its owner.") else {
                throw DomainError.conflict(code: "rollout_not_active", message: "The rollout is \(current.status.rawValue).")
            }
            return try FirmwareQueries.rollout(db, id: id, userID: userID) ?? current
        }
    }

    // MARK: - A device's updates

    public struct DeviceFirmware: Codable, Sendable {
        public struct Target: Codable, Sendable { public var rolloutId: Int64; public var firmwareId: Int64; public var version: String }
        public var deviceId: Int64
        @ExplicitNull public var fwVersion: String?
        /// The version an active rollout wants the device on, if any.
        @ExplicitNull public var target: Target?
        public var attempts: [FirmwareAttempt]
    }

    /// The device's running version, its target, and its update attempts, newest first.
    public func deviceFirmware(userID: Int64, deviceID: Int64, limit: Int, before: Int64?) async throws -> DeviceFirmware {
        let found = try await dispenser.database.read { db -> DeviceFirmware? in
            guard let device = try DeviceQueries.device(db, id: deviceID, userID: userID) else { return nil }
            let target = try FirmwareQueries.target(db, deviceID: deviceID).map {
                DeviceFirmware.Target(rolloutId: $0.rolloutID, firmwareId: $0.firmware.id, version: $0.firmware.version)
            }
            return DeviceFirmware(deviceId: deviceID, fwVersion: device.fwVersion, target: target,
                                  attempts: try FirmwareQueries.attempts(db, deviceID: deviceID, limit: limit, before: before))
        }
        guard let found else { throw DomainError.notFound("No such device.") }
        return found
    }
}
