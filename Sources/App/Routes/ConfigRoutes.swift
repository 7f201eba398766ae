import Actors
import Runtime

/// `GET /config`: what the web UI needs to know before it draws a page, so it
/// never probes endpoints or asks `/me` just to learn it is signed out (each a
/// failed request in the browser console). Public: it reveals only whether the
/// simulator is on, and the caller's own user when the caller is signed in.
enum ConfigRoutes {
    struct Config: Encodable {
        let simulator: Bool
        @ExplicitNull var user: User? // null when signed out, like every optional field
    }

    static func add(to router: inout Router, _ app: AppContext) {
        router.get("/config", app.publicRoute { request in
            let user = try? await app.auth.user(request).user
            return try WireCoding.json(Config(simulator: app.configuration.simulator, user: user))
        })
    }
}
