// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh json).

/// A strict RFC 8259 parser: bytes in, one ``JSONValue`` out, in a single pass.
///
/// Stricter than Foundation on purpose, so that "malformed JSON" means one
/// thing everywhere: the text must be valid UTF-8; no comments, trailing
/// commas, single quotes, `NaN`, leading zeros or bare control characters;
/// an object may not name the same key twice (two members Swift considers
/// equal strings are duplicates, since no Swift consumer could tell them
/// apart); escapes must form Unicode scalars, so a lone surrogate such as
/// `"\ud800"` is refused (a Swift `String` cannot hold one, and Foundation
/// refuses it too); numbers beyond `Double`'s range (`1e400`) are refused like
/// Foundation does. Nesting is bounded (at most `maxDepth` arrays and objects
/// inside each other) so hostile input cannot exhaust the stack, and an
/// optional byte limit refuses large documents before any work.
public struct JSONParser: Sendable {
    public static let defaultMaxDepth = 64

    public var maxDepth: Int
    public var maxBytes: Int?

    public init(maxDepth: Int = JSONParser.defaultMaxDepth, maxBytes: Int? = nil) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        if let maxBytes, bytes.count > maxBytes { throw JSONParseError(.tooLarge, at: maxBytes) }
        var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
        scanner.skipWhitespace()
        let value = try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw JSONParseError(.trailingData, at: scanner.index) }
        return value
    }
}

/// The cursor and grammar; one instance per document.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func fail(_ reason: JSONParseError.Reason) -> JSONParseError { JSONParseError(reason, at: index) }

    /// The byte at the cursor; the end of input is an error everywhere it is asked for.
    private func peek() throws(JSONParseError) -> UInt8 {
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        return bytes[index]
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        let found = try peek()
        guard found == byte else { throw fail(.unexpectedByte(found)) }
        index += 1
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        let byte = try peek()
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail(.unexpectedByte(byte))
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep) }
        index += 1
        skipWhitespace()
        var members: [JSONMember] = []
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members))
        }
        // Small objects (the usual case) check duplicates by scanning; big ones by hashing.
        var seen: Set<String>?
        while true {
            skipWhitespace()
            let keyOffset = index
            let found = try peek()
            guard found == UInt8(ascii: "\"") else { throw fail(.unexpectedByte(found)) }
            let key = try string()
            if members.count < 16 {
                for member in members where member.key == key { throw JSONParseError(.duplicateKey(key), at: keyOffset) }
            } else {
                if seen == nil { seen = Set(members.map(\.key)) }
                guard seen!.insert(key).inserted else { throw JSONParseError(.duplicateKey(key), at: keyOffset) }
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipWhitespace()
            let next = try peek()
            index += 1
            if next == UInt8(ascii: "}") { return .object(JSONObject(members)) }
            guard next == UInt8(ascii: ",") else { index -= 1; throw fail(.unexpectedByte(next)) }
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep) }
        index += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            let next = try peek()
            index += 1
            if next == UInt8(ascii: "]") { return .array(elements) }
            guard next == UInt8(ascii: ",") else { index -= 1; throw fail(.unexpectedByte(next)) }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        for offset in 0..<count {
            guard index + offset < bytes.count else { index += offset; throw fail(.unexpectedEnd) }
            let byte = bytes[index + offset]
            guard byte == word.utf8Start[offset] else { index += offset; throw fail(.unexpectedByte(byte)) }
        }
        index += count
    }
}
