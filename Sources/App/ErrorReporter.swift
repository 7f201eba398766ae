import Foundation
import Synchronization
import Runtime

/// One server error as reported: logged once, counted, and offered to the
/// delivery hook (`server.error` webhooks). The fingerprint groups the same
/// error across requests: the same kind, route and error text up to numbers.
struct ServerErrorEvent: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        /// A handler threw something that is not a domain refusal (answered 500).
        case `internal`
        /// A 5xx answered without a thrown error (e.g. 503 when the database is unavailable).
        case http5xx = "http_5xx"
        /// A scheduled backup failed.
        case backup
    }

    let kind: Kind
    let fingerprint: String
    let message: String
    let route: String?
    let status: Int?
    let requestID: String?
}

/// Where a server error goes besides the log and `yaguts_errors_total{kind}`.
///
/// The hook for webhook delivery: an implementation posts `server.error` to
/// the owner's webhook (the webhooks service builds it). ``ErrorReporter``
/// calls ``deliver(_:)`` already rate-limited — at most one event per
/// fingerprint per ``ErrorReporter/deliveryInterval`` and
/// ``ErrorReporter/deliveryBurst`` in a burst overall — on the thread that saw
/// the error, often an event loop, so an implementation must only enqueue.
protocol ServerErrorDelivery: Sendable {
    func deliver(_ event: ServerErrorEvent)
}

/// Turns every 5xx and unexpected error into exactly one `server_error` log
/// line (kind, fingerprint, request id, route, the real error), one increment
/// of `yaguts_errors_total{kind}`, and, rate-limited, one delivery.
///
/// A handler's thrown error and the 500 it becomes arrive in two hooks (the
/// error first, then the answered request); the error waits, keyed by request
/// id, for its request record so the single line carries both.
final class ErrorReporter: Sendable {
    static let deliveryInterval: Duration = .seconds(600)
    static let deliveryBurst = 10

    private let logger: Logger
    private let counters: [ServerErrorEvent.Kind: Counter]
    private let deliveries: [any ServerErrorDelivery]
    private let perFingerprint = TokenBucketLimiter<String>(
        ratePerSecond: 1 / Double(ErrorReporter.deliveryInterval.components.seconds), burst: 1)
    private let overall = TokenBucketLimiter<Int>(ratePerSecond: 1.0 / 60, burst: Double(ErrorReporter.deliveryBurst))
    /// Thrown errors (text, identity) waiting for their request's record; bounded.
    private let pending = Mutex<[String: (text: String, identity: String)]>([:])
    private static let maxPending = 1024

    init(registry: MetricsRegistry, logger: Logger, deliveries: [any ServerErrorDelivery] = []) {
        self.logger = logger
        self.deliveries = deliveries
        var counters: [ServerErrorEvent.Kind: Counter] = [:]
        for kind in ServerErrorEvent.Kind.allCases {
            counters[kind] = registry.counter("yaguts_errors_total", help: "Server errors by kind (each also logged as server_error).",
                                              labels: ["kind": kind.rawValue])
        }
        self.counters = counters
    }

    /// `HTTPServerConfiguration.onHandlerError`: the real error behind a 500.
    func handlerFailed(_ error: any Error, requestID: String) {
        let entry = (String(reflecting: error), Self.identity(of: error))
        let overflow: [String: (text: String, identity: String)] = pending.withLock { pending in
            pending[requestID] = entry
            guard pending.count > Self.maxPending else { return [:] }
            defer { pending.removeAll() }
            return pending
        }
        // Records that never came (should not happen): report without a route rather than lose them.
        for (id, thrown) in overflow where id != requestID {
            report(.internal, message: thrown.text, identity: thrown.identity, route: nil, status: 500, requestID: id)
        }
    }

    /// `HTTPServerConfiguration.onRequestCompleted`: every answered request.
    func requestCompleted(_ record: HTTPRequestRecord) {
        guard record.status.code >= 500 else { return }
        let thrown = pending.withLock { $0.removeValue(forKey: record.requestID) }
        let route = record.route ?? "unmatched"
        if let thrown {
            report(.internal, message: thrown.text, identity: thrown.identity, route: route, status: record.status.code,
                   requestID: record.requestID)
        } else {
            let message = "\(record.status.code) on \(route)"
            report(.http5xx, message: message, identity: message, route: route, status: record.status.code, requestID: record.requestID)
        }
    }

    func backupFailed(_ error: any Error, directory: String) {
        report(.backup, message: "backup into \(directory) failed: \(error)", identity: Self.identity(of: error),
               route: nil, status: nil, requestID: nil)
    }

    private func report(_ kind: ServerErrorEvent.Kind, message: String, identity: String, route: String?, status: Int?,
                        requestID: String?) {
        let event = ServerErrorEvent(kind: kind, fingerprint: Self.fingerprint(kind: kind, route: route, message: identity),
                                     message: message, route: route, status: status, requestID: requestID)
        counters[kind]?.increment()
        logger.error("server_error", [
            "kind": "\(kind.rawValue)", "fingerprint": "\(event.fingerprint)", "request_id": "\(requestID ?? "-")",
            "route": "\(route ?? "-")", "status": .int(status ?? 0), "error": "\(message)",
        ])
        guard !deliveries.isEmpty, perFingerprint.take(event.fingerprint) == nil, overall.take(0) == nil else { return }
        for delivery in deliveries { delivery.deliver(event) }
    }

    /// What stays the same when the same error happens again: a Foundation
    /// error's domain and code (its description lists a dictionary in no fixed
    /// order), else the error's full description.
    static func identity(of error: any Error) -> String {
        guard type(of: error) is NSError.Type || error is any CustomNSError else { return String(reflecting: error) }
        let error = error as NSError
        var identity = "\(error.domain) \(error.code)"
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            identity += " < \(underlying.domain) \(underlying.code)"
        }
        return identity
    }

    /// 12 hex digits of SHA-256 over the kind, the route and the message with
    /// every run of digits replaced by `#` (ids, sizes and times vary; the error does not).
    static func fingerprint(kind: ServerErrorEvent.Kind, route: String?, message: String) -> String {
        var normalized = ""
        var inDigits = false
        for character in message {
            if character.isASCII && character.isNumber {
                if !inDigits { normalized.append("#") }
                inDigits = true
            } else {
                normalized.append(character)
                inDigits = false
            }
        }
        return String(Hex.encode(SHA256.hash("\(kind.rawValue)|\(route ?? "")|\(normalized)")).prefix(12))
    }
}
