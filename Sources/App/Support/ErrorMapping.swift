import Actors
import Runtime

/// Translates domain refusals into the contract's HTTP errors. The domain
/// never names a status code; this is the one place that does.
enum ErrorMapping {
    static func response(for error: any Error) throws -> Response {
        if let unavailable = StorageErrors.response(for: error) { return unavailable }
        guard let domain = error as? DomainError else { throw error }
        switch domain {
        case .notFound(let message):
            return HTTPError(.notFound, code: "not_found", message: message).response
        case .conflict(let code, let message), .duplicate(let code, let message):
            return HTTPError(.conflict, code: code, message: message).response
        case .invalid(let message, let fields):
            return HTTPError.invalidFields(fields, message: message).response
        case .unauthorized(let message):
            return HTTPError(.unauthorized, code: "unauthorized", message: message).response
        case .busy(let message):
            return HTTPError(.serviceUnavailable, code: "busy", message: message, headers: ["Retry-After": "1"]).response
        case .reportConflict(let result):
            struct Body: Encodable {
                struct Detail: Encodable { let code: String; let message: String }
                let error: Detail
                let result: CompletionResult
            }
            return try WireCoding.json(Body(
                error: .init(code: "report_conflict", message: "The job was already completed with a different report."),
                result: result), status: .conflict)
        }
    }

    /// Runs a handler body, answering domain errors with their HTTP form.
    static func handle(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch {
            return try response(for: error)
        }
    }
}
