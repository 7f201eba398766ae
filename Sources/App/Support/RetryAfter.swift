import Runtime

/// 429 answers and their `Retry-After` (whole seconds, rounded up, at least 1).
enum RetryAfter {
    static func tooManyRequests(wait: Duration, message: String = "Too many requests; retry later.") -> HTTPError {
        let exact = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        let seconds = max(1, Int(exact.rounded(.up)))
        return HTTPError(.tooManyRequests, code: "rate_limited", message: message, headers: ["Retry-After": "\(seconds)"])
    }
}
