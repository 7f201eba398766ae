import Synchronization
import Testing
@testable import Actors

@Suite("Leased registry and presence")
struct LiveRegistryTests {
    final class Thing: Sendable {}

    @Test func retiresOnlyWhatNobodyHolds() async {
        let made = Atomic<Int>(0)
        let registry = LeasedRegistry<Int, Thing>()
        let make = {
            made.add(1, ordering: .relaxed)
            return Thing()
        }
        let held = registry.acquire(1, orMake: make)
        _ = await registry.withValue(2, orMake: make) { _ in 0 }
        #expect(registry.count == 2)
        #expect(registry.retireIdle(olderThan: .zero) == 1)   // 2 is idle, 1 is leased
        #expect(registry.existing(1) === held)
        #expect(registry.existing(2) == nil)
        registry.release(1)
        #expect(registry.retireIdle(olderThan: .seconds(3600)) == 0)  // released, but not idle long enough
        #expect(registry.retireIdle(olderThan: .zero) == 1)
        #expect(registry.count == 0)
        _ = registry.acquire(1, orMake: make)
        #expect(made.load(ordering: .relaxed) == 3)  // recreated on demand
    }

    @Test func presenceGoesOnlineAndOfflineOnce() {
        let presence = Presence(offlineAfter: .zero)
        #expect(presence.state(of: 7).online == false)
        #expect(presence.touch(7))            // came online
        #expect(!presence.touch(7))           // already online
        #expect(presence.state(of: 7).online)
        #expect(presence.state(of: 7).lastSeenAt != nil)
        #expect(presence.sweep() == [7])      // silent longer than zero seconds
        #expect(presence.sweep().isEmpty)     // reported once
        #expect(presence.state(of: 7).online == false)
        #expect(presence.takeDirty().map(\.0) == [7])
        #expect(presence.takeDirty().isEmpty)
    }

    @Test func presenceKeepsRecentDevicesOnline() {
        let presence = Presence(offlineAfter: .seconds(90))
        _ = presence.touch(1)
        #expect(presence.sweep().isEmpty)
        #expect(presence.state(of: 1).online)
    }
}
