import Runtime

/// Webhooks per owner: create (URL checked), list, delete, delivery log,
/// "send test event"; and the outbox side the sender uses (due rows, results).
public struct WebhookService: Sendable {
    let dispenser: Dispenser
    /// Whether receivers on loopback or private networks are allowed (tests, LANs).
    public let allowPrivate: Bool

    public static let maxPerOwner = 20

    public init(_ dispenser: Dispenser, allowPrivate: Bool) {
        self.dispenser = dispenser
        self.allowPrivate = allowPrivate
    }

    public func create(userID: Int64, _ hook: NewWebhook) async throws -> Webhook {
        var fields: [String: FieldProblem] = [:]
        if hook.events.isEmpty || hook.events.contains(.test) {
            fields["events"] = "must list 1 or more of \(WebhookEvent.subscribable.map(\.rawValue).joined(separator: ", "))"
        }
        if !(16...256).contains(hook.secret.count) { fields["secret"] = "must be 16 to 256 characters" }
        if let problem = await urlProblem(hook.url) { fields["url"] = FieldProblem(stringLiteral: problem) }
        if !fields.isEmpty { throw DomainError.invalid(message: "The webhook is not valid.", fields: fields) }
        var deduplicated = hook
        deduplicated.events = WebhookEvent.subscribable.filter(hook.events.contains)
        let unique = deduplicated
        return try await dispenser.database.write { db in
            guard try WebhookQueries.count(db, userID: userID) < Self.maxPerOwner else {
                throw DomainError.conflict(code: "too_many_webhooks", message: "At most \(Self.maxPerOwner) webhooks per account.")
            }
            return try WebhookQueries.insert(db, userID: userID, unique)
        }
    }

    /// Why a receiver URL is refused, or nil. Also used before every delivery
    /// (a name may resolve elsewhere later).
    public func urlProblem(_ text: String) async -> String? {
        let url: HTTPURL
        do {
            url = try HTTPURL(text)
        } catch .notHTTP {
            return "must be http:// (put a local TLS-terminating proxy in front of an https receiver)"
        } catch {
            return "must be an http:// URL with a host"
        }
        guard !allowPrivate else { return nil }
        guard let addresses = try? await HostResolver.resolve(url.host, port: url.port) else { return "host does not resolve" }
        if addresses.contains(where: \.isPrivateOrLocal) { return "must not point to a loopback or private address" }
        return nil
    }

    public func list(userID: Int64) async throws -> [Webhook] {
        try await dispenser.database.read { try WebhookQueries.webhooks($0, userID: userID) }
    }

    public func delete(userID: Int64, id: Int64) async throws {
        guard try await dispenser.database.write({ try WebhookQueries.delete($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such webhook.")
        }
    }

    public func deliveries(userID: Int64, id: Int64, limit: Int, before: Int64?) async throws -> [WebhookDelivery] {
        let found = try await dispenser.database.read { db -> [WebhookDelivery]? in
            guard try WebhookQueries.webhook(db, id: id, userID: userID) != nil else { return nil }
            return try WebhookQueries.deliveries(db, webhookID: id, limit: limit, before: before)
        }
        guard let found else { throw DomainError.notFound("No such webhook.") }
        return found
    }

    /// Queues a `webhook.test` event for this webhook only; returns its delivery.
    public func sendTest(userID: Int64, id: Int64) async throws -> WebhookDelivery {
        let delivery = try await dispenser.database.write { db -> WebhookDelivery? in
            guard try WebhookQueries.webhook(db, id: id, userID: userID) != nil else { return nil }
            try WebhookOutbox.enqueue(db, userID: userID, event: .test,
                                      data: WebhookOutbox.TestData(message: "Test event from Yaguts."), onlyWebhook: id)
            return try WebhookQueries.delivery(db, id: db.lastInsertRowID)
        }
        guard let delivery else { throw DomainError.notFound("No such webhook.") }
        return delivery
    }

    // MARK: The sender's side

    public func due(limit: Int) async throws -> [DueDelivery] {
        let now = Timestamp.now()
        return try await dispenser.database.read { try WebhookQueries.due($0, now: now, limit: limit) }
    }

    public func nextDue() async throws -> String? {
        try await dispenser.database.read { try WebhookQueries.nextDue($0) }
    }

    public func delivered(_ id: Int64, status: Int) async throws {
        let now = Timestamp.now()
        try await dispenser.database.write { try WebhookQueries.markDelivered($0, id: id, status: status, at: now) }
    }

    /// Records a failed attempt; `retryAt` nil means the sender gave up.
    public func failed(_ id: Int64, status: Int?, error: String, retryAt: String?) async throws {
        let now = Timestamp.now()
        try await dispenser.database.write {
            try WebhookQueries.markFailed($0, id: id, status: status, error: String(error.prefix(500)), retryAt: retryAt, at: now)
        }
    }
}

extension Dispenser {
    /// A device came online or went offline: its owner's webhooks hear it
    /// (presence lives in memory; the event is written when the change is seen).
    func announcePresence(_ deviceID: Int64, online: Bool) async {
        _ = try? await database.write { try WebhookOutbox.devicePresence($0, deviceID: deviceID, online: online) }
    }
}
