public import Runtime

/// Why a domain operation refused. Handlers translate these to HTTP statuses;
/// the domain never speaks HTTP.
public enum DomainError: Error, Sendable, Equatable {
    /// Unknown, or owned by someone else (the two are indistinguishable by design).
    case notFound(String)
    /// The request conflicts with the current state (e.g. a finished job).
    case conflict(code: String, message: String)
    /// A completion report that differs from the recorded one; carries the recorded result.
    case reportConflict(CompletionResult)
    /// Field-level validation failures, keyed by the request's own field path.
    case invalid(message: String, fields: [String: FieldProblem])
    /// Credentials missing or wrong.
    case unauthorized(String)
    /// A unique value is taken (e.g. an email).
    case duplicate(code: String, message: String)
    /// A bounded resource is full right now (e.g. password hashing); retry soon.
    case busy(String)
}
