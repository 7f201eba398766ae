#if canImport(Glibc)
import Glibc
#endif

/// Random bytes from the kernel's CSPRNG, for tokens, salts
/// and keys. Never falls back to a weaker source: if the kernel cannot give
/// random bytes the process stops, because a server issuing guessable tokens
/// is worse than one that is down.
///
/// Uses `getentropy(3)`, glibc's wrapper of `getrandom(2)` (the Glibc module
/// does not export `getrandom` itself): at most 256 bytes per call, no short
/// reads. Thread-safe; may block only at early boot before the pool is seeded.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let chunk = min(256, count - filled)
                guard getentropy(buffer.baseAddress! + filled, chunk) == 0 else {
                    fatalError("getentropy failed: errno \(errno)")
                }
                filled += chunk
            }
            initialized = count
        }
    }

    /// An opaque bearer token: `byteCount` random bytes (default 32, 256 bits)
    /// as base64url without padding (43 characters for 32 bytes).
    public static func token(byteCount: Int = 32) -> String {
        Base64.encodeURL(bytes(byteCount))
    }
}
