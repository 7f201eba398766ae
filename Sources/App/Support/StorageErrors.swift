import Runtime

/// A full disk (or an I/O error writing it) is the server's temporary
/// trouble, not the request's fault and not a bug: 503 with the contract's
/// error body and `Retry-After`, instead of a bare 500. The write was rolled
/// back whole (one transaction), so retrying later is safe, and the server
/// recovers by itself when space returns (the next transaction just works).
enum StorageErrors {
    static let retryAfterSeconds = 5

    static func response(for error: any Error) -> Response? {
        guard let sqlite = error as? SQLiteError else { return nil }
        let code: String
        switch sqlite.code {
        case .full: code = "storage_full"
        case .ioError: code = "storage_unavailable"
        default: return nil
        }
        return HTTPError(.serviceUnavailable, code: code, message: "The server cannot store data right now; retry later.",
                         headers: ["Retry-After": "\(retryAfterSeconds)"]).response
    }
}
