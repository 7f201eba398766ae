import Testing
@testable import RuntimeCore

@Suite("Token bucket rate limiter")
struct TokenBucketLimiterTests {
    @Test func allowsTheBurstThenAsksToWait() {
        let limiter = TokenBucketLimiter<String>(ratePerSecond: 2, burst: 3)
        let now = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.take("a", now: now) == nil) }
        let wait = limiter.take("a", now: now)
        #expect(wait == .milliseconds(500))
        // Another key has its own bucket.
        #expect(limiter.take("b", now: now) == nil)
    }

    @Test func refillsAtTheRateAndNeverAboveTheBurst() {
        let limiter = TokenBucketLimiter<Int>(ratePerSecond: 10, burst: 2)
        let start = ContinuousClock.now
        #expect(limiter.take(1, now: start) == nil)
        #expect(limiter.take(1, now: start) == nil)
        #expect(limiter.take(1, now: start) != nil)
        #expect(limiter.take(1, now: start + .milliseconds(100)) == nil)
        // A long pause refills only up to the burst.
        let later = start + .seconds(60)
        #expect(limiter.take(1, now: later) == nil)
        #expect(limiter.take(1, now: later) == nil)
        #expect(limiter.take(1, now: later) != nil)
    }
}
