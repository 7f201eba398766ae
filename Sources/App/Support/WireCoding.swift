import Actors
import Runtime

/// Request bodies in, responses out, in the contract's JSON (snake_case).
///
/// Decoding is strict, so hostile or mistaken input is refused before it
/// reaches the domain: 415 without `Content-Type: application/json`, 400 for
/// malformed JSON (duplicate keys included), 422 naming the field for wrong types, missing fields,
/// numbers that do not fit, and unknown fields (a misspelt optional field
/// must not be silently ignored).
enum WireCoding {
    /// Request bodies are at most 64 KiB (the HTTP layer answers 413 beyond),
    /// so the parser needs no size limit of its own here.
    private static let parser = JSONParser()
    private static let decoder = JSONValueDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    /// One parse, one decode: the body's bytes become a `JSONValue` once, and
    /// the type decodes from it while the decoder notes which members it used.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) throws -> T {
        guard request.hasJSONContentType else { throw HTTPError.unsupportedMediaType }
        let document: JSONValue
        do {
            document = try parser.parse(request.body)
        } catch {
            throw HTTPError.malformedJSON
        }
        // A request body is an object or an array; a bare scalar has always
        // been answered as malformed (Foundation's parser refused it).
        switch document {
        case .object, .array: break
        default: throw HTTPError.malformedJSON
        }
        let decoded: (value: T, unknownFields: [String])
        do {
            decoded = try decoder.decodeReportingUnknownFields(T.self, from: document)
        } catch let error as DecodingError {
            throw invalid(error)
        }
        if !decoded.unknownFields.isEmpty {
            var unknown: [String: FieldProblem] = [:]
            for field in decoded.unknownFields { unknown[field] = .unknownField }
            throw HTTPError.invalidFields(unknown, message: "The request has unknown fields.")
        }
        return decoded.value
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
        case .dataCorrupted(let context) where context.underlyingError is JSONNumberOutOfRange:
            return .invalidFields([path(context.codingPath): .integerInRange], message: "A number is not valid here.")
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

    static func json(_ value: some Encodable, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) throws -> Response {
        var response = Response(status: status, headers: headers, body: try WireJSON.encode(value))
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return response
    }
}
