import Actors
import Runtime

/// Renaming and removing devices, telemetry, the audit log, CSV exports.
enum HousekeepingRoutes {
    struct Rename: Codable { let name: String }
    struct One: Encodable { let device: Device }
    struct Samples: Encodable { let samples: [TelemetrySample] }
    struct Entries: Encodable { let entries: [AuditEntry] }
    struct Entry: Encodable { let entry: AuditEntry }

    static func add(to router: inout Router, _ app: AppContext) {
        router.patch("/devices/:id", app.userRoute { request, user in
            let id = try request.id("id")
            let body = try WireCoding.decode(Rename.self, from: request)
            return try WireCoding.json(One(device: try await app.devices.rename(userID: user.id, id: id, name: body.name)))
        })
        router.delete("/devices/:id", app.userRoute { request, user in
            try await app.devices.remove(userID: user.id, id: try request.id("id"))
            return .noContent
        })
        router.get("/devices/:id/telemetry", app.userRoute { request, user in
            var hours = 24
            if let text = request.head.queryValue("hours") {
                guard let value = Int(text), (1...168).contains(value) else {
                    throw HTTPError.invalidFields(["hours": "must be between 1 and 168"], message: "The query is not valid.")
                }
                hours = value
            }
            let samples = try await app.devices.telemetry(userID: user.id, id: try request.id("id"), hours: hours)
            return try WireCoding.json(Samples(samples: samples))
        })
        router.get("/audit", app.userRoute { request, user in
            let paging = try Paging(request)
            return try WireCoding.json(Entries(entries: try await app.audit.entries(userID: user.id, limit: paging.limit,
                                                                                     before: paging.before)))
        })
        router.get("/audit/:id", app.userRoute { request, user in
            return try WireCoding.json(Entry(entry: try await app.audit.entry(userID: user.id, id: try request.id("id"))))
        })
        router.get("/devices/:id/stock/movements.csv", app.userRoute { request, user in
            let id = try request.id("id")
            let device = try await app.devices.device(userID: user.id, id: id)
            let ingredients = Dictionary(uniqueKeysWithValues: device.frascos.map { ($0.index, $0.ingredient) })
            var csv = CSVWriter(header: ["id", "at", "frasco_index", "ingredient", "delta_mg", "reason", "job_id", "note"])
            var before: Int64?
            for _ in 0..<CSVExport.maxPages {
                let page = try await app.devices.movements(userID: user.id, id: id, limit: 200, before: before)
                for m in page {
                    csv.append(["\(m.id)", m.at, "\(m.frascoIndex)", ingredients[m.frascoIndex], "\(m.deltaMg)", m.reason.rawValue,
                                m.jobId.map { "\($0)" }, m.note])
                }
                guard page.count == 200, let last = page.last else { break }
                before = last.id
            }
            return CSVExport.response(csv, filename: "device-\(id)-movements.csv")
        })
        router.get("/jobs.csv", app.userRoute { request, user in
            var deviceID: Int64?
            if let text = request.head.queryValue("device_id") {
                guard let value = Int64(text), value > 0 else {
                    throw HTTPError.invalidFields(["device_id": "must be a positive id"], message: "The query is not valid.")
                }
                deviceID = value
            }
            var csv = CSVWriter(header: ["id", "device_id", "status", "created_at", "started_at", "completed_at", "expires_at",
                                         "items", "requested_mg", "dispensed_mg", "failed_items"])
            var before: Int64?
            for _ in 0..<CSVExport.maxPages {
                let page = try await app.jobs.list(userID: user.id, deviceID: deviceID, status: nil, limit: 200, before: before)
                for job in page {
                    csv.append(["\(job.id)", "\(job.deviceId)", job.status.rawValue, job.createdAt, job.startedAt, job.completedAt,
                                job.expiresAt, "\(job.items.count)", "\(job.items.reduce(0) { $0 + $1.amountMg })",
                                "\(job.items.reduce(0) { $0 + $1.dispensedMg })",
                                "\(job.items.filter { $0.status == .failed }.count)"])
                }
                guard page.count == 200, let last = page.last else { break }
                before = last.id
            }
            return CSVExport.response(csv, filename: "jobs.csv")
        })
    }
}

enum CSVExport {
    /// 500 pages of 200: 100,000 rows at most per export.
    static let maxPages = 500

    static func response(_ csv: CSVWriter, filename: String) -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/csv; charset=utf-8; header=present",
                                        "Content-Disposition": "attachment; filename=\"\(filename)\""],
                 body: Array(csv.text.utf8))
    }
}
