import Actors
import Runtime

/// Aborting a running job, the owner's job settings (default expiry), and the
/// `stale` filter of `GET /jobs`.
enum JobLifecycleRoutes {
    struct One: Encodable { let job: Job }
    struct Settings: Encodable { let settings: JobSettings }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/jobs/:id/abort", app.userRoute { request, user in
            return try WireCoding.json(One(job: try await app.jobs.abort(userID: user.id, id: try request.id("id"))))
        })
        router.get("/account/settings", app.userRoute { request, user in
            return try WireCoding.json(Settings(settings: try await app.jobs.settings(userID: user.id)))
        })
        router.put("/account/settings", app.userRoute { request, user in
            let body = try WireCoding.decode(JobSettings.self, from: request)
            return try WireCoding.json(Settings(settings: try await app.jobs.updateSettings(userID: user.id, body)))
        })
    }

    /// `stale=true` → the configured threshold; `stale=false` or absent → no filter.
    static func staleFilter(_ request: Request, _ app: AppContext, into fields: inout [String: FieldProblem]) throws -> Duration? {
        guard let text = request.head.queryValue("stale") else { return nil }
        switch text {
        case "true": return .seconds(app.configuration.jobStaleAfterSeconds)
        case "false": return nil
        default:
            fields["stale"] = "must be true or false"
            return nil
        }
    }
}
