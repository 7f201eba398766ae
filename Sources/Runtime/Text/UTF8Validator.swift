// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh ws).

/// An incremental UTF-8 validator (RFC 3629) for text messages that arrive in
/// pieces: fragments, and partial reads of one frame.
///
/// Fail-fast: ``validate(_:)`` returns false at the first byte that no valid
/// continuation could follow, so `F4 90` fails at `90` (above U+10FFFF) and
/// `ED A0` at `A0` (a surrogate), without waiting for the rest of the
/// character. Overlong forms (`C0`, `C1`, `E0 80…9F`, `F0 80…8F`) fail the
/// same way. A stream that is valid so far but stops inside a character is
/// not yet complete: check ``isAtCharacterBoundary`` at the end of a message.
///
/// Four bytes of state; a value type, owned by whoever feeds it.
public struct UTF8Validator: Sendable {
    /// Continuation bytes still expected for the current character.
    private var remaining: UInt8 = 0
    /// Allowed range for the next continuation byte; narrower than 80…BF only
    /// for the second byte after E0, ED, F0 and F4.
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    private var failed = false

    public init() {}

    /// False once any invalid byte has been seen; it stays false.
    public var isValid: Bool { !failed }

    /// True when valid so far and not inside a multi-byte character.
    public var isAtCharacterBoundary: Bool { !failed && remaining == 0 }

    /// Forgets everything, for the next message.
    public mutating func reset() { self = UTF8Validator() }

    /// Feeds the next bytes; returns ``isValid``.
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !failed else { return false }
        var index = 0
        let count = bytes.count
        while index < count {
            if remaining == 0 {
                // ASCII runs dominate JSON: skip them a word at a time.
                while index + 8 <= count,
                      bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
            }
            let byte = bytes[index]
            index += 1
            if remaining == 0 {
                guard byte >= 0x80 else { continue }
                switch byte {
                case 0xC2...0xDF: expect(1, 0x80, 0xBF)
                case 0xE0: expect(2, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: expect(2, 0x80, 0xBF)
                case 0xED: expect(2, 0x80, 0x9F)
                case 0xF0: expect(3, 0x90, 0xBF)
                case 0xF1...0xF3: expect(3, 0x80, 0xBF)
                case 0xF4: expect(3, 0x80, 0x8F)
                default:
                    failed = true
                    return false
                }
            } else {
                guard byte >= lower, byte <= upper else {
                    failed = true
                    return false
                }
                expect(remaining - 1, 0x80, 0xBF)
            }
        }
        return true
    }

    /// Feeds any byte collection (copied only when it is not contiguous).
    public mutating func validate(_ bytes: some Collection<UInt8>) -> Bool {
        if let result = bytes.withContiguousStorageIfAvailable({ validate(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { validate($0) }
    }

    @inline(__always)
    private mutating func expect(_ count: UInt8, _ lower: UInt8, _ upper: UInt8) {
        remaining = count
        self.lower = lower
        self.upper = upper
    }
}
