import Synchronization

/// Which devices are online: any authenticated device request marks its device
/// seen; silence longer than the configured limit marks it offline.
///
/// Kept in memory (a device polling every 30 s must not cost a durable write
/// each time); the last-seen times are flushed to the database in batches
/// (``takeDirty()``), so after a restart every device starts offline with its
/// last known `last_seen_at`.
public final class Presence: Sendable {
    private struct Entry {
        var seenAt: ContinuousClock.Instant
        var seenAtText: String
        var online: Bool
        var dirty: Bool
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    /// Simulated runs in progress per device (the simulator is not the device).
    private let simulations = Mutex<[Int64: Int]>([:])
    public let offlineAfter: Duration

    public init(offlineAfter: Duration) {
        self.offlineAfter = offlineAfter
    }

    /// Marks the device seen now; true when it was offline before.
    public func touch(_ deviceID: Int64) -> Bool {
        let now = ContinuousClock.now
        let text = Timestamp.now()
        return entries.withLock { entries in
            let wasOnline = entries[deviceID]?.online ?? false
            entries[deviceID] = Entry(seenAt: now, seenAtText: text, online: true, dirty: true)
            return !wasOnline
        }
    }

    /// Whether the device is online, and when it was last seen in this process.
    public func state(of deviceID: Int64) -> (online: Bool, lastSeenAt: String?) {
        entries.withLock { entries in
            guard let entry = entries[deviceID] else { return (false, nil) }
            return (entry.online, entry.seenAtText)
        }
    }

    /// Counts a simulated run in or out; true when the device's `simulating` flag changed.
    public func setSimulating(_ deviceID: Int64, _ running: Bool) -> Bool {
        simulations.withLock { runs in
            let before = runs[deviceID, default: 0]
            let after = max(0, before + (running ? 1 : -1))
            runs[deviceID] = after == 0 ? nil : after
            return (before > 0) != (after > 0)
        }
    }

    public func isSimulating(_ deviceID: Int64) -> Bool {
        simulations.withLock { $0[deviceID] != nil }
    }

    /// How many devices are online now.
    public func onlineCount() -> Int {
        entries.withLock { entries in entries.values.count(where: \.online) }
    }

    /// Marks devices silent for longer than ``offlineAfter`` offline; returns them.
    public func sweep() -> [Int64] {
        let cutoff = ContinuousClock.now - offlineAfter
        return entries.withLock { entries in
            var wentOffline: [Int64] = []
            for (id, entry) in entries where entry.online && entry.seenAt < cutoff {
                entries[id]?.online = false
                wentOffline.append(id)
            }
            return wentOffline
        }
    }

    /// Last-seen times changed since the previous call, for a batched flush.
    public func takeDirty() -> [(Int64, String)] {
        entries.withLock { entries in
            var dirty: [(Int64, String)] = []
            for (id, entry) in entries where entry.dirty {
                dirty.append((id, entry.seenAtText))
                entries[id]?.dirty = false
            }
            return dirty
        }
    }
}

extension Presence {
    /// A device as the wire shows it: the stored record with live presence.
    func view(_ record: DeviceQueries.DeviceRecord, frascos: [Frasco]) -> Device {
        let state = state(of: record.id)
        return Device(id: record.id, name: record.name, online: state.online, simulating: isSimulating(record.id),
                      lastSeenAt: state.lastSeenAt ?? record.lastSeenAt, fwVersion: record.fwVersion, frascos: frascos)
    }
}
