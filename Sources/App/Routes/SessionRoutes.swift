import Actors
import Runtime

/// `/auth/logout-all` (end every session of the account) and `/auth/password`
/// (change it; every session ends and the caller gets a new one).
enum SessionRoutes {
    struct PasswordChange: Codable { let currentPassword: String; let newPassword: String }
    struct NewSession: Encodable { let user: User; let token: String }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/auth/logout-all", app.userRoute { _, user in
            try await app.accounts.logoutEverywhere(userID: user.id)
            return Response(status: .noContent, headers: ["Set-Cookie": app.auth.cookie.cleared])
        })
        router.post("/auth/password", app.userRoute { request, user in
            let body = try WireCoding.decode(PasswordChange.self, from: request)
            let token = try await LoginAttempt.run(app, email: user.email) {
                try await app.accounts.changePassword(userID: user.id, current: body.currentPassword, new: body.newPassword)
            }
            return try WireCoding.json(NewSession(user: user, token: token), headers: ["Set-Cookie": app.auth.cookie.set(token)])
        })
    }
}
