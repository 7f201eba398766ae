import Actors
import YagutsRuntime

/// `/auth/register`, `/auth/login`, `/auth/logout`, `/me`.
enum AccountRoutes {
    struct Credentials: Codable { let email: String; let password: String }
    struct Session: Encodable { let user: User; let token: String }
    struct Me: Encodable { let user: User }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/auth/register") { request in
            try await ErrorMapping.handle {
                try app.limit(app.loginLimiter, request.remoteAddress)
                let body = try WireCoding.decode(Credentials.self, from: request)
                let (user, token) = try await app.accounts.register(email: body.email, password: body.password)
                return try WireCoding.json(Session(user: user, token: token), status: .created,
                                           headers: ["Set-Cookie": Auth.sessionCookie(token)])
            }
        }
        router.post("/auth/login") { request in
            try await ErrorMapping.handle {
                try app.limit(app.loginLimiter, request.remoteAddress)
                let body = try WireCoding.decode(Credentials.self, from: request)
                let (user, token) = try await app.accounts.login(email: body.email, password: body.password)
                return try WireCoding.json(Session(user: user, token: token),
                                           headers: ["Set-Cookie": Auth.sessionCookie(token)])
            }
        }
        router.post("/auth/logout") { request in
            try await ErrorMapping.handle {
                let (_, token) = try await app.auth.user(request)
                try await app.accounts.logout(token: token)
                return Response(status: .noContent, headers: ["Set-Cookie": Auth.clearedCookie])
            }
        }
        router.get("/me") { request in
            try await ErrorMapping.handle {
                let (user, _) = try await app.auth.user(request)
                return try WireCoding.json(Me(user: user))
            }
        }
    }
}
