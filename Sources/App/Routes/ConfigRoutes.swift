import YagutsRuntime

/// `GET /config`: what the web UI needs to know about this server before it
/// draws a page, so it never has to probe endpoints (a probe is a failed
/// request in every browser console). Public: it reveals only switches.
enum ConfigRoutes {
    struct Config: Encodable { let simulator: Bool }

    static func add(to router: inout Router, _ app: AppContext) {
        let config = Config(simulator: app.configuration.simulator)
        router.get("/config") { _ in try WireCoding.json(config) }
    }
}
