/// The `yaguts_session` cookie: HttpOnly (page scripts never see the token),
/// SameSite=Strict, kept by the browser as long as the session can live at
/// most, and `Secure` with `--cookie-secure` (the server is behind TLS).
struct SessionCookie: Sendable {
    static let name = "yaguts_session"
    let maxAge: Int
    let secure: Bool

    init(_ configuration: Configuration) {
        maxAge = configuration.sessionMaxAgeSeconds
        secure = configuration.cookieSecure
    }

    func set(_ token: String) -> String {
        "\(Self.name)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure ? "; Secure" : "")"
    }

    var cleared: String {
        "\(Self.name)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0\(secure ? "; Secure" : "")"
    }
}
