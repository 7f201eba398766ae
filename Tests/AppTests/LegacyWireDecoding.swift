import Actors
import Foundation
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP

/// The request decoding WireCoding used before the one-pass codec (syntax
/// check, JSONSerialization, JSONDecoder, re-encode, JSONSerialization again),
/// kept as the oracle for WireCodingDifferentialTests: every body
/// both refuse must be refused with the same status, code, message and fields.
enum LegacyWireDecoding {
    static func decode<T: Codable>(_ type: T.Type, from request: Request) throws -> T {
        guard request.hasJSONContentType else { throw HTTPError.unsupportedMediaType }
        // The old strict syntax check (JSONSyntax, since removed) refused what the
        // new parser refuses, duplicate keys aside: the parser stands in for it.
        guard (try? JSONParser().parse(request.body)) != nil else { throw HTTPError.malformedJSON }
        let data = Data(request.body)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw HTTPError.malformedJSON
        }
        let value: T
        do {
            value = try WireJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Foundation reports a number too large for its type as corrupt data
            // with no path; find the number ourselves so the error names it.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               let path = firstOutOfRangeNumber(in: object, path: "") {
                throw HTTPError.invalidFields([path: .integerInRange], message: "A number is not valid here.")
            }
            throw invalid(error)
        }
        let echoed = try JSONSerialization.jsonObject(with: WireJSON.encoder().encode(value), options: [])
        var unknown: [String: FieldProblem] = [:]
        collectUnknown(sent: object, known: echoed, path: "", into: &unknown)
        if !unknown.isEmpty { throw HTTPError.invalidFields(unknown, message: "The request has unknown fields.") }
        return value
    }

    /// Keys the client sent with a non-null value that the decoded value does not have.
    private static func collectUnknown(sent: Any, known: Any, path: String, into unknown: inout [String: FieldProblem]) {
        if let sent = sent as? [String: Any], let known = known as? [String: Any] {
            for (key, value) in sent where !(value is NSNull) {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let knownValue = known[key] {
                    collectUnknown(sent: value, known: knownValue, path: child, into: &unknown)
                } else {
                    unknown[child] = .unknownField
                }
            }
        } else if let sent = sent as? [Any], let known = known as? [Any], sent.count == known.count {
            for (index, (s, k)) in zip(sent, known).enumerated() {
                collectUnknown(sent: s, known: k, path: "\(path)[\(index)]", into: &unknown)
            }
        }
    }

    /// The path of the first number that is not an integer within Int64 (every
    /// number in the API is one, but the simulator's drop duration, which
    /// never fails this way).
    private static func firstOutOfRangeNumber(in value: Any, path: String) -> String? {
        if let object = value as? [String: Any] {
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if let found = firstOutOfRangeNumber(in: child, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        } else if let array = value as? [Any] {
            for (index, child) in array.enumerated() {
                if let found = firstOutOfRangeNumber(in: child, path: "\(path)[\(index)]") { return found }
            }
        } else if let number = value as? NSNumber, !(value is Bool) {
            let double = number.doubleValue
            let fitsInt64 = double.isFinite && abs(double) < 9.2e18
            if !fitsInt64 || double.rounded(.towardZero) != double { return path.isEmpty ? "body" : path }
        }
        return nil
    }

    private static func invalid(_ error: DecodingError) -> HTTPError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + WireJSON.snakeCase(key.stringValue)
                }
            }
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalidFields([path(context.codingPath, key): .required], message: "A required field is missing.")
        case .typeMismatch(let type, let context):
            return .invalidFields([path(context.codingPath): .wrongType(describe(type))], message: "A field has the wrong type.")
        case .valueNotFound(let type, let context):
            return .invalidFields([path(context.codingPath): .notNull], message: "A field is null.")
        case .dataCorrupted(let context):
            return .invalidFields([path(context.codingPath): .invalidValue], message: "A field is not valid.")
        @unknown default:
            return .invalidFields(["body": .invalidValue])
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: "integer"
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Double.Type: "number"
        default: String(describing: type).contains("Array") ? "array" : "object"
        }
    }
}
