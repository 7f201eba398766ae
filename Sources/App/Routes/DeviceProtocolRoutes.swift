import Actors
import Foundation
import Runtime

/// What the dispensers call, with their device token.
enum DeviceProtocolRoutes {
    /// `delivery` repeats `job.delivery` at the top level (INTERFACES.md): 1 on the first hand-out, n > 1 after.
    struct One: Encodable { let job: Job; let delivery: Int }
    /// `update` is always present: null, or the firmware an active rollout offers (FirmwareUpdates).
    struct HeartbeatReply: Encodable {
        let serverTime: String
        @ExplicitNull var update: FirmwareOffer?
        /// A running job of this device that a user asked to abort (null when none).
        @ExplicitNull var abortJobId: Int64? = nil
    }
    struct ProgressReply: Encodable { let abort: Bool }

    static func add(to router: inout Router, _ app: AppContext) {
        router.get("/devices/me/jobs/next", app.deviceRoute { request, device in
            var wait = 0
            if let text = request.head.queryValue("wait") {
                guard let value = Int(text), (0...30).contains(value) else {
                    throw HTTPError.invalidFields(["wait": .outOfRange(0, 30)], message: "The query is not valid.")
                }
                wait = value
            }
            guard let job = try await app.deviceProtocol.next(device, wait: .seconds(wait)) else { return .noContent }
            return try WireCoding.json(One(job: job, delivery: job.delivery))
        })
        router.post("/devices/me/jobs/:id/progress", app.deviceRoute(limited: true) { request, device in
            let jobID = try request.id("id")
            let report = try WireCoding.decode(ProgressReport.self, from: request)
            let abort = try await app.deviceProtocol.progress(device, jobID: jobID, report: report)
            return try WireCoding.json(ProgressReply(abort: abort), status: .accepted)
        })
        router.post("/devices/me/jobs/:id/complete", app.deviceRoute(limited: true) { request, device in
            let jobID = try request.id("id")
            let report = try WireCoding.decode(CompletionReport.self, from: request)
            let result = try await app.deviceProtocol.complete(device, jobID: jobID, report: report)
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if result.replayed {
                app.metrics.reportsReplayed.increment()
                headers.add(name: "Idempotent-Replayed", value: "true")
            }
            return Response(status: .ok, headers: headers, body: HotEncoders.completionResult(result))
        })
        router.post("/devices/me/heartbeat", app.deviceRoute { request, device in
            let heartbeat = try WireCoding.decode(DeviceProtocol.Heartbeat.self, from: request)
            let abortJobID = try await app.deviceProtocol.heartbeat(device, heartbeat)
            let update = try await app.firmwareUpdates.heartbeat(device, runningVersion: heartbeat.fwVersion)
            return try WireCoding.json(HeartbeatReply(serverTime: Timestamp.now(), update: update, abortJobId: abortJobID))
        })
    }
}
