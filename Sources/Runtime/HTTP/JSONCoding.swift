import Foundation

/// The one JSON configuration of the HTTP layer: Foundation's coders with
/// sorted keys (stable bytes for tests, caches and replay comparisons) and
/// RFC 3339 dates. Keys are not converted: types name their wire keys with
/// `CodingKeys`, so decoding errors can report the request's own field paths.
public enum JSONCoding {
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }

    /// Decodes `bytes`, mapping failures to the contract's errors: 400
    /// `malformed_json` for bytes that are not JSON, 422 `invalid_fields` with
    /// the failing field's path for JSON of the wrong shape.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(HTTPError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw validationError(error)
        } catch {
            throw .malformedJSON
        }
    }

    static func validationError(_ error: DecodingError) -> HTTPError {
        let path: [any CodingKey]
        let problem: FieldProblem
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedJSON
        case .dataCorrupted(let context):
            (path, problem) = (context.codingPath, .invalidValue)
        case .keyNotFound(let key, let context):
            (path, problem) = (context.codingPath + [key], .required)
        case .valueNotFound(_, let context):
            (path, problem) = (context.codingPath, .notNull)
        case .typeMismatch(let type, let context):
            (path, problem) = (context.codingPath, .wrongType(jsonTypeName(type)))
        @unknown default:
            return HTTPError(.unprocessableContent, code: "invalid_fields", message: "invalid request body")
        }
        guard !path.isEmpty else {
            return HTTPError(.unprocessableContent, code: "invalid_fields", message: "request body \(problem.message)")
        }
        return .invalidFields([fieldPath(path): problem])
    }

    /// `items[2].amount_mg`: keys joined by dots, array positions in brackets.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: return "string"
        case is Bool.Type: return "boolean"
        case is any BinaryInteger.Type: return "integer"
        case is any BinaryFloatingPoint.Type, is Decimal.Type: return "number"
        case is [Any].Type: return "array"
        default: return String(describing: type).hasPrefix("Array<") ? "array" : "object"
        }
    }

    private struct ErrorEnvelope: Encodable {
        struct Body: Encodable {
            let code: String
            let message: String
            let fields: [String: String]?
            let fieldCodes: [String: FieldCode]?
            enum CodingKeys: String, CodingKey { case code, message, fields, fieldCodes = "field_codes" }
        }
        let error: Body
    }

    /// One `field_codes` entry: the code and its values side by side.
    private struct FieldCode: Encodable {
        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let problem: FieldProblem
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(problem.code, forKey: Key(stringValue: "code"))
            for (name, value) in problem.values { try container.encode(value, forKey: Key(stringValue: name)) }
        }
    }

    static func errorBody(code: String, message: String, fields: [String: FieldProblem]?) -> [UInt8] {
        let present = fields?.isEmpty == false ? fields : nil
        let envelope = ErrorEnvelope(error: .init(
            code: code, message: message,
            fields: present?.mapValues(\.message),
            fieldCodes: present?.mapValues { FieldCode(problem: $0) }))
        // Encoding strings cannot fail; the fallback only keeps the signature total.
        return (try? encode(envelope)) ?? Array(#"{"error":{"code":"internal_error","message":"internal error"}}"#.utf8)
    }
}
