/// An error a handler throws to answer with a status and the uniform JSON
/// error body `{"error":{"code":…,"message":…,"fields":{…},"field_codes":{…}}}`
/// (`fields` and `field_codes` only when present). Anything else a handler throws becomes a bare 500
/// `internal_error`, so no detail of a failure leaks to the client.
public struct HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    /// snake_case, stable: clients branch on it.
    public var code: String
    /// For a person; may change wording.
    public var message: String
    /// Field path → problem, for validation errors: `items[2].amount_mg`.
    /// On the wire: `fields` (path → message) and `field_codes` (path → code and values).
    public var fields: [String: FieldProblem]?
    /// Extra response fields, e.g. `Allow` or `Retry-After`.
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String, message: String, fields: [String: FieldProblem]? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The error as a response with the JSON error body.
    public var response: Response {
        var headers = self.headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: headers, body: JSONCoding.errorBody(code: code, message: message, fields: fields))
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }
    public static func unauthorized(_ message: String = "authentication required") -> HTTPError {
        HTTPError(.unauthorized, code: "unauthorized", message: message)
    }
    public static func notFound(_ message: String = "not found") -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: message)
    }
    public static func methodNotAllowed(allowed: [HTTPMethod]) -> HTTPError {
        HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed",
                  headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
    }
    public static func conflict(_ message: String, code: String = "conflict") -> HTTPError {
        HTTPError(.conflict, code: code, message: message)
    }
    public static let contentTooLarge = HTTPError(.contentTooLarge, code: "body_too_large", message: "request body too large")
    public static let unsupportedMediaType = HTTPError(
        .unsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json")
    public static let malformedJSON = HTTPError(.badRequest, code: "malformed_json", message: "request body is not valid JSON")
    public static func invalidFields(_ fields: [String: FieldProblem], message: String = "invalid fields") -> HTTPError {
        HTTPError(.unprocessableContent, code: "invalid_fields", message: message, fields: fields)
    }
    public static let internalError = HTTPError(.internalServerError, code: "internal_error", message: "internal error")
    public static let requestTimeout = HTTPError(.requestTimeout, code: "request_timeout", message: "request not received in time")
    public static let shuttingDown = HTTPError(.serviceUnavailable, code: "shutting_down", message: "server is shutting down")

    /// The parse error as an HTTP error (same status, code and message).
    public init(_ parseError: HTTPParseError) {
        self.init(parseError.status, code: parseError.code, message: parseError.message)
    }
}
