import Synchronization

/// Device token hash → device, so the hot device-protocol path (every
/// progress and complete report) authenticates without a database read.
/// Entries go when a token is rotated; a miss falls back to the database.
///
/// The race this closes: a miss reads the database, and a rotation commits
/// and calls ``forget(deviceID:)`` before that read's result is inserted —
/// the old token would then stay cached, valid, forever. So a miss notes the
/// ``generation`` before its read, and ``insert(_:_:readAt:)`` drops the
/// entry if any `forget` happened since (the next request reads again).
final class DeviceTokenCache: Sendable {
    struct Entry: Sendable {
        let deviceID: Int64
        let userID: Int64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    private static let capacity = 200_000

    func lookup(_ tokenHash: String) -> Entry? {
        state.withLock { $0.entries[tokenHash] }
    }

    /// Take it before reading the database for a miss; pass it to ``insert(_:_:readAt:)``.
    var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Caches what a read begun at `generation` found, unless a token was
    /// forgotten since (then the read may predate the rotation's commit).
    func insert(_ tokenHash: String, _ entry: Entry, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[tokenHash] = entry
        }
    }

    /// Call after the rotation has committed.
    func forget(deviceID: Int64) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.deviceID != deviceID }
        }
    }
}
