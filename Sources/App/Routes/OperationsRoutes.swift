import Actors
import Runtime

/// `/healthz`, `/metrics` and, with the simulator on, the simulation endpoint.
enum OperationsRoutes {
    struct Health: Encodable {
        let status: String
        var version = BuildInfo.version
        var commit = BuildInfo.commit
    }

    static func addMetrics(to router: inout Router, _ app: AppContext) {
        router.addSync(.get, "/metrics") { _ in
            Response(status: .ok, headers: ["Content-Type": MetricsRegistry.contentType],
                     body: Array(app.metrics.registry.render().utf8))
        }
    }

    static func add(to router: inout Router, _ app: AppContext) {
        router.get("/healthz") { _ in
            do {
                _ = try await app.dispenser.database.read { try $0.queryOne("SELECT 1", map: { try $0.get(0) as Int }) }
                return try WireCoding.json(Health(status: "ok"))
            } catch {
                return try WireCoding.json(Health(status: "database unavailable"), status: .serviceUnavailable)
            }
        }
        // With --metrics-listen, /metrics lives only on that separate listener.
        if app.configuration.metricsListen == nil { addMetrics(to: &router, app) }
        if app.configuration.simulator {
            router.post("/devices/test/simulate-execution", app.userRoute { request, user in
                let body = try WireCoding.decode(Simulator.Request.self, from: request)
                try await app.simulator.start(userID: user.id, request: body)
                return Response(status: .accepted)
            })
        }
    }
}
