import Actors
import Runtime

/// Creating, reading, listing and cancelling jobs.
enum JobRoutes {
    struct One: Encodable { let job: Job }
    struct Many: Encodable { let jobs: [Job] }
    /// `warnings`: shortages found when a recipe was mapped (empty otherwise); the job was created anyway.
    struct Created: Encodable { let job: Job; let warnings: [JobWarning] }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/jobs", app.userRoute { request, user in
            let body = try WireCoding.decode(JobService.NewJob.self, from: request)
            let key = request.headers["Idempotency-Key"]
            if let key, key.isEmpty || key.count > JobService.maxIdempotencyKeyLength {
                throw HTTPError.invalidFields(["Idempotency-Key": .length(1, Int64(JobService.maxIdempotencyKeyLength))],
                                              message: "The Idempotency-Key header is not valid.")
            }
            let (job, replayed, warnings) = try await app.jobs.createWithWarnings(userID: user.id, request: body, idempotencyKey: key)
            var headers: HTTPHeaders = ["Location": "/jobs/\(job.id)"]
            if replayed { headers.add(name: "Idempotent-Replayed", value: "true") }
            return try WireCoding.json(Created(job: job, warnings: warnings), status: .created, headers: headers)
        })
        router.get("/jobs", app.userRoute { request, user in
            let paging = try Paging(request)
            var fields: [String: FieldProblem] = [:]
            var deviceID: Int64?
            if let text = request.head.queryValue("device_id") {
                if let value = Int64(text), value > 0 { deviceID = value } else { fields["device_id"] = .positiveID }
            }
            var status: JobStatus?
            if let text = request.head.queryValue("status") {
                if let value = JobStatus(rawValue: text) { status = value } else {
                    fields["status"] = .notOneOf(JobStatus.allCases.map(\.rawValue))
                }
            }
            // A time range on created_at: from inclusive, before exclusive (a person's local day is two instants).
            var range: [String: String] = [:]
            for name in ["created_from", "created_before"] {
                guard let text = request.head.queryValue(name) else { continue }
                if let time = QueryTime.parse(text) { range[name] = time } else { fields[name] = .timestamp }
            }
            let stale = try JobLifecycleRoutes.staleFilter(request, app, into: &fields)
            if !fields.isEmpty { throw HTTPError.invalidFields(fields, message: "The query is not valid.") }
            let jobs = try await app.jobs.list(userID: user.id, deviceID: deviceID, status: status,
                                               limit: paging.limit, before: paging.before,
                                               createdFrom: range["created_from"], createdBefore: range["created_before"],
                                               staleAfter: stale)
            return try WireCoding.json(Many(jobs: jobs))
        })
        router.get("/jobs/:id", app.userRoute { request, user in
            return try WireCoding.json(One(job: try await app.jobs.job(userID: user.id, id: try request.id("id"))))
        })
        router.post("/jobs/:id/cancel", app.userRoute { request, user in
            return try WireCoding.json(One(job: try await app.jobs.cancel(userID: user.id, id: try request.id("id"))))
        })
    }
}
