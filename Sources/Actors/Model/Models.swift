/// The domain's values, as the wire contract shows them. Field names are the
/// contract's (snake_case via the shared JSON coders); amounts are integer
/// milligrams and no floating point touches stock.

public struct User: Codable, Sendable, Equatable {
    public var id: Int64
    public var email: String
}

public struct Frasco: Codable, Sendable, Equatable {
    public var index: Int
    public var ingredient: String
    public var stockMg: Int64
    @ExplicitNull public var capacityMg: Int64?
}

public struct Device: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var online: Bool
    /// The server's simulator is running a job for this device (never counts as online).
    public var simulating: Bool
    @ExplicitNull public var lastSeenAt: String?
    @ExplicitNull public var fwVersion: String?
    public var frascos: [Frasco]
}

public enum MovementReason: String, Codable, Sendable, CaseIterable {
    case refill, dispense, adjust
}

public struct Movement: Codable, Sendable, Equatable {
    public var id: Int64
    public var frascoIndex: Int
    public var deltaMg: Int64
    public var reason: MovementReason
    @ExplicitNull public var jobId: Int64?
    @ExplicitNull public var note: String?
    public var at: String
}

public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, done
    case donePartial = "done_partial"
    case failed, cancelled

    /// A finished job never changes again.
    public var isFinal: Bool {
        switch self {
        case .done, .donePartial, .failed, .cancelled: true
        case .pending, .running: false
        }
    }
}

public enum ItemStatus: String, Codable, Sendable {
    case pending, ok, failed
}

public struct JobItem: Codable, Sendable, Equatable {
    public var position: Int
    public var frascoIndex: Int
    public var amountMg: Int64
    public var status: ItemStatus
    public var dispensedMg: Int64
    /// The device's error text for a failed item (not in contract v1's item; additive).
    @ExplicitNull public var error: String?
}

public struct Job: Codable, Sendable, Equatable {
    public var id: Int64
    public var deviceId: Int64
    public var status: JobStatus
    public var items: [JobItem]
    public var createdAt: String
    @ExplicitNull public var startedAt: String?
    @ExplicitNull public var completedAt: String?
    /// How many times the device was handed this job: 0 while pending, 1 when
    /// it became running, n > 1 after each hand-back (the device may have lost
    /// its record of it — it must then never run it again).
    public var delivery: Int = 0
}

public struct StockLevel: Codable, Sendable, Hashable {
    public var frascoIndex: Int
    public var stockMg: Int64
}
