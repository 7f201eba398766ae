import CCrypt
#if canImport(Glibc)
import Glibc
#endif

/// Password storage with libcrypt's yescrypt (`$y$…` strings, salt and cost
/// inside the string), so the cost can be raised later without a migration:
/// old hashes keep verifying.
///
/// Slow by design (tens of milliseconds and several MiB of memory per call).
/// Never call ``hash(_:)`` or ``verify(_:against:)`` on an event-loop thread:
/// run them on a worker thread or a dedicated executor, and bound how many run
/// at once so a login flood cannot exhaust memory.
///
/// Thread-safe: each call uses its own `crypt_data` scratch area.
public enum PasswordHash {
    public enum Failure: Error, Equatable {
        /// The password contains a NUL byte, which C strings would silently truncate.
        case passwordContainsNUL
        /// libcrypt could not produce a salt or hash (errno attached).
        case cryptFailed(errno: Int32)
    }

    /// A new `$y$` hash of `password` with a fresh random salt and the default cost.
    public static func hash(_ password: String) throws(Failure) -> String {
        guard !password.utf8.contains(0) else { throw .passwordContainsNUL }
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        // A nil random-bytes argument makes libcrypt take its salt from the OS CSPRNG.
        guard crypt_gensalt_rn("$y$", 0, nil, 0, &setting, Int32(setting.count)) != nil else {
            throw .cryptFailed(errno: errno)
        }
        let output = setting.withUnsafeBufferPointer { crypt(password, setting: $0.baseAddress!) }
        guard let output else { throw .cryptFailed(errno: errno) }
        return output
    }

    /// True when `password` hashes to `stored` (any scheme libcrypt knows).
    /// A malformed `stored` string verifies nothing.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard !password.utf8.contains(0), !stored.isEmpty else { return false }
        guard let output = crypt(password, setting: stored) else { return false }
        return constantTimeEqual(Array(output.utf8), Array(stored.utf8))
    }

    /// Runs `crypt_r`; nil when libcrypt signals failure (NULL, or a string
    /// starting with `*`, which by convention can never match a stored hash).
    private static func crypt(_ password: String, setting: UnsafePointer<CChar>) -> String? {
        // crypt_data is ~32 KiB: keep it off the stack, zeroed as crypt_r requires.
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // Scrub: the scratch area held the password and intermediate state.
            UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(password, setting, data) else { return nil }
        let string = String(cString: result)
        guard !string.hasPrefix("*") else { return nil }
        return string
    }
}
