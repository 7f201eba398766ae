/// An append-only JSON writer for hand-written encoders of hot responses.
///
/// Members appear in the order written (write them sorted to match
/// `JSONEncoder`'s `.sortedKeys`); commas are placed automatically. Strings
/// are escaped exactly as Foundation's `JSONEncoder` does with
/// `.withoutEscapingSlashes` (quote, backslash, and U+0000–U+001F only, with
/// `\b \f \n \r \t` short forms and lower-case hex), so hand-written output
/// can be byte-identical to the Codable output it replaces.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// True right after a value: the next value or key needs a comma first.
    private var needsComma = false

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member name known at compile time; it must need no escaping
    /// (plain ASCII letters, digits, `_`), which is what every wire key is.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// A member name from data, escaped.
    public mutating func key(_ name: String) {
        separate()
        JSONLineEncoding.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        JSONLineEncoding.appendString(value, to: &bytes)
        needsComma = true
    }

    public mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        JSONLineEncoding.appendUnsigned(UInt(value.magnitude), to: &bytes)
        needsComma = true
    }

    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: Self.nullBytes)
        needsComma = true
    }

    /// `null` for nil: the contract's explicit-null optionals.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func int(_ value: Int64?) {
        if let value { int(value) } else { null() }
    }

    /// An already-encoded JSON value, embedded as is.
    public mutating func raw(_ json: some Collection<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// A parsed value re-encoded: numbers as written, members in their order
    /// or, for the canonical form, sorted by key bytes like `.sortedKeys`.
    public mutating func value(_ value: JSONValue, sortingKeys: Bool) {
        switch value {
        case .null: null()
        case .bool(let bool): self.bool(bool)
        case .number(let number): raw(number.text.utf8)
        case .string(let string): self.string(string)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element, sortingKeys: sortingKeys) }
            endArray()
        case .object(let object):
            beginObject()
            let members = sortingKeys ? object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.members
            for member in members {
                key(member.key)
                self.value(member.value, sortingKeys: sortingKeys)
            }
            endObject()
        }
    }

    /// The canonical bytes of a parsed value: sorted keys, no whitespace.
    public static func canonical(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value, sortingKeys: true)
        return writer.bytes
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)
}
