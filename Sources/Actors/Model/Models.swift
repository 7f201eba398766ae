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
    public var capacityMg: Int64?
}

public struct Device: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var online: Bool
    public var lastSeenAt: String?
    public var fwVersion: String?
    public var frascos: [Frasco]
}

public enum MovementReason: String, Codable, Sendable {
    case refill, dispense, adjust
}

public struct Movement: Codable, Sendable, Equatable {
    public var id: Int64
    public var frascoIndex: Int
    public var deltaMg: Int64
    public var reason: MovementReason
    public var jobId: Int64?
    public var note: String?
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
    public var error: String?
}

public struct Job: Codable, Sendable, Equatable {
    public var id: Int64
    public var deviceId: Int64
    public var status: JobStatus
    public var items: [JobItem]
    public var createdAt: String
    public var startedAt: String?
    public var completedAt: String?
}

public struct StockLevel: Codable, Sendable, Hashable {
    public var frascoIndex: Int
    public var stockMg: Int64
}

// The contract lists optional fields as present with `null` (a client can rely
// on `device.last_seen_at === null`), so these types encode nil explicitly
// rather than leaving the key out as synthesized Codable would.

extension Frasco {
    enum CodingKeys: String, CodingKey { case index, ingredient, stockMg, capacityMg }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(ingredient, forKey: .ingredient)
        try c.encode(stockMg, forKey: .stockMg)
        try c.encode(capacityMg, forKey: .capacityMg)
    }
}

extension Device {
    enum CodingKeys: String, CodingKey { case id, name, online, lastSeenAt, fwVersion, frascos }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(online, forKey: .online)
        try c.encode(lastSeenAt, forKey: .lastSeenAt)
        try c.encode(fwVersion, forKey: .fwVersion)
        try c.encode(frascos, forKey: .frascos)
    }
}

extension Movement {
    enum CodingKeys: String, CodingKey { case id, frascoIndex, deltaMg, reason, jobId, note, at }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(frascoIndex, forKey: .frascoIndex)
        try c.encode(deltaMg, forKey: .deltaMg)
        try c.encode(reason, forKey: .reason)
        try c.encode(jobId, forKey: .jobId)
        try c.encode(note, forKey: .note)
        try c.encode(at, forKey: .at)
    }
}

extension JobItem {
    enum CodingKeys: String, CodingKey { case position, frascoIndex, amountMg, status, dispensedMg, error }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(position, forKey: .position)
        try c.encode(frascoIndex, forKey: .frascoIndex)
        try c.encode(amountMg, forKey: .amountMg)
        try c.encode(status, forKey: .status)
        try c.encode(dispensedMg, forKey: .dispensedMg)
        try c.encode(error, forKey: .error)
    }
}

extension Job {
    enum CodingKeys: String, CodingKey { case id, deviceId, status, items, createdAt, startedAt, completedAt }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(deviceId, forKey: .deviceId)
        try c.encode(status, forKey: .status)
        try c.encode(items, forKey: .items)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(completedAt, forKey: .completedAt)
    }
}
