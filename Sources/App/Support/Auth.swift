import Actors
import Runtime

/// Who is calling: a user (bearer token or the `yaguts_session` cookie) or a
/// device (bearer device token). User tokens are refused on device endpoints
/// and device tokens on user endpoints — each is looked up only where it belongs.
struct Auth: Sendable {
    let accounts: AccountService
    let devices: DeviceService
    let cookie: SessionCookie

    static let cookieName = SessionCookie.name

    /// The bearer token, or on user endpoints the session cookie.
    static func token(_ request: Request, allowCookie: Bool) -> String? {
        if let header = request.headers["Authorization"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                return token.isEmpty || token.count > 512 ? nil : token
            }
            return nil
        }
        guard allowCookie, let cookies = request.headers["Cookie"] else { return nil }
        for pair in cookies.split(separator: ";") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == cookieName {
                let token = kv[1].trimmingCharacters(in: .whitespaces)
                return token.isEmpty || token.count > 512 ? nil : token
            }
        }
        return nil
    }

    func user(_ request: Request) async throws -> (user: User, token: String) {
        guard let token = Self.token(request, allowCookie: true) else {
            throw Self.unauthorized("Log in first: send Authorization: Bearer <token>.")
        }
        if !request.headers.contains("Authorization") { try CSRF.check(request) }
        guard let user = try await accounts.user(forToken: token) else {
            throw Self.unauthorized("The session token is not valid.", invalid: true)
        }
        return (user, token)
    }

    func device(_ request: Request) async throws -> DeviceIdentity {
        guard let token = Self.token(request, allowCookie: false) else {
            throw Self.unauthorized("Send Authorization: Bearer <device token>.")
        }
        guard let device = try await devices.authenticate(deviceToken: token) else {
            throw Self.unauthorized("The device token is not valid.", invalid: true)
        }
        return device
    }

    /// 401 with the `WWW-Authenticate` challenge RFC 9110 asks for (RFC 6750's form).
    static func unauthorized(_ message: String, invalid: Bool = false) -> HTTPError {
        let challenge = invalid ? #"Bearer realm="yaguts", error="invalid_token""# : #"Bearer realm="yaguts""#
        return HTTPError(.unauthorized, code: "unauthorized", message: message, headers: ["WWW-Authenticate": challenge])
    }
}
