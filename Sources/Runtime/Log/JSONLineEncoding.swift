/// Appends JSON tokens to a byte buffer. Hand-written because a log line is
/// formatted on an event-loop thread for every request: no `JSONEncoder`, no
/// intermediate `String`s for integers, one pass over each string.
///
/// Output is always valid JSON (RFC 8259) and valid UTF-8: Swift strings are
/// well-formed Unicode, so only the quote, the backslash and the control
/// characters U+0000–U+001F need escaping.
enum JSONLineEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted, escaped JSON string.
    static func appendString(_ value: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0, to: &buffer) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped body of a JSON string (without quotes). Copies runs of
    /// plain bytes in bulk and stops only at bytes that need an escape.
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            runStart = index + 1
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
        if runStart < utf8.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    /// Appends a decimal integer without allocating a `String`.
    static func appendInt(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        appendUnsigned(value.magnitude, to: &buffer)
    }

    /// Appends the decimal digits of `value`, most significant first.
    static func appendUnsigned(_ value: UInt, to buffer: inout [UInt8]) {
        // 20 digits hold UInt64.max.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining != 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Appends a JSON number. JSON has no NaN or infinities, so those become
    /// the strings `"NaN"`, `"Infinity"` and `"-Infinity"` rather than
    /// breaking the line for every parser downstream.
    static func appendDouble(_ value: Double, to buffer: inout [UInt8]) {
        guard value.isFinite else {
            let name = value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
            appendString(name, to: &buffer)
            return
        }
        // Swift's shortest round-trip form ("0.1", "1e-05", "-2.5e+20") is
        // valid JSON number syntax.
        buffer.append(contentsOf: value.description.utf8)
    }

    /// Appends any field value.
    static func appendValue(_ value: LogValue, to buffer: inout [UInt8]) {
        switch value {
        case .string(let string): appendString(string, to: &buffer)
        case .int(let int): appendInt(int, to: &buffer)
        case .double(let double): appendDouble(double, to: &buffer)
        case .bool(let bool): buffer.append(contentsOf: bool ? "true".utf8 : "false".utf8)
        }
    }

    /// Appends `,"key":value`, the form every field after the first fixed ones takes.
    static func appendField(_ key: String, _ value: LogValue, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: ","))
        appendString(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendValue(value, to: &buffer)
    }
}
