/// The `Decoder` for one value in the document; also its single-value container.
final class JSONValueDecoding: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let state: JSONDecodingState
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Shared by every keyed container made from this decoder, so a type that
    /// asks for its container twice still marks one set of members.
    private var usage: JSONObjectUsage?

    init(_ value: JSONValue, codingPath: [any CodingKey], state: JSONDecodingState) {
        self.value = value
        self.codingPath = codingPath
        self.state = state
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let object):
            if usage == nil {
                let made = JSONObjectUsage(object: object, codingPath: codingPath)
                state.track(made)
                usage = made
            }
            return KeyedDecodingContainer(JSONKeyedContainer<Key>(decoder: self, usage: usage!))
        case .null:
            throw DecodingError.valueNotFound([String: Any].self, context("Cannot get keyed decoding container -- found null value instead"))
        default:
            throw mismatch([String: Any].self)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements):
            return JSONUnkeyedContainer(elements: elements, codingPath: codingPath, state: state)
        case .null:
            throw DecodingError.valueNotFound([Any].self, context("Cannot get unkeyed decoding container -- found null value instead"))
        default:
            throw mismatch([Any].self)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // The standard library's scalars decode through the container's own
        // requirements, so they need no further decoder.
        switch type {
        case is String.Type: return try decode(String.self) as! T
        case is Int64.Type: return try integer(Int64.self) as! T
        case is Int.Type: return try integer(Int.self) as! T
        case is Bool.Type: return try decode(Bool.self) as! T
        default: return try T(from: self)
        }
    }

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let bool) = value else { throw problem(Bool.self) }
        return bool
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let string) = value else { throw problem(String.self) }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let number) = value else { throw problem(Double.self) }
        return number.double
    }

    func decode(_ type: Float.Type) throws -> Float {
        guard case .number(let number) = value else { throw problem(Float.self) }
        let float = Float(number.double)
        guard float.isFinite else { throw outOfRange(number, Float.self) }
        return float
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    /// An integer only when the number's value is one and fits `T`.
    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let number) = value else { throw problem(T.self) }
        if let exact = number.int64 {
            if let fitting = T(exactly: exact) { return fitting }
        } else if !T.isSigned, number.text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let big = UInt64(number.text), let fitting = T(exactly: big) {
            return fitting
        } else if number.double.magnitude < 0x1p63, let fitting = T(exactly: number.double) {
            return fitting
        }
        throw outOfRange(number, T.self)
    }

    // MARK: Errors, shaped like JSONDecoder's

    func context(_ description: String, underlying: (any Error)? = nil) -> DecodingError.Context {
        DecodingError.Context(codingPath: codingPath, debugDescription: description, underlyingError: underlying)
    }

    /// Null where a value is required, or a value of the wrong kind.
    private func problem(_ type: Any.Type) -> DecodingError {
        if value.isNull {
            return DecodingError.valueNotFound(type, context("Expected \(type) value but found null instead."))
        }
        return mismatch(type)
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(type, context("Expected to decode \(type) but found \(value.kindName) instead."))
    }

    private func outOfRange(_ number: JSONNumber, _ type: Any.Type) -> DecodingError {
        let reason = JSONNumberOutOfRange(text: number.text, type: "\(type)")
        return DecodingError.dataCorrupted(context("Number \(number.text) does not fit in \(type).", underlying: reason))
    }
}

extension JSONValue {
    /// How error messages name a value's kind.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
