import Foundation
import Runtime

/// The rules of the firmware registry and of rollouts, free of storage.
public enum FirmwareRules {
    public static let maxVersionLength = 64
    public static let maxErrorLength = 500
    public static let maxRolloutDevices = 1000
    public static let defaultMaxFailurePercent = 20
    public static let defaultConfirmWithinSeconds = 900
    /// A day: longer than any flash-and-reboot, short enough that a stuck rollout is noticed.
    public static let maxConfirmWithinSeconds = 86_400

    /// A version is 1 to 64 of `0-9 A-Z a-z . _ + -` (semantic versions and
    /// build tags fit; spaces and slashes, which would end up in URLs and file
    /// names on the device, do not).
    public static func versionProblem(_ version: String) -> String? {
        let allowed = version.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || ".+_-".utf8.contains(byte)
        }
        guard !version.isEmpty, version.utf8.count <= maxVersionLength, allowed else {
            return "must be 1 to \(maxVersionLength) of the characters 0-9 A-Z a-z . _ + -"
        }
        return nil
    }

    /// The DER bytes of a signature given as base64 (standard, or URL-safe
    /// as in a query string that did not percent-encode `+` and `/`), if it
    /// has the shape of an ECDSA signature: `SEQUENCE { INTEGER r, INTEGER s }`
    /// with each integer at most 33 bytes. The server cannot verify it (it
    /// never holds the owner's key); the shape check catches a wrong file
    /// or a hex string pasted in its place before a device ever downloads.
    public static func signatureDER(_ text: String) -> [UInt8]? {
        guard let der = Base64.decode(text) ?? Base64.decodeURL(text), (8...72).contains(der.count),
              der[0] == 0x30, Int(der[1]) == der.count - 2 else { return nil }
        var offset = 2
        for _ in 0..<2 {
            guard offset + 2 <= der.count, der[offset] == 0x02 else { return nil }
            let length = Int(der[offset + 1])
            guard (1...33).contains(length), offset + 2 + length <= der.count else { return nil }
            offset += 2 + length
        }
        return offset == der.count ? der : nil
    }

    /// The devices a percentage rollout chooses: ⌈n·p/100⌉ of `deviceIDs`,
    /// ranked by a hash of the rollout and device ids. The ranking is stable,
    /// so widening a rollout keeps every device it had, and it differs per
    /// rollout, so the same few devices are not always the first to update.
    public static func choose(percent: Int, of deviceIDs: [Int64], rolloutID: Int64) -> [Int64] {
        let count = (deviceIDs.count * percent + 99) / 100
        let ranked = deviceIDs.map { id in (Hex.encode(SHA256.hash("rollout \(rolloutID) device \(id)")), id) }
            .sorted { $0.0 < $1.0 }
        return ranked.prefix(count).map(\.1).sorted()
    }

    /// The abort rule: more than `maxFailurePercent` of the devices that were
    /// offered the update failed to come back on it (failed, rolled back, or
    /// silent past the deadline).
    public static func shouldAbort(_ counts: RolloutCounts, maxFailurePercent: Int) -> Bool {
        counts.attempted > 0 && counts.failed * 100 > maxFailurePercent * counts.attempted
    }
}
