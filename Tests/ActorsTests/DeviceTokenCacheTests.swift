import Testing
@testable import Actors

/// The device-token cache after a rotation: a cache-miss read that began
/// before the rotation committed must not put the old token back.
@Suite struct DeviceTokenCacheTests {
    /// The interleaving of the race, step by step: read begins (generation
    /// noted), rotation commits and forgets, the stale read result arrives.
    @Test func aReadThatStartedBeforeARotationIsNotCached() {
        let cache = DeviceTokenCache()
        let entry = DeviceTokenCache.Entry(deviceID: 7, userID: 1)
        let readAt = cache.generation
        cache.forget(deviceID: 7)
        cache.insert("old-token-hash", entry, readAt: readAt)
        #expect(cache.lookup("old-token-hash") == nil)
        // A read begun after the rotation is cached as usual.
        cache.insert("new-token-hash", entry, readAt: cache.generation)
        #expect(cache.lookup("new-token-hash")?.deviceID == 7)
    }

    @Test func forgetDropsOnlyThatDevice() {
        let cache = DeviceTokenCache()
        cache.insert("a", .init(deviceID: 1, userID: 1), readAt: cache.generation)
        cache.insert("b", .init(deviceID: 2, userID: 1), readAt: cache.generation)
        cache.forget(deviceID: 1)
        #expect(cache.lookup("a") == nil && cache.lookup("b")?.deviceID == 2)
    }

    /// End to end through the service: once rotated, the old token is refused
    /// even though it was cached, and the new one works.
    @Test func rotationRefusesTheOldToken() async throws {
        let fixture = try await Fixture.make(frascos: 1)
        let devices = DeviceService(fixture.dispenser)
        let old = try await devices.rotateToken(userID: fixture.user.id, id: fixture.device.id)
        #expect(try await devices.authenticate(deviceToken: old) == fixture.deviceIdentity)  // now cached
        let new = try await devices.rotateToken(userID: fixture.user.id, id: fixture.device.id)
        #expect(try await devices.authenticate(deviceToken: old) == nil)
        #expect(try await devices.authenticate(deviceToken: new) == fixture.deviceIdentity)
    }
}
