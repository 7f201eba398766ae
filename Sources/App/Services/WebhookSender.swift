import Actors
import Foundation
import Runtime

/// Delivers the webhook outbox: at least once, in the background, with
/// exponential back-off (1 s, 2 s, 4 s … capped at `--webhook-max-backoff`)
/// for a receiver that is down or answers non-2xx, giving up after three days.
/// Rows survive restarts (they are in the database), so a server restart
/// loses nothing: the next process picks up every undelivered row.
///
/// Each request is signed: `Yaguts-Signature: t=<unix seconds>,v1=<hex>` where
/// `v1` is HMAC-SHA-256 with the webhook's secret over `"<t>." + body`.
/// Requests go out on one of our libuv loops (`HTTPClient`), plain http only.
struct WebhookSender: Sendable {
    let service: WebhookService
    let loop: UVEventLoop
    let maxBackoff: Duration
    let logger: Logger

    static let requestTimeout: Duration = .seconds(10)
    static let pollInterval: Duration = .milliseconds(500)
    static let batch = 32
    static let giveUpAfterSeconds: TimeInterval = 3 * 86_400

    /// Runs until the task is cancelled; returns after in-flight deliveries end.
    func run() async {
        while !Task.isCancelled {
            let due = (try? await service.due(limit: Self.batch)) ?? []
            if due.isEmpty {
                try? await Task.sleep(for: Self.pollInterval)
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                for delivery in due { group.addTask { await deliver(delivery) } }
            }
        }
    }

    private func deliver(_ delivery: DueDelivery) async {
        do {
            let status = try await send(delivery)
            if (200...299).contains(status) {
                try await service.delivered(delivery.id, status: status)
            } else {
                try await service.failed(delivery.id, status: status, error: "HTTP \(status)", retryAt: retryTime(delivery))
            }
        } catch {
            _ = try? await service.failed(delivery.id, status: nil, error: "\(error)", retryAt: retryTime(delivery))
        }
    }

    private func send(_ delivery: DueDelivery) async throws -> Int {
        if let problem = await service.urlProblem(delivery.url) { throw Refused(reason: "refused: url \(problem)") }
        let url = try HTTPURL(delivery.url)
        let addresses = try await HostResolver.resolve(url.host, port: url.port)
        let body = Array(delivery.body.utf8)
        let headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "yaguts-webhooks/1"),
            ("Yaguts-Event", delivery.event),
            ("Yaguts-Delivery", "\(delivery.id)"),
            ("Yaguts-Signature", Self.signature(secret: delivery.secret, body: body, at: Int(Date().timeIntervalSince1970))),
        ]
        let response = try await HTTPClient.send(method: "POST", path: url.target, hostHeader: url.hostHeader,
                                                 headers: headers, body: body, to: addresses[0], on: loop,
                                                 timeout: Self.requestTimeout)
        return response.status
    }

    struct Refused: Error, CustomStringConvertible { let reason: String; var description: String { reason } }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA-256(secret, "<t>." + body)>`.
    static func signature(secret: String, body: [UInt8], at unixSeconds: Int) -> String {
        let signed = Array("\(unixSeconds).".utf8) + body
        return "t=\(unixSeconds),v1=\(Hex.encode(HMAC<SHA256>.authenticationCode(for: signed, key: Array(secret.utf8))))"
    }

    /// When to try again after this failure, or nil to give up (too old).
    private func retryTime(_ delivery: DueDelivery) -> String? {
        guard Double(delivery.ageSeconds) < Self.giveUpAfterSeconds else { return nil }
        let exponent = min(delivery.attempts, 30)
        let delay = min(Double(maxBackoff.components.seconds), pow(2, Double(exponent)))
        return Timestamp.format(Date(timeIntervalSinceNow: delay))
    }
}
