/// Why a request could not be parsed, with the status the server answers.
///
/// After a parse error the connection's framing is lost: the server sends
/// `status` and closes. `code` is the snake_case code of the JSON error body.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    public let code: String
    public let message: String

    public init(status: HTTPStatus, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .badRequest, code: "bad_request", message: message)
    }

    static let headersTooLarge = HTTPParseError(
        status: .requestHeaderFieldsTooLarge, code: "headers_too_large", message: "header section too large")
    static let targetTooLong = HTTPParseError(
        status: .uriTooLong, code: "uri_too_long", message: "request target too long")
    static let versionNotSupported = HTTPParseError(
        status: .httpVersionNotSupported, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1 are supported")
    static func notImplemented(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .notImplemented, code: "not_implemented", message: message)
    }
}
