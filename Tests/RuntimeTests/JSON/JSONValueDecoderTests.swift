import Foundation
import Testing
@testable import RuntimeSupport

@Suite("JSONValueDecoder: Codable types from the one parse")
struct JSONValueDecoderTests {
    enum Colour: String, Codable { case red, green }
    struct Item: Codable, Equatable {
        var frascoIndex: Int
        var amountMg: Int64
        var note: String?
    }
    struct Order: Codable, Equatable {
        var deviceId: Int64
        var items: [Item]
        var rush: Bool?
        var colour: Colour?
        var ratio: Double?
        var small: Int8?
        var big: UInt64?
        var tags: [String]?
    }

    private let snake = JSONValueDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> (value: T, unknownFields: [String]) {
        try snake.decodeReportingUnknownFields(type, from: try JSONParser().parse(Array(text.utf8)))
    }

    /// The error's kind and its field path as WireCoding renders it.
    private func failure(_ text: String) -> (kind: String, path: String)? {
        do {
            _ = try decode(Order.self, text)
            return nil
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context): return ("keyNotFound", JSONFieldPath.render(context.codingPath + [key], keyStrategy: .convertFromSnakeCase))
            case .valueNotFound(_, let context): return ("valueNotFound", JSONFieldPath.render(context.codingPath, keyStrategy: .convertFromSnakeCase))
            case .typeMismatch(_, let context): return ("typeMismatch", JSONFieldPath.render(context.codingPath, keyStrategy: .convertFromSnakeCase))
            case .dataCorrupted(let context):
                let kind = context.underlyingError is JSONNumberOutOfRange ? "outOfRange" : "dataCorrupted"
                return (kind, JSONFieldPath.render(context.codingPath, keyStrategy: .convertFromSnakeCase))
            @unknown default: return nil
            }
        } catch {
            return ("other", "\(error)")
        }
    }

    @Test func decodesLikeJSONDecoder() throws {
        let text = #"{"device_id": 7, "items": [{"frasco_index": 1, "amount_mg": 1e2, "note": null}], "rush": true, "colour": "red", "ratio": 0.5, "small": -128, "big": 18446744073709551615, "tags": ["a", "é"]}"#
        let ours = try decode(Order.self, text)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(ours.value == (try decoder.decode(Order.self, from: Data(text.utf8))))
        #expect(ours.unknownFields.isEmpty)
        #expect(ours.value.items[0].amountMg == 100 && ours.value.big == .max)
    }

    @Test(arguments: [
        (#"{"items": []}"#, "keyNotFound", "device_id"),
        (#"{"device_id": null, "items": []}"#, "valueNotFound", "device_id"),
        (#"{"device_id": "7", "items": []}"#, "typeMismatch", "device_id"),
        (#"{"device_id": 1, "items": {}}"#, "typeMismatch", "items"),
        (#"{"device_id": 1, "items": [{"frasco_index": 0}]}"#, "keyNotFound", "items[0].amount_mg"),
        (#"{"device_id": 1, "items": [{"frasco_index": 0, "amount_mg": 1}, {"frasco_index": 1.5, "amount_mg": 1}]}"#, "outOfRange", "items[1].frasco_index"),
        (#"{"device_id": 9223372036854775808, "items": []}"#, "outOfRange", "device_id"),
        (#"{"device_id": -9223372036854775809, "items": []}"#, "outOfRange", "device_id"),
        (#"{"device_id": 1e30, "items": []}"#, "outOfRange", "device_id"),
        (#"{"device_id": 1, "items": [], "small": 128}"#, "outOfRange", "small"),
        (#"{"device_id": 1, "items": [], "big": -1}"#, "outOfRange", "big"),
        (#"{"device_id": 1, "items": [], "colour": "blue"}"#, "dataCorrupted", "colour"),
        (#"{"device_id": 1, "items": [], "rush": 1}"#, "typeMismatch", "rush"),
        (#"{"device_id": 1, "items": [], "tags": ["a", 2]}"#, "typeMismatch", "tags[1]"),
        (#"{"device_id": 1, "items": [null]}"#, "valueNotFound", "items[0]"),
        (#"[]"#, "typeMismatch", ""),
    ])
    func errorsNameTheField(text: String, kind: String, path: String) {
        let found = failure(text)
        #expect(found?.kind == kind && found?.path == path, "got \(String(describing: found))")
    }

    @Test func integersAreExact() throws {
        #expect(try decode(Order.self, #"{"device_id": -9223372036854775808, "items": []}"#).value.deviceId == .min)
        #expect(try decode(Order.self, #"{"device_id": 1.0, "items": []}"#).value.deviceId == 1)
        #expect(try decode(Order.self, #"{"device_id": -0, "items": []}"#).value.deviceId == 0)
        #expect(failure(#"{"device_id": 2.5e0, "items": []}"#)?.kind == "outOfRange")
    }

    @Test func unknownFieldsAreReportedWithPaths() throws {
        let text = #"{"device_id": 1, "surprise": 1, "items": [{"frasco_index": 0, "amount_mg": 1}, {"frasco_index": 0, "amount_mg": 1, "colour": "red", "quiet": null}], "deviceId": 2}"#
        #expect(Set(try decode(Order.self, text).unknownFields) == ["surprise", "items[1].colour", "deviceId"])
        // A null member asks nothing of the type and is not reported; a known optional at null decodes to nil.
        #expect(try decode(Order.self, #"{"device_id": 1, "items": [], "extra": null, "rush": null}"#).unknownFields.isEmpty)
        // An unknown member's insides are not reported again.
        #expect(try decode(Order.self, #"{"device_id": 1, "items": [], "x": {"y": 1}}"#).unknownFields == ["x"])
    }

    @Test func defaultKeysMatchExactly() throws {
        struct Plain: Codable, Equatable { var someKey: Int }
        let value = try JSONParser().parse(Array(#"{"someKey": 3}"#.utf8))
        #expect(try JSONValueDecoder().decode(Plain.self, from: value) == Plain(someKey: 3))
        #expect(throws: DecodingError.self) { try snake.decode(Plain.self, from: value) }
    }

    @Test func snakeCaseMatchesFoundation() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        for key in ["a", "frascoIndex", "uptimeS", "simulateWifiDrop", "myURLValue", "ID", "already_snake", "x1Y", "Leading", "aB1C", "aB1c", "ABc", "fooBAR", "userID", "deviceMs"] {
            let encoded = try encoder.encode([key: 1].mapKeys())
            let expected = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Int]).keys.first!
            #expect(JSONKeyConversion.snakeCase(key) == expected, "\(key)")
            #expect(JSONKeyConversion.matches(member: expected, property: key, strategy: .convertFromSnakeCase), "\(key)")
        }
    }
}

/// A keyed wrapper so JSONEncoder applies its key strategy to a dynamic key.
private struct DynamicKeys: Encodable {
    let keys: [String]
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for key in keys { try container.encode(1, forKey: Key(stringValue: key)) }
    }
}

extension Dictionary where Key == String, Value == Int {
    fileprivate func mapKeys() -> DynamicKeys { DynamicKeys(keys: Array(keys)) }
}
