import Synchronization

/// Device token hash → device, so the hot device-protocol path (every
/// progress and complete report) authenticates without a database read.
/// Entries go when a token is rotated; a miss falls back to the database.
final class DeviceTokenCache: Sendable {
    struct Entry: Sendable {
        let deviceID: Int64
        let userID: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private static let capacity = 200_000

    func lookup(_ tokenHash: String) -> Entry? {
        entries.withLock { $0[tokenHash] }
    }

    func insert(_ tokenHash: String, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[tokenHash] = entry
        }
    }

    func forget(deviceID: Int64) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.deviceID != deviceID }
        }
    }
}
