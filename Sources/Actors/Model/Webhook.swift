/// The events a webhook can subscribe to. `webhook.test` is sent only by
/// "send test event" and needs no subscription.
public enum WebhookEvent: String, Codable, Sendable, CaseIterable {
    case jobCompleted = "job.completed"
    case jobExpired = "job.expired"
    case stockLow = "stock.low"
    case deviceOffline = "device.offline"
    case deviceOnline = "device.online"
    case test = "webhook.test"

    public static let subscribable: [WebhookEvent] = [.jobCompleted, .jobExpired, .stockLow, .deviceOffline, .deviceOnline]
}

/// A receiver of signed event notifications. The secret is never shown again
/// after creation; `secret_hint` is its last four characters.
public struct Webhook: Codable, Sendable, Equatable {
    public var id: Int64
    public var url: String
    public var events: [WebhookEvent]
    public var secretHint: String
    public var createdAt: String
}

public struct NewWebhook: Codable, Sendable, Equatable {
    public var url: String
    public var events: [WebhookEvent]
    public var secret: String
}

/// One event for one webhook in the outbox, and how its delivery went.
public struct WebhookDelivery: Codable, Sendable, Equatable {
    public var id: Int64
    public var event: String
    public var createdAt: String
    public var attempts: Int
    @ExplicitNull public var nextAttemptAt: String?
    @ExplicitNull public var deliveredAt: String?
    @ExplicitNull public var gaveUpAt: String?
    @ExplicitNull public var lastStatus: Int?
    @ExplicitNull public var lastError: String?
}

/// A delivery due now, with what the sender needs to make the request.
public struct DueDelivery: Sendable {
    public var id: Int64
    public var webhookID: Int64
    public var event: String
    public var body: String
    public var attempts: Int
    /// Seconds since the event was written (the sender gives up on old ones).
    public var ageSeconds: Int64
    public var url: String
    public var secret: String
}
