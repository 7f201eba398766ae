import Synchronization

/// Per-key token buckets (a device, a client address): `rate` tokens per
/// second up to `burst`. ``take(_:)`` answers how long to wait when empty, for
/// a `Retry-After` header. Memory is bounded: buckets full long enough to be
/// indistinguishable from new ones are forgotten.
public final class TokenBucketLimiter<Key: Hashable & Sendable>: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let rate: Double
    public let burst: Double
    private let buckets = Mutex<[Key: Bucket]>([:])
    private static var pruneThreshold: Int { 100_000 }

    public init(ratePerSecond: Double, burst: Double) {
        precondition(ratePerSecond > 0 && burst >= 1)
        self.rate = ratePerSecond
        self.burst = burst
    }

    /// Takes one token for `key`: nil when allowed, else the wait until one is available.
    public func take(_ key: Key, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > Self.pruneThreshold { prune(&buckets, now: now) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }

    private func prune(_ buckets: inout [Key: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.milliseconds(Int64(burst / rate * 1000))
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
