import Actors
import Runtime

/// The user's devices, tokens, frascos and stock ledger.
enum DeviceRoutes {
    struct NewDevice: Codable { let name: String; let frascos: Int }
    struct Created: Encodable { let device: Device; let deviceToken: String }
    struct One: Encodable { let device: Device }
    struct Many: Encodable { let devices: [Device] }
    struct Token: Encodable { let deviceToken: String }
    struct FrascoUpdate: Codable { let ingredient: String; let capacityMg: Int64? }
    struct Refill: Codable { let amountMg: Int64 }
    struct Adjust: Codable { let stockMg: Int64; let note: String? }
    struct FrascoBody: Encodable { let frasco: Frasco }
    struct Movements: Encodable { let movements: [Movement] }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/devices", app.userRoute { request, user in
            let body = try WireCoding.decode(NewDevice.self, from: request)
            let (device, token) = try await app.devices.create(userID: user.id, name: body.name, frascos: body.frascos)
            return try WireCoding.json(Created(device: device, deviceToken: token), status: .created)
        })
        router.get("/devices", app.userRoute { request, user in
            return try WireCoding.json(Many(devices: try await app.devices.list(userID: user.id)))
        })
        router.get("/devices/:id", app.userRoute { request, user in
            return try WireCoding.json(One(device: try await app.devices.device(userID: user.id, id: try request.id("id"))))
        })
        router.post("/devices/:id/token", app.userRoute { request, user in
            let token = try await app.devices.rotateToken(userID: user.id, id: try request.id("id"))
            return try WireCoding.json(Token(deviceToken: token))
        })
        router.put("/devices/:id/frascos/:index", app.userRoute { request, user in
            let (id, index) = (try request.id("id"), try request.frascoIndex())
            let body = try WireCoding.decode(FrascoUpdate.self, from: request)
            let frasco = try await app.devices.updateFrasco(userID: user.id, id: id, index: index,
                                                            ingredient: body.ingredient, capacityMg: body.capacityMg)
            return try WireCoding.json(FrascoBody(frasco: frasco))
        })
        router.post("/devices/:id/frascos/:index/refill", app.userRoute { request, user in
            let (id, index) = (try request.id("id"), try request.frascoIndex())
            let body = try WireCoding.decode(Refill.self, from: request)
            let frasco = try await app.devices.refill(userID: user.id, id: id, index: index, amountMg: body.amountMg)
            return try WireCoding.json(FrascoBody(frasco: frasco))
        })
        router.post("/devices/:id/frascos/:index/adjust", app.userRoute { request, user in
            let (id, index) = (try request.id("id"), try request.frascoIndex())
            let body = try WireCoding.decode(Adjust.self, from: request)
            let frasco = try await app.devices.adjust(userID: user.id, id: id, index: index,
                                                      stockMg: body.stockMg, note: body.note)
            return try WireCoding.json(FrascoBody(frasco: frasco))
        })
        router.get("/devices/:id/stock/movements", app.userRoute { request, user in
            let paging = try Paging(request)
            var frascoIndex: Int?
            if let text = request.head.queryValue("frasco_index") {
                guard let value = Int(text), (0..<JobRules.maxFrascos).contains(value) else {
                    throw HTTPError.invalidFields(["frasco_index": .outOfRange(0, Int64(JobRules.maxFrascos - 1))],
                                                  message: "The query is not valid.")
                }
                frascoIndex = value
            }
            let movements = try await app.devices.movements(userID: user.id, id: try request.id("id"),
                                                            limit: paging.limit, before: paging.before,
                                                            frascoIndex: frascoIndex)
            return try WireCoding.json(Movements(movements: movements))
        })
    }
}
