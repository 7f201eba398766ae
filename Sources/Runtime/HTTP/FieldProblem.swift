/// What is wrong with one field of a request, in two forms: a stable `code`
/// with the integer `values` a client needs to say it in its own language and
/// units (`{"code":"out_of_range","min":1,"max":16}`), and an English
/// `message` for people reading raw responses.
///
/// Values are in the field's own unit: for a field whose name ends in `_mg`
/// they are milligrams. A string literal is accepted so that a quick check can
/// still be written as text, but it gets the catch-all code `invalid_value`:
/// every check a client should explain precisely uses a named constructor.
public struct FieldProblem: Sendable, Equatable, CustomStringConvertible,
                            ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    public let code: String
    public let values: [String: Int64]
    public let message: String

    public init(code: String, values: [String: Int64] = [:], message: String) {
        self.code = code
        self.values = values
        self.message = message
    }

    public init(stringLiteral message: String) {
        self.init(code: "invalid_value", message: message)
    }

    public var description: String { message }

    // The generic checks every API has. Product-specific ones extend this type
    // where the product's rules live.
    public static let required = FieldProblem(code: "required", message: "is required")
    public static let unknownField = FieldProblem(code: "unknown_field", message: "unknown field")
    public static let notNull = FieldProblem(code: "not_null", message: "must not be null")
    public static let invalidValue = FieldProblem(code: "invalid_value", message: "is not a valid value")
    public static let positiveID = FieldProblem(code: "positive_id", message: "must be a positive id")
    public static let integerInRange = FieldProblem(code: "integer_in_range", message: "must be an integer within range")
    public static let timestamp = FieldProblem(code: "timestamp", message: "must be an RFC 3339 time, e.g. 2026-11-29T00:00:00Z")
    /// The allowed values are named in the message only: a client offers its own choices.
    public static func notOneOf(_ allowed: [String]) -> FieldProblem {
        FieldProblem(code: "not_one_of", message: "must be one of \(allowed.joined(separator: ", "))")
    }

    /// `expected` is one of: integer, string, boolean, number, array, object.
    public static func wrongType(_ expected: String) -> FieldProblem {
        let article = expected.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return FieldProblem(code: "type_\(expected)", message: "must be \(article) \(expected)")
    }
    public static func outOfRange(_ min: Int64, _ max: Int64) -> FieldProblem {
        FieldProblem(code: "out_of_range", values: ["min": min, "max": max], message: "must be between \(min) and \(max)")
    }
    public static func atLeast(_ min: Int64) -> FieldProblem {
        min == 1 ? FieldProblem(code: "at_least", values: ["min": 1], message: "must be greater than 0")
            : FieldProblem(code: "at_least", values: ["min": min], message: "must be at least \(min)")
    }
    public static func atMost(_ max: Int64) -> FieldProblem {
        FieldProblem(code: "at_most", values: ["max": max], message: "must be at most \(max)")
    }
    public static func length(_ min: Int64, _ max: Int64) -> FieldProblem {
        FieldProblem(code: "length", values: ["min": min, "max": max], message: "must be \(min) to \(max) characters")
    }
    public static func maxLength(_ max: Int64) -> FieldProblem {
        FieldProblem(code: "max_length", values: ["max": max], message: "must be at most \(max) characters")
    }
    public static func minLength(_ min: Int64) -> FieldProblem {
        FieldProblem(code: "min_length", values: ["min": min], message: "must be at least \(min) characters")
    }
    public static func maxBytes(_ max: Int64) -> FieldProblem {
        FieldProblem(code: "max_bytes", values: ["max": max], message: "must be at most \(max) bytes")
    }
    public static func minItems(_ min: Int64) -> FieldProblem {
        FieldProblem(code: "min_items", values: ["min": min], message: "must have at least \(min) item\(min == 1 ? "" : "s")")
    }
    public static func maxItems(_ max: Int64) -> FieldProblem {
        FieldProblem(code: "max_items", values: ["max": max], message: "must have at most \(max) items")
    }
}
