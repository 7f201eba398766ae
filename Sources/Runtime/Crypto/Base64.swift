/// Base64 and base64url (RFC 4648 §4 and §5).
///
/// Decoding is strict: it rejects characters outside the alphabet, whitespace,
/// misplaced or missing padding, and non-zero bits in the last character's
/// unused part (a non-canonical encoding), so two different strings never
/// decode to the same bytes.
public enum Base64 {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardTable = reverseTable(standardAlphabet)
    private static let urlTable = reverseTable(urlAlphabet)
    private static let invalid: UInt8 = 0xFF

    /// Standard alphabet, with `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        encode(Array(bytes), alphabet: standardAlphabet, padding: true)
    }

    /// Standard alphabet; padding required. Nil for invalid input.
    public static func decode(_ string: String) -> [UInt8]? {
        decode(Array(string.utf8), table: standardTable, requirePadding: true)
    }

    /// URL- and filename-safe alphabet, without padding (as in tokens and JWTs).
    public static func encodeURL(_ bytes: some Collection<UInt8>) -> String {
        encode(Array(bytes), alphabet: urlAlphabet, padding: false)
    }

    /// URL-safe alphabet; padding optional, but if present it must be correct. Nil for invalid input.
    public static func decodeURL(_ string: String) -> [UInt8]? {
        decode(Array(string.utf8), table: urlTable, requirePadding: false)
    }

    private static func reverseTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padding: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { out.append(alphabet[Int((group >> shift) & 0x3F)]) }
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let second = remaining == 2 ? UInt32(bytes[index + 1]) : 0
            let group = UInt32(bytes[index]) << 16 | second << 8
            out.append(alphabet[Int((group >> 18) & 0x3F)])
            out.append(alphabet[Int((group >> 12) & 0x3F)])
            if remaining == 2 { out.append(alphabet[Int((group >> 6) & 0x3F)]) }
            if padding { out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - remaining)) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ input: [UInt8], table: [UInt8], requirePadding: Bool) -> [UInt8]? {
        var characters = input[...]
        var paddingCount = 0
        while characters.last == UInt8(ascii: "=") {
            characters.removeLast()
            paddingCount += 1
        }
        if paddingCount > 0 || requirePadding {
            // Padding, when there is any, must complete the last quantum exactly.
            guard input.count % 4 == 0, paddingCount <= 2 else { return nil }
        }
        let tail = characters.count % 4
        guard tail != 1 else { return nil }
        if paddingCount > 0, paddingCount != (4 - tail) % 4 { return nil }

        var out: [UInt8] = []
        out.reserveCapacity(characters.count * 3 / 4)
        var group: UInt32 = 0
        var groupLength = 0
        for character in characters {
            let value = table[Int(character)]
            guard value != invalid else { return nil }
            group = group << 6 | UInt32(value)
            groupLength += 1
            if groupLength == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                groupLength = 0
            }
        }
        switch groupLength {
        case 2:
            guard group & 0xF == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard group & 0x3 == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
        return out
    }
}
