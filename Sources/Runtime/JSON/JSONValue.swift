// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh json).

/// One parsed JSON document, as the parser saw it.
///
/// Objects keep their members in the order they were written (so errors and
/// re-encodings can follow the sender), and numbers keep their exact text:
/// `JSONValue` never decides for a consumer whether `1e2` is an integer.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }
}

/// A JSON number: its text as written, its exact `Int64` value when the text
/// is an integer literal in range, and its nearest `Double` (always finite:
/// the parser refuses numbers beyond `Double`'s range).
public struct JSONNumber: Sendable, Equatable {
    public let text: String
    public let int64: Int64?
    public let double: Double

    public init(text: String, int64: Int64?, double: Double) {
        self.text = text
        self.int64 = int64
        self.double = double
    }
}

/// One object member.
public struct JSONMember: Sendable, Equatable {
    public let key: String
    public let value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// An object's members in the order they were written; keys are unique (the
/// parser refuses duplicates).
public struct JSONObject: Sendable, Equatable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) { self.members = members }

    public var count: Int { members.count }

    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }
}
