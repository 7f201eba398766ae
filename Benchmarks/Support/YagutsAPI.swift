/// The wire contract's calls the benchmarks make, as a user and as a device.
/// Each throws ``BenchError`` on a status other than the one the contract
/// promises, quoting the server's answer.
public struct UserSession: Sendable {
    public let client: HTTPClient
    public let token: String

    var auth: [(String, String)] { [("Authorization", "Bearer \(token)")] }

    /// Registers a fresh user (random email) and returns its session.
    public static func register(_ client: HTTPClient) async throws -> UserSession {
        let email = "bench-\(UInt64.random(in: 0...UInt64.max))@example.test"
        let response = try await client.request("POST", "/auth/register",
                                                body: JSON.encode(["email": email, "password": "benchmark-password"]))
        guard response.status == 201, let token = JSON.object(response.body)?["token"] as? String else {
            throw BenchError("register: \(response.status) \(response.bodyText)")
        }
        return UserSession(client: client, token: token)
    }

    /// The same user over another connection.
    public func on(_ other: HTTPClient) -> UserSession { UserSession(client: other, token: token) }

    func call(_ method: String, _ path: String, _ body: Any? = nil, expect: Int) async throws -> [String: Any] {
        let response = try await client.request(method, path, headers: auth, body: body.map(JSON.encode))
        guard response.status == expect else { throw BenchError("\(method) \(path): \(response.status) \(response.bodyText)") }
        return JSON.object(response.body) ?? [:]
    }

    /// Creates a device; returns its id and device token.
    public func createDevice(name: String, frascos: Int) async throws -> (id: Int64, token: String) {
        let reply = try await call("POST", "/devices", ["name": name, "frascos": frascos], expect: 201)
        guard let device = reply["device"] as? [String: Any], let id = JSON.int(device["id"]),
              let token = reply["device_token"] as? String else { throw BenchError("POST /devices: unexpected body") }
        return (id, token)
    }

    public func refill(device: Int64, frasco: Int, amountMg: Int64) async throws {
        _ = try await call("POST", "/devices/\(device)/frascos/\(frasco)/refill", ["amount_mg": amountMg], expect: 200)
    }

    /// Creates a job of `items` (frasco index, amount); returns its id.
    public func createJob(device: Int64, items: [(frasco: Int, amountMg: Int64)]) async throws -> Int64 {
        let body = ["device_id": device, "items": items.map { ["frasco_index": $0.frasco, "amount_mg": $0.amountMg] }] as [String: Any]
        let reply = try await call("POST", "/jobs", body, expect: 201)
        guard let job = reply["job"] as? [String: Any], let id = JSON.int(job["id"]) else {
            throw BenchError("POST /jobs: unexpected body")
        }
        return id
    }

    /// The job as the server has it.
    public func job(_ id: Int64) async throws -> [String: Any] {
        guard let job = try await call("GET", "/jobs/\(id)", expect: 200)["job"] as? [String: Any] else {
            throw BenchError("GET /jobs/\(id): unexpected body")
        }
        return job
    }

    /// Stock by frasco index, as the server has it.
    public func stock(device: Int64) async throws -> [Int: Int64] {
        let reply = try await call("GET", "/devices/\(device)", expect: 200)
        guard let frascos = (reply["device"] as? [String: Any])?["frascos"] as? [[String: Any]] else {
            throw BenchError("GET /devices/\(device): unexpected body")
        }
        var stock: [Int: Int64] = [:]
        for frasco in frascos {
            if let index = JSON.int(frasco["index"]), let mg = JSON.int(frasco["stock_mg"]) { stock[Int(index)] = mg }
        }
        return stock
    }
}

/// One device's side of the protocol, over its own keep-alive connection.
public struct DeviceSession: Sendable {
    public let client: HTTPClient
    public let id: Int64
    public let token: String

    public init(client: HTTPClient, id: Int64, token: String) {
        self.client = client
        self.id = id
        self.token = token
    }

    public var auth: [(String, String)] { [("Authorization", "Bearer \(token)")] }

    /// The next job (id, delivery count and items) or nil after `wait` seconds without one.
    /// `delivery` is 1 the first time the server hands the job out, n > 1 when it hands it back.
    public func next(wait: Int) async throws -> (id: Int64, delivery: Int, items: [(position: Int, frasco: Int, amountMg: Int64)])? {
        let response = try await client.request("GET", "/devices/me/jobs/next?wait=\(wait)", headers: auth)
        if response.status == 204 { return nil }
        let body = JSON.object(response.body)
        guard response.status == 200, let job = body?["job"] as? [String: Any], let delivery = JSON.int(body?["delivery"]),
              let id = JSON.int(job["id"]), let items = job["items"] as? [[String: Any]] else {
            throw BenchError("next: \(response.status) \(response.bodyText)")
        }
        let parsed = items.compactMap { item -> (Int, Int, Int64)? in
            guard let position = JSON.int(item["position"]), let frasco = JSON.int(item["frasco_index"]),
                  let amount = JSON.int(item["amount_mg"]) else { return nil }
            return (Int(position), Int(frasco), amount)
        }
        return (id, Int(delivery), parsed.map { (position: $0.0, frasco: $0.1, amountMg: $0.2) })
    }

    public static func progressBody(position: Int, frasco: Int, status: String, dispensedMg: Int64) -> [UInt8] {
        JSON.encode(["position": position, "frasco_index": frasco, "status": status, "dispensed_mg": dispensedMg])
    }

    /// A complete report: each entry is (position, frasco, ok, dispensed).
    public static func completeBody(_ entries: [(position: Int, frasco: Int, ok: Bool, dispensedMg: Int64)]) -> [UInt8] {
        JSON.encode(["execution_logs": entries.map {
            ["position": $0.position, "frasco_index": $0.frasco, "status": $0.ok ? "ok" : "failed",
             "dispensed_mg": $0.dispensedMg] as [String: Any]
        }])
    }

    public func progress(job: Int64, body: [UInt8]) async throws -> Int {
        try await client.request("POST", "/devices/me/jobs/\(job)/progress", headers: auth, body: body).status
    }

    public func complete(job: Int64, body: [UInt8]) async throws -> HTTPClientResponse {
        try await client.request("POST", "/devices/me/jobs/\(job)/complete", headers: auth, body: body)
    }
}
