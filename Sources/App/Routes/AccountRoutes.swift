import Actors
import Runtime

/// `/auth/register`, `/auth/login`, `/auth/logout`, `/me`.
enum AccountRoutes {
    struct Credentials: Codable { let email: String; let password: String }
    struct Session: Encodable { let user: User; let token: String }
    struct Me: Encodable { let user: User }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/auth/register", app.publicRoute { request in
            try app.limit(app.loginLimiter, app.clientAddress(request))
            let body = try WireCoding.decode(Credentials.self, from: request)
            let (user, token) = try await app.accounts.register(email: body.email, password: body.password)
            return try WireCoding.json(Session(user: user, token: token), status: .created,
                                       headers: ["Set-Cookie": app.auth.cookie.set(token)])
        })
        router.post("/auth/login", app.publicRoute { request in
            try app.limit(app.loginLimiter, app.clientAddress(request))
            let body = try WireCoding.decode(Credentials.self, from: request)
            let (user, token) = try await LoginAttempt.run(app, email: body.email) {
                try await app.accounts.login(email: body.email, password: body.password)
            }
            return try WireCoding.json(Session(user: user, token: token),
                                       headers: ["Set-Cookie": app.auth.cookie.set(token)])
        })
        router.post("/auth/logout", app.userRoute { request, _ in
            // The route authenticated this very token.
            if let token = Auth.token(request, allowCookie: true) { try await app.accounts.logout(token: token) }
            return Response(status: .noContent, headers: ["Set-Cookie": app.auth.cookie.cleared])
        })
        router.get("/me", app.userRoute { request, user in
            return try WireCoding.json(Me(user: user))
        })
    }
}
