import Actors
import Runtime

/// Everything a handler needs, built once at start-up. Handlers authenticate,
/// decode, validate the request's shape, call a service and encode the answer;
/// no business rule lives in them.
struct AppContext: Sendable {
    let configuration: Configuration
    let dispenser: Dispenser
    /// Which loop each device's actors run on; device requests note their loop.
    let placement: LoopAffinity<Int64>
    let auth: Auth
    let accounts: AccountService
    let devices: DeviceService
    let jobs: JobService
    let recipes: RecipeService
    let webhooks: WebhookService
    let audit: AuditService
    let deviceProtocol: DeviceProtocol
    let live: LiveMonitoring
    let simulator: Simulator
    let firmware: FirmwareService
    let firmwareUpdates: FirmwareUpdates
    let metrics: AppMetrics
    let logger: Logger
    /// Progress and complete reports per device.
    let deviceLimiter = TokenBucketLimiter<Int64>(ratePerSecond: 50, burst: 200)
    /// Log-in and registration attempts per client address.
    let loginLimiter = TokenBucketLimiter<String>(ratePerSecond: 1, burst: 20)
    /// Wrong passwords per account.
    let loginThrottle = LoginThrottle()

    init(configuration: Configuration, dispenser: Dispenser, placement: LoopAffinity<Int64>, metrics: AppMetrics,
         logger: Logger) {
        self.configuration = configuration
        self.dispenser = dispenser
        self.placement = placement
        self.accounts = AccountService(dispenser, sessions: SessionPolicy(
            idleTimeout: Int64(configuration.sessionIdleTimeoutSeconds), maximumAge: Int64(configuration.sessionMaxAgeSeconds)))
        self.devices = DeviceService(dispenser)
        self.jobs = JobService(dispenser)
        self.recipes = RecipeService(dispenser)
        self.webhooks = WebhookService(dispenser, allowPrivate: configuration.webhooksAllowPrivate)
        self.audit = AuditService(dispenser)
        self.deviceProtocol = DeviceProtocol(dispenser)
        self.live = LiveMonitoring(dispenser)
        self.simulator = Simulator(dispenser)
        self.firmware = FirmwareService(dispenser)
        self.firmwareUpdates = FirmwareUpdates(dispenser, onResult: metrics.firmwareResult)
        self.auth = Auth(accounts: accounts, devices: devices, cookie: SessionCookie(configuration))
        self.metrics = metrics
        self.logger = logger
    }

    /// The client's address: the peer's, or, when the peer is the configured
    /// trusted reverse proxy, the last address in its `X-Forwarded-For` (the
    /// one the proxy itself appended; earlier ones are whatever the client
    /// claimed). Anyone else's `X-Forwarded-For` is ignored.
    func clientAddress(_ request: Request) -> String {
        guard let proxy = configuration.trustedProxy, request.remoteAddress == proxy,
              let forwarded = request.headers.values(for: "X-Forwarded-For").last,
              let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              !last.isEmpty, last.count <= 64 else {
            return request.remoteAddress
        }
        return last
    }

    /// 429 with `Retry-After` when `limiter` has no token for `key`.
    func limit<Key>(_ limiter: TokenBucketLimiter<Key>, _ key: Key) throws {
        if let wait = limiter.take(key) { throw RetryAfter.tooManyRequests(wait: wait) }
    }
}

/// Paging parameters shared by every list: `limit` (1…200, default 50) and
/// `before` (an id, exclusive).
struct Paging {
    let limit: Int
    let before: Int64?

    init(_ request: Request) throws {
        var fields: [String: FieldProblem] = [:]
        var limit = 50
        if let text = request.head.queryValue("limit") {
            if let value = Int(text), (1...200).contains(value) { limit = value } else { fields["limit"] = .outOfRange(1, 200) }
        }
        var before: Int64?
        if let text = request.head.queryValue("before") {
            if let value = Int64(text), value > 0 { before = value } else { fields["before"] = .positiveID }
        }
        if !fields.isEmpty { throw HTTPError.invalidFields(fields, message: "The query is not valid.") }
        self.limit = limit
        self.before = before
    }
}

extension Request {
    /// A positive id from the path; anything else names nothing (404).
    func id(_ name: String) throws -> Int64 {
        // Canonical decimal only: `+1`, `01` or ` 1` name nothing.
        guard let text = parameter(name), let first = text.utf8.first, first != UInt8(ascii: "0"),
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int64(text), value > 0 else {
            throw HTTPError(.notFound, code: "not_found", message: "Not found.")
        }
        return value
    }

    /// A frasco index from the path (0…15); anything else names nothing (404).
    func frascoIndex() throws -> Int {
        guard let text = parameter("index"), text == "0" || !text.hasPrefix("0"),
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(text), (0..<JobRules.maxFrascos).contains(value) else {
            throw HTTPError(.notFound, code: "not_found", message: "No such frasco.")
        }
        return value
    }
}
