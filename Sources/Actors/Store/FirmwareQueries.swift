import Foundation
import Runtime

/// The firmware registry, rollouts and update attempts. Every decision that
/// writes (offer, confirmation, a device's report, the deadline, the abort
/// rule) runs inside one caller's write transaction on the rows as stored.
enum FirmwareQueries {
    // MARK: - Registry

    private static let firmwareColumns = "id, version, size, sha256, signature, created_at"

    private static func firmware(_ row: SQLiteRow) throws -> Firmware {
        Firmware(id: try row.get(0), version: try row.get(1), size: try row.get(2), sha256: try row.get(3),
                 signature: try row.get(4), createdAt: try row.get(5))
    }

    static func insertFirmware(_ db: SQLiteConnection, userID: Int64, version: String, sha256: String,
                               signature: String, image: [UInt8]) throws -> Firmware {
        if try db.queryOne("SELECT 1 FROM firmware WHERE user_id = ? AND version = ?", userID, version,
                           map: { try $0.get(0) as Int64 }) != nil {
            throw DomainError.duplicate(code: "firmware_version_exists",
                                        message: "An image with version \(version) is already in the registry.")
        }
        let now = Timestamp.now()
        try db.run("INSERT INTO firmware (user_id, version, size, sha256, signature, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   userID, version, Int64(image.count), sha256, signature, now)
        let id = db.lastInsertRowID
        try db.run("INSERT INTO firmware_images (firmware_id, image) VALUES (?, ?)", id, image)
        return Firmware(id: id, version: version, size: Int64(image.count), sha256: sha256, signature: signature, createdAt: now)
    }

    /// The image if it exists and belongs to `userID`.
    static func firmware(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Firmware? {
        try db.queryOne("SELECT \(firmwareColumns) FROM firmware WHERE id = ? AND user_id = ?", id, userID, map: firmware)
    }

    static func firmware(_ db: SQLiteConnection, userID: Int64, version: String) throws -> Firmware? {
        try db.queryOne("SELECT \(firmwareColumns) FROM firmware WHERE user_id = ? AND version = ?", userID, version, map: firmware)
    }

    static func firmwareList(_ db: SQLiteConnection, userID: Int64) throws -> [Firmware] {
        try db.query("SELECT \(firmwareColumns) FROM firmware WHERE user_id = ? ORDER BY id DESC", userID, map: firmware)
    }

    static func deleteFirmware(_ db: SQLiteConnection, id: Int64) throws {
        try db.run("DELETE FROM firmware WHERE id = ?", id)
    }

    static func hasActiveRollout(_ db: SQLiteConnection, firmwareID: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM rollouts WHERE firmware_id = ? AND status = 'active' LIMIT 1", firmwareID,
                        map: { try $0.get(0) as Int64 }) != nil
    }

    /// Bytes `range` of the image, reading only the pages that hold them
    /// (`firmware_id` is the row id of `firmware_images`). The caller has read
    /// the image's record in the same transaction, so the row exists.
    static func imageBytes(_ db: SQLiteConnection, firmwareID: Int64, range: Range<Int>) throws -> [UInt8] {
        guard !range.isEmpty else { return [] }
        return try db.readBlob(table: "firmware_images", column: "image", rowID: firmwareID, range: range)
    }

    // MARK: - Rollouts

    static func insertRollout(_ db: SQLiteConnection, userID: Int64, firmwareID: Int64, percent: Int?,
                              maxFailurePercent: Int, confirmWithinS: Int) throws -> Int64 {
        try db.run("""
            INSERT INTO rollouts (user_id, firmware_id, status, percent, max_failure_percent, confirm_within_s, created_at)
            VALUES (?, ?, 'active', ?, ?, ?, ?)
            """, userID, firmwareID, percent, maxFailurePercent, confirmWithinS, Timestamp.now())
        return db.lastInsertRowID
    }

    static func addDevices(_ db: SQLiteConnection, rolloutID: Int64, deviceIDs: [Int64]) throws {
        for deviceID in deviceIDs {
            try db.run("INSERT OR IGNORE INTO rollout_devices (rollout_id, device_id) VALUES (?, ?)", rolloutID, deviceID)
        }
    }

    static func setPercent(_ db: SQLiteConnection, rolloutID: Int64, percent: Int) throws {
        try db.run("UPDATE rollouts SET percent = ? WHERE id = ?", percent, rolloutID)
    }

    /// Ends an active rollout; false when it was no longer active.
    static func end(_ db: SQLiteConnection, rolloutID: Int64, status: RolloutStatus, reason: String) throws -> Bool {
        try db.run("UPDATE rollouts SET status = ?, reason = ?, ended_at = ? WHERE id = ? AND status = 'active'",
                   status.rawValue, reason, Timestamp.now(), rolloutID) == 1
    }

    private static let rolloutColumns = """
        r.id, r.firmware_id, f.version, r.status, r.percent, r.max_failure_percent, r.confirm_within_s,
        r.reason, r.created_at, r.ended_at
        """

    private static func rollout(_ db: SQLiteConnection, _ row: SQLiteRow) throws -> Rollout {
        let id: Int64 = try row.get(0)
        let devices = try deviceIDs(db, rolloutID: id)
        var counts = try counts(db, rolloutID: id)
        counts.targeted = devices.count
        return Rollout(id: id, firmwareId: try row.get(1), version: try row.get(2),
                       status: RolloutStatus(rawValue: try row.get(3)) ?? .stopped, percent: try row.get(4),
                       deviceIds: devices, maxFailurePercent: try row.get(5), confirmWithinS: try row.get(6),
                       reason: try row.get(7), createdAt: try row.get(8), endedAt: try row.get(9), counts: counts)
    }

    static func rollout(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Rollout? {
        try db.queryOne("""
            SELECT \(rolloutColumns) FROM rollouts r JOIN firmware f ON f.id = r.firmware_id
            WHERE r.id = ? AND r.user_id = ?
            """, id, userID, map: { try rollout(db, $0) })
    }

    static func rollouts(_ db: SQLiteConnection, userID: Int64, limit: Int, before: Int64?) throws -> [Rollout] {
        try db.query("""
            SELECT \(rolloutColumns) FROM rollouts r JOIN firmware f ON f.id = r.firmware_id
            WHERE r.user_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?
            """, userID, before ?? Int64.max, limit, map: { try rollout(db, $0) })
    }

    static func deviceIDs(_ db: SQLiteConnection, rolloutID: Int64) throws -> [Int64] {
        try db.query("SELECT device_id FROM rollout_devices WHERE rollout_id = ? ORDER BY device_id", rolloutID,
                     map: { try $0.get(0) as Int64 })
    }

    static func ownedDeviceIDs(_ db: SQLiteConnection, userID: Int64) throws -> [Int64] {
        try db.query("SELECT id FROM devices WHERE user_id = ? ORDER BY id", userID, map: { try $0.get(0) as Int64 })
    }

    /// The rollout's devices by the state of their latest attempt in it.
    static func counts(_ db: SQLiteConnection, rolloutID: Int64) throws -> RolloutCounts {
        var counts = RolloutCounts()
        let rows = try db.query("""
            SELECT a.state, COUNT(*) FROM firmware_attempts a
            WHERE a.rollout_id = ?1 AND a.id = (SELECT MAX(b.id) FROM firmware_attempts b
                                               WHERE b.rollout_id = ?1 AND b.device_id = a.device_id)
            GROUP BY a.state
            """, rolloutID, map: { (UpdateState(rawValue: try $0.get(0)) ?? .failed, try $0.get(1) as Int) })
        for (state, count) in rows {
            counts.attempted += count
            switch state {
            case .confirmed: counts.confirmed += count
            case .failed, .rolledBack, .timedOut: counts.failed += count
            case .superseded: break  // a newer rollout took the device over: neither success nor failure here
            case .offered, .downloading, .verified, .installing: counts.inProgress += count
            }
        }
        return counts
    }

    /// Applies the abort rule to an active rollout; true when it stopped it now.
    static func applyAbortRule(_ db: SQLiteConnection, rolloutID: Int64) throws -> Bool {
        guard let max = try db.queryOne("SELECT max_failure_percent FROM rollouts WHERE id = ? AND status = 'active'",
                                        rolloutID, map: { try $0.get(0) as Int }) else { return false }
        let counts = try counts(db, rolloutID: rolloutID)
        guard FirmwareRules.shouldAbort(counts, maxFailurePercent: max) else { return false }
        return try end(db, rolloutID: rolloutID, status: .aborted, reason:
            "\(counts.failed) of \(counts.attempted) updated devices did not come back on the new version (limit \(max)%).")
    }

    // MARK: - What a device should run

    struct Target: Sendable {
        var rolloutID: Int64
        var confirmWithinS: Int
        var firmware: Firmware
    }

    /// The newest active rollout that includes the device, with its image.
    static func target(_ db: SQLiteConnection, deviceID: Int64) throws -> Target? {
        try db.queryOne("""
            SELECT r.id, r.confirm_within_s, f.id, f.version, f.size, f.sha256, f.signature, f.created_at
            FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id JOIN firmware f ON f.id = r.firmware_id
            WHERE rd.device_id = ? AND r.status = 'active' ORDER BY r.id DESC LIMIT 1
            """, deviceID) { row in
            Target(rolloutID: try row.get(0), confirmWithinS: try row.get(1),
                   firmware: Firmware(id: try row.get(2), version: try row.get(3), size: try row.get(4),
                                      sha256: try row.get(5), signature: try row.get(6), createdAt: try row.get(7)))
        }
    }

    static func hasRunningJob(_ db: SQLiteConnection, deviceID: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM jobs WHERE device_id = ? AND status = 'running' LIMIT 1", deviceID,
                        map: { try $0.get(0) as Int64 }) != nil
    }

    // MARK: - Attempts

    private static let attemptColumns = """
        id, device_id, rollout_id, firmware_id, version, from_version, state, error, started_at, updated_at, deadline_at, finished_at
        """

    private static func attempt(_ row: SQLiteRow) throws -> FirmwareAttempt {
        FirmwareAttempt(id: try row.get(0), deviceId: try row.get(1), rolloutId: try row.get(2), firmwareId: try row.get(3),
                        version: try row.get(4), fromVersion: try row.get(5),
                        state: UpdateState(rawValue: try row.get(6)) ?? .failed, error: try row.get(7),
                        startedAt: try row.get(8), updatedAt: try row.get(9), deadlineAt: try row.get(10),
                        finishedAt: try row.get(11))
    }

    static func attempts(_ db: SQLiteConnection, deviceID: Int64, limit: Int, before: Int64?) throws -> [FirmwareAttempt] {
        try db.query("""
            SELECT \(attemptColumns) FROM firmware_attempts WHERE device_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, deviceID, before ?? Int64.max, limit, map: attempt)
    }

    /// The device's latest attempt in a rollout.
    static func latestAttempt(_ db: SQLiteConnection, deviceID: Int64, rolloutID: Int64) throws -> FirmwareAttempt? {
        try db.queryOne("""
            SELECT \(attemptColumns) FROM firmware_attempts WHERE device_id = ? AND rollout_id = ? ORDER BY id DESC LIMIT 1
            """, deviceID, rolloutID, map: attempt)
    }

    /// The device's latest attempt at a version.
    static func latestAttempt(_ db: SQLiteConnection, deviceID: Int64, version: String) throws -> FirmwareAttempt? {
        try db.queryOne("""
            SELECT \(attemptColumns) FROM firmware_attempts WHERE device_id = ? AND version = ? ORDER BY id DESC LIMIT 1
            """, deviceID, version, map: attempt)
    }

    static func insertAttempt(_ db: SQLiteConnection, deviceID: Int64, rolloutID: Int64?, firmwareID: Int64?,
                              version: String, fromVersion: String?, state: UpdateState, error: String?,
                              deadlineAt: String?, now: String) throws {
        try db.run("""
            INSERT INTO firmware_attempts (device_id, rollout_id, firmware_id, version, from_version, state, error,
                                           started_at, updated_at, deadline_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, deviceID, rolloutID, firmwareID, version, fromVersion, state.rawValue, error, now, now, deadlineAt,
                   state.isFinal ? now : nil)
    }

    /// Closes the device's attempts still under way at another version: a
    /// newer rollout now wants it elsewhere, and the old attempt must neither
    /// wait for its deadline nor count against its rollout as a failure.
    static func supersedeOpenAttempts(_ db: SQLiteConnection, deviceID: Int64, by version: String, rolloutID: Int64,
                                      now: String) throws -> Int {
        try db.run("""
            UPDATE firmware_attempts SET state = 'superseded', error = ?, updated_at = ?, finished_at = ?
            WHERE device_id = ? AND version <> ? AND state IN ('offered','downloading','verified','installing')
            """, "superseded by \(version) (rollout \(rolloutID))", now, now, deviceID, version)
    }

    static func updateAttempt(_ db: SQLiteConnection, id: Int64, state: UpdateState, error: String?, now: String) throws {
        try db.run("UPDATE firmware_attempts SET state = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?",
                   state.rawValue, error, now, state.isFinal ? now : nil, id)
    }

    /// Whether any attempt is open past its deadline (a read, so an idle
    /// server's periodic check costs no write and no fsync).
    static func hasOverdueAttempts(_ db: SQLiteConnection, now: String) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM firmware_attempts
            WHERE state IN ('offered','downloading','verified','installing') AND deadline_at IS NOT NULL AND deadline_at <= ?
            LIMIT 1
            """, now, map: { try $0.get(0) as Int64 }) != nil
    }

    /// Attempts still open at their deadline become `timed_out`; returns the
    /// rollouts they belong to, for the abort rule.
    static func expireAttempts(_ db: SQLiteConnection, now: String) throws -> (expired: Int, rollouts: [Int64]) {
        let due = try db.query("""
            SELECT id, rollout_id, version FROM firmware_attempts
            WHERE state IN ('offered','downloading','verified','installing') AND deadline_at IS NOT NULL AND deadline_at <= ?
            """, now) { row in (try row.get(0) as Int64, try row.get(1) as Int64?, try row.get(2) as String) }
        for (id, _, version) in due {
            try updateAttempt(db, id: id, state: .timedOut,
                              error: "did not come back on \(version) before the rollout's deadline", now: now)
        }
        return (due.count, Array(Set(due.compactMap(\.1))).sorted())
    }
}
