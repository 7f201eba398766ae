/// What the operations metrics report about the fleet, read in one snapshot.
public struct FleetStatistics: Sendable {
    public var devices: Int
    public var devicesOnline: Int
    /// Seconds since the longest-running job started; nil when none runs.
    public var oldestRunningJobAgeSeconds: Double?
}

/// Stock movements added since a watermark, per reason.
public struct MovementTotals: Sendable {
    /// Pass this as the next call's `after`.
    public var lastID: Int64
    public var byReason: [String: (count: Int, milligrams: Int)]
}

extension Dispenser {
    public func fleetStatistics() async throws -> FleetStatistics {
        let online = presence.onlineCount()
        return try await database.read { db in
            FleetStatistics(devices: try OperationsQueries.deviceCount(db), devicesOnline: online,
                            oldestRunningJobAgeSeconds: try OperationsQueries.oldestRunningJobAge(db))
        }
    }

    /// The newest movement's id now: counting starts after it.
    public func lastMovementID() async throws -> Int64 {
        try await database.read { try OperationsQueries.lastMovementID($0) }
    }

    public func movements(after id: Int64) async throws -> MovementTotals {
        try await database.read { db in
            let (lastID, byReason) = try OperationsQueries.movements(db, after: id)
            return MovementTotals(lastID: lastID, byReason: byReason)
        }
    }
}
