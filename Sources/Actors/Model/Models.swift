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
    /// Below this stock the owner's `stock.low` webhooks fire (null: never).
    @ExplicitNull public var lowStockMg: Int64? = nil
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
    /// A pending job nobody delivered before its `expires_at`; it was never dispensed.
    case expired

    /// A finished job never changes again.
    public var isFinal: Bool {
        switch self {
        case .done, .donePartial, .failed, .cancelled, .expired: true
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
    /// After this time a still-pending job is never delivered (it becomes `expired`).
    @ExplicitNull public var expiresAt: String? = nil
    /// A user asked the device to stop this running job (`POST /jobs/{id}/abort`).
    public var abortRequested: Bool = false
    /// When the device last posted progress for this job (flushed every few seconds).
    @ExplicitNull public var lastProgressAt: String? = nil
    /// The device's presence, shown on running jobs only (null otherwise).
    @ExplicitNull public var deviceOnline: Bool? = nil
    /// When the device was last heard from (running jobs; not on the wire: it
    /// changes with every device request, which would make a job never equal itself).
    public var deviceLastSeenAt: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, deviceId, status, items, createdAt, startedAt, completedAt
        case delivery, expiresAt, abortRequested, lastProgressAt, deviceOnline
    }

    // Written out only so that `delivery` and `abort_requested` may be missing (older JSON).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        deviceId = try c.decode(Int64.self, forKey: .deviceId)
        status = try c.decode(JobStatus.self, forKey: .status)
        items = try c.decode([JobItem].self, forKey: .items)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        _startedAt = try c.decode(ExplicitNull<String>.self, forKey: .startedAt)
        _completedAt = try c.decode(ExplicitNull<String>.self, forKey: .completedAt)
        delivery = try c.decodeIfPresent(Int.self, forKey: .delivery) ?? 0
        _expiresAt = try c.decode(ExplicitNull<String>.self, forKey: .expiresAt)
        abortRequested = try c.decodeIfPresent(Bool.self, forKey: .abortRequested) ?? false
        _lastProgressAt = try c.decode(ExplicitNull<String>.self, forKey: .lastProgressAt)
        _deviceOnline = try c.decode(ExplicitNull<Bool>.self, forKey: .deviceOnline)
    }

    public init(id: Int64, deviceId: Int64, status: JobStatus, items: [JobItem], createdAt: String,
                startedAt: String?, completedAt: String?, delivery: Int = 0) {
        self.delivery = delivery
        self.id = id
        self.deviceId = deviceId
        self.status = status
        self.items = items
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

public struct StockLevel: Codable, Sendable, Hashable {
    public var frascoIndex: Int
    public var stockMg: Int64
}
