#if canImport(RuntimeSupport)  // not when scripts/fuzz.sh compiles this file alone with its dependencies
import RuntimeSupport
#endif
/// A strict RFC 8259 syntax check, run before any JSON reaches a decoder.
///
/// Foundation's parser is lenient (it accepts `{"a":1,}` and other
/// extensions); a server that means "malformed JSON → 400" must not rely on
/// it. This scanner reads each byte once and bounds nesting so hostile input
/// cannot exhaust the stack; it allocates only to remember an object's keys.
/// Text must be valid UTF-8.
///
/// An object with two equal member names is refused (RFC 8259 §4 leaves its
/// meaning open: decoders differ on which value wins, so a request could mean
/// one thing to a checker and another to the handler). Names are compared
/// after unescaping, so `"a"` and `"\u0061"` are the same name.
public enum JSONSyntax {
    public static let maxDepth = 64

    /// True when `bytes` is exactly one JSON value, optionally surrounded by whitespace.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        var utf8 = UTF8Validator()
        guard utf8.validate(bytes), utf8.isAtCharacterBoundary else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            scanner.skipWhitespace()
            guard scanner.value(depth: 0) else { return false }
            scanner.skipWhitespace()
            return scanner.index == buffer.count
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        mutating func value(depth: Int) -> Bool {
            guard depth < JSONSyntax.maxDepth, let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "{"): return object(depth: depth + 1)
            case UInt8(ascii: "["): return array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func object(depth: Int) -> Bool {
            index += 1
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return true }
            var names = Set<[UInt8]>()
            while true {
                skipWhitespace()
                let nameStart = index
                guard current == UInt8(ascii: "\""), string() else { return false }
                guard names.insert(unescaped(from: nameStart + 1, to: index - 1)).inserted else { return false }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: "}")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func array(depth: Int) -> Bool {
            index += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: "]")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func string() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let hex = current, hex.isHexDigit else { return false }
                            index += 1
                        }
                    default:
                        return false
                    }
                case 0x00..<0x20:
                    return false
                default:
                    continue
                }
            }
            return false
        }

        /// The UTF-8 of a string already checked by ``string()``, escapes
        /// resolved (`\\uXXXX` pairs joined; a lone surrogate kept as its code unit).
        func unescaped(from start: Int, to end: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(end - start)
            var i = start
            while i < end {
                let byte = bytes[i]
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    i += 1
                    continue
                }
                let escaped = bytes[i + 1]
                i += 2
                switch escaped {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var unit = hexValue(at: i)
                    i += 4
                    if (0xD800..<0xDC00).contains(unit), i + 6 <= end, bytes[i] == UInt8(ascii: "\\"),
                       bytes[i + 1] == UInt8(ascii: "u"), case let low = hexValue(at: i + 2), (0xDC00..<0xE000).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    appendUTF8(unit, to: &out)
                default: out.append(escaped)  // " \ /
                }
            }
            return out
        }

        func hexValue(at position: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = bytes[position + offset]
                let digit: UInt8 = switch byte {
                case 0x30...0x39: byte - 0x30
                case 0x41...0x46: byte - 0x41 + 10
                default: byte - 0x61 + 10
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// UTF-8 of a scalar (or, for a lone surrogate, of its code unit, so
        /// that distinct escapes stay distinct).
        func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
            switch value {
            case 0..<0x80:
                out.append(UInt8(value))
            case 0x80..<0x800:
                out.append(UInt8(0xC0 | value >> 6))
                out.append(UInt8(0x80 | value & 0x3F))
            case 0x800..<0x10000:
                out.append(UInt8(0xE0 | value >> 12))
                out.append(UInt8(0x80 | (value >> 6) & 0x3F))
                out.append(UInt8(0x80 | value & 0x3F))
            default:
                out.append(UInt8(0xF0 | value >> 18))
                out.append(UInt8(0x80 | (value >> 12) & 0x3F))
                out.append(UInt8(0x80 | (value >> 6) & 0x3F))
                out.append(UInt8(0x80 | value & 0x3F))
            }
        }

        mutating func number() -> Bool {
            _ = consume(UInt8(ascii: "-"))
            if consume(UInt8(ascii: "0")) {
                // no leading zeros
            } else {
                guard digits() else { return false }
            }
            if consume(UInt8(ascii: ".")) { guard digits() else { return false } }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more decimal digits.
        mutating func digits() -> Bool {
            let start = index
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
