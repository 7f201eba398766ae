/// One state-changing action of a user: what, on which object (an API path
/// such as `/jobs/12`), when, and from which client address.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var action: String
    public var object: String
    public var clientAddress: String
    public var at: String
}

/// One telemetry sample from a heartbeat.
public struct TelemetrySample: Codable, Sendable, Equatable {
    public var at: String
    public var uptimeS: Int64
    @ExplicitNull public var rssi: Int?
    @ExplicitNull public var freeHeap: Int64?
}
