import Actors
import Runtime

/// The owner's firmware registry, rollouts, and each device's update attempts.
enum FirmwareRoutes {
    struct One: Encodable { let firmware: Firmware }
    struct Many: Encodable { let firmware: [Firmware] }
    struct OneRollout: Encodable { let rollout: Rollout }
    struct ManyRollouts: Encodable { let rollouts: [Rollout] }

    static let unsupportedImageType = HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                                                message: "Content-Type must be application/octet-stream")

    static func add(to router: inout Router, _ app: AppContext) {
        // The image is the body, raw; the route's body limit is the registry's size limit.
        router.post("/firmware", bodyLimit: app.configuration.firmwareMaxBytes, app.userRoute { request, user in
            guard request.hasContentType("application/octet-stream") else { throw unsupportedImageType }
            let query = request.head
            // base64 has `+`, which an unencoded query turns into a space; base64 never has a space.
            let signature = query.queryValue("signature")?.replacingOccurrences(of: " ", with: "+")
            let firmware = try await app.firmware.upload(userID: user.id, version: query.queryValue("version") ?? "",
                                                         signature: signature, expectedSHA256: query.queryValue("sha256"),
                                                         image: request.body)
            return try WireCoding.json(One(firmware: firmware), status: .created)
        })
        router.get("/firmware", app.userRoute { _, user in
            try WireCoding.json(Many(firmware: try await app.firmware.list(userID: user.id)))
        })
        router.get("/firmware/:id", app.userRoute { request, user in
            try WireCoding.json(One(firmware: try await app.firmware.firmware(userID: user.id, id: try request.id("id"))))
        })
        router.delete("/firmware/:id", app.userRoute { request, user in
            try await app.firmware.delete(userID: user.id, id: try request.id("id"))
            return .noContent
        })
        router.post("/rollouts", app.userRoute { request, user in
            let body = try WireCoding.decode(FirmwareService.NewRollout.self, from: request)
            return try WireCoding.json(OneRollout(rollout: try await app.firmware.createRollout(userID: user.id, body)),
                                       status: .created)
        })
        router.get("/rollouts", app.userRoute { request, user in
            let paging = try Paging(request)
            return try WireCoding.json(ManyRollouts(rollouts: try await app.firmware.rollouts(
                userID: user.id, limit: paging.limit, before: paging.before)))
        })
        router.get("/rollouts/:id", app.userRoute { request, user in
            try WireCoding.json(OneRollout(rollout: try await app.firmware.rollout(userID: user.id, id: try request.id("id"))))
        })
        router.patch("/rollouts/:id", app.userRoute { request, user in
            let id = try request.id("id")
            let body = try WireCoding.decode(FirmwareService.RolloutChange.self, from: request)
            return try WireCoding.json(OneRollout(rollout: try await app.firmware.widen(userID: user.id, id: id, percent: body.percent)))
        })
        router.post("/rollouts/:id/stop", app.userRoute { request, user in
            try WireCoding.json(OneRollout(rollout: try await app.firmware.stop(userID: user.id, id: try request.id("id"))))
        })
        router.get("/devices/:id/firmware", app.userRoute { request, user in
            let paging = try Paging(request)
            return try WireCoding.json(try await app.firmware.deviceFirmware(
                userID: user.id, deviceID: try request.id("id"), limit: paging.limit, before: paging.before))
        })
    }
}
