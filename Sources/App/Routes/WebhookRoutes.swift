import Actors
import Runtime

/// Webhooks (create, list, delete, delivery log, test event) and frascos'
/// low-stock thresholds, which feed the `stock.low` event.
enum WebhookRoutes {
    struct One: Encodable { let webhook: Webhook }
    struct Many: Encodable { let webhooks: [Webhook] }
    struct Deliveries: Encodable { let deliveries: [WebhookDelivery] }
    struct Delivery: Encodable { let delivery: WebhookDelivery }
    struct LowStock: Codable { let lowStockMg: Int64? }
    struct FrascoBody: Encodable { let frasco: Frasco }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/webhooks", app.userRoute { request, user in
            let body = try WireCoding.decode(NewWebhook.self, from: request)
            let hook = try await app.webhooks.create(userID: user.id, body)
            return try WireCoding.json(One(webhook: hook), status: .created, headers: ["Location": "/webhooks/\(hook.id)"])
        })
        router.get("/webhooks", app.userRoute { request, user in
            return try WireCoding.json(Many(webhooks: try await app.webhooks.list(userID: user.id)))
        })
        router.delete("/webhooks/:id", app.userRoute { request, user in
            try await app.webhooks.delete(userID: user.id, id: try request.id("id"))
            return .noContent
        })
        router.get("/webhooks/:id/deliveries", app.userRoute { request, user in
            let paging = try Paging(request)
            let deliveries = try await app.webhooks.deliveries(userID: user.id, id: try request.id("id"),
                                                               limit: paging.limit, before: paging.before)
            return try WireCoding.json(Deliveries(deliveries: deliveries))
        })
        router.post("/webhooks/:id/test", app.userRoute { request, user in
            let delivery = try await app.webhooks.sendTest(userID: user.id, id: try request.id("id"))
            return try WireCoding.json(Delivery(delivery: delivery), status: .accepted)
        })
        router.put("/devices/:id/frascos/:index/low-stock", app.userRoute { request, user in
            let (id, index) = (try request.id("id"), try request.frascoIndex())
            let body = try WireCoding.decode(LowStock.self, from: request)
            let frasco = try await app.devices.setLowStock(userID: user.id, id: id, index: index, lowStockMg: body.lowStockMg)
            return try WireCoding.json(FrascoBody(frasco: frasco))
        })
    }
}
