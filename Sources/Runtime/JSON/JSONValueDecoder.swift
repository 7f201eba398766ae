/// Decodes `Decodable` types straight from a parsed ``JSONValue``: the one
/// parse a request body needs, with no second pass through Foundation.
///
/// Behaves like `JSONDecoder` where callers can see it: keys may be matched
/// in snake_case (`item_count` for the property `itemCount`, exactly the
/// name `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` would write);
/// errors are `DecodingError`s whose `codingPath` names the failing field; a
/// number decodes into an integer type only when its value is an integer in
/// that type's range (`1.0` and `1e2` are integers, `1.5` and `2^70` are not:
/// those fail with `dataCorrupted`, whose underlying error is
/// ``JSONNumberOutOfRange``).
///
/// It can also report unknown fields: every object member with a non-null
/// value that the decoded type never asked for, as a field path like
/// `items[2].colour` (keys as sent, joined by dots, array positions in brackets).
public struct JSONValueDecoder: Sendable {
    public enum KeyDecodingStrategy: Sendable {
        case useDefaultKeys
        /// A member matches the property whose snake_case form is its key.
        case convertFromSnakeCase
    }

    public var keyDecodingStrategy: KeyDecodingStrategy

    public init(keyDecodingStrategy: KeyDecodingStrategy = .useDefaultKeys) {
        self.keyDecodingStrategy = keyDecodingStrategy
    }

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let state = JSONDecodingState(keyStrategy: keyDecodingStrategy, tracksUnknown: false)
        return try JSONValueDecoding(value, codingPath: [], state: state).decode(type)
    }

    /// Decodes `value` and lists the members it did not use; the caller
    /// decides whether they are an error. Decoding errors win over unknown fields.
    public func decodeReportingUnknownFields<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (value: T, unknownFields: [String]) {
        let state = JSONDecodingState(keyStrategy: keyDecodingStrategy, tracksUnknown: true)
        let decoded = try JSONValueDecoding(value, codingPath: [], state: state).decode(type)
        return (decoded, state.unknownFields())
    }
}

/// The underlying error of a `DecodingError.dataCorrupted` for a number that
/// is not representable in the requested type.
public struct JSONNumberOutOfRange: Error, Sendable {
    public let text: String
    public let type: String
}

/// Shared by every decoder of one `decode` call: the options and the objects
/// whose unused members are reported at the end.
final class JSONDecodingState {
    let keyStrategy: JSONValueDecoder.KeyDecodingStrategy
    let tracksUnknown: Bool
    private var objects: [JSONObjectUsage] = []

    init(keyStrategy: JSONValueDecoder.KeyDecodingStrategy, tracksUnknown: Bool) {
        self.keyStrategy = keyStrategy
        self.tracksUnknown = tracksUnknown
    }

    func track(_ usage: JSONObjectUsage) {
        if tracksUnknown { objects.append(usage) }
    }

    func unknownFields() -> [String] {
        var fields: [String] = []
        for usage in objects {
            for (position, member) in usage.object.members.enumerated()
            where !usage.isUsed(position) && !member.value.isNull {
                let parent = JSONFieldPath.render(usage.codingPath, keyStrategy: keyStrategy)
                fields.append(parent.isEmpty ? member.key : "\(parent).\(member.key)")
            }
        }
        return fields
    }
}

/// Which members of one object the decoded type asked for.
final class JSONObjectUsage {
    let object: JSONObject
    let codingPath: [any CodingKey]
    private var low: UInt64 = 0
    private var high: Set<Int> = []

    init(object: JSONObject, codingPath: [any CodingKey]) {
        self.object = object
        self.codingPath = codingPath
    }

    func markUsed(_ position: Int) {
        if position < 64 { low |= 1 << UInt64(position) } else { high.insert(position) }
    }

    func isUsed(_ position: Int) -> Bool {
        position < 64 ? low & (1 << UInt64(position)) != 0 : high.contains(position)
    }
}

/// Field paths for messages: `items[2].amount_mg`.
public enum JSONFieldPath {
    public static func render(_ codingPath: [any CodingKey], keyStrategy: JSONValueDecoder.KeyDecodingStrategy) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += keyStrategy == .convertFromSnakeCase ? JSONKeyConversion.snakeCase(key.stringValue) : key.stringValue
            }
        }
        return text
    }
}

/// A position in an array, as a coding key.
struct JSONIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// The key `super` decoders use, as `JSONDecoder` names it.
struct JSONSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
