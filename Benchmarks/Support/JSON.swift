import Foundation

/// JSON in and out for the clients: bodies are built from dictionaries and
/// read back as dictionaries, because a benchmark must not share the server's
/// Codable types (a mismatch between them is exactly what it should catch).
public enum JSON {
    public static func encode(_ object: Any) -> [UInt8] {
        // Every object built here is valid JSON by construction.
        Array((try? JSONSerialization.data(withJSONObject: object, options: [])) ?? Data("null".utf8))
    }

    public static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [])) as? [String: Any]
    }

    public static func int(_ value: Any?) -> Int64? {
        (value as? NSNumber)?.int64Value
    }
}

/// A failure a benchmark reports and stops on.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
