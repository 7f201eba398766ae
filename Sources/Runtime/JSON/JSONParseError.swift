// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh json).

/// Why a document was refused, and the byte offset where the parser noticed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        /// Bytes after the one top-level value.
        case trailingData
        case invalidUTF8
        /// A raw control character (below U+0020) inside a string.
        case controlCharacterInString
        case invalidEscape
        /// A `\uD800`–`\uDFFF` escape without its partner: no Unicode scalar.
        case loneSurrogate
        /// Not the RFC 8259 number grammar (leading zeros, `1.`, `-`, …).
        case invalidNumber
        /// A number whose magnitude does not fit a `Double` (e.g. `1e400`).
        case numberOutOfRange
        case duplicateKey(String)
        case tooDeep
        case tooLarge
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
