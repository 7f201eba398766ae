/// What devices send: progress (live, best-effort) and the completion report
/// (authoritative, idempotent).

public enum ReportedStatus: String, Codable, Sendable {
    case ok, failed
}

public struct ExecutionLog: Codable, Sendable, Equatable {
    public var position: Int
    public var frascoIndex: Int
    public var status: ReportedStatus
    public var dispensedMg: Int64
    public var error: String?
    public var deviceMs: Int64?
}

public struct CompletionReport: Codable, Sendable, Equatable {
    public var executionLogs: [ExecutionLog]
    public var fwVersion: String?
}

public enum ProgressStatus: String, Codable, Sendable {
    case dispensing, ok, failed
}

public struct ProgressReport: Codable, Sendable, Equatable {
    public var position: Int
    public var frascoIndex: Int
    public var status: ProgressStatus
    public var dispensedMg: Int64
    public var error: String?
}

/// The recorded outcome of a completion report, as the device is told it.
public struct CompletionResult: Codable, Sendable, Equatable {
    public var jobId: Int64
    public var status: JobStatus
    public var replayed: Bool
    public var stock: [StockLevel]
}
