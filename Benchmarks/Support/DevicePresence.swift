/// The wire contract's presence calls: a device's heartbeat, and the device
/// as its user sees it (online, last seen), for runs that make devices go silent.
extension DeviceSession {
    /// `POST /devices/me/heartbeat`; returns the status (200 expected).
    public func heartbeat(uptimeSeconds: Int) async throws -> Int {
        try await client.request("POST", "/devices/me/heartbeat", headers: auth,
                                 body: JSON.encode(["fw_version": "bench-1", "uptime_s": uptimeSeconds])).status
    }
}

extension UserSession {
    /// The device's `online` flag and `last_seen_at` as the server has them.
    public func presence(device: Int64) async throws -> (online: Bool, lastSeenAt: String?) {
        guard let device = try await call("GET", "/devices/\(device)", expect: 200)["device"] as? [String: Any],
              let online = device["online"] as? Bool else {
            throw BenchError("GET /devices/\(device): unexpected body")
        }
        return (online, device["last_seen_at"] as? String)
    }
}
