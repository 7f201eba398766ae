import Foundation
import Testing
@testable import RuntimeSupport

/// JSONParser against Foundation's JSONSerialization on generated valid
/// documents (random shapes, whitespace, escapes and number forms): both
/// accept, and they read the same values.
@Suite("JSONParser agrees with JSONSerialization on valid documents")
struct JSONDifferentialTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let characters: [String] = ["a", "Z", " ", "\"", "\\", "/", "é", "日", "😀", "\u{2028}", "\u{7f}", "\u{1}", "\n", "\u{0}"]

    /// JSON text for one string, each character written plainly or as an escape.
    static func string(_ g: inout Generator) -> String {
        var out = "\""
        for _ in 0..<Int.random(in: 0...6, using: &g) {
            let character = characters.randomElement(using: &g)!
            let escapeIt = Bool.random(using: &g)
            for unit in character.utf16 where escapeIt || unit < 0x20 || unit == 0x22 || unit == 0x5C {
                out += String(format: Bool.random(using: &g) ? "\\u%04x" : "\\u%04X", unit)
            }
            if !(escapeIt || character.utf16.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { out += character }
        }
        return out + "\""
    }

    static func number(_ g: inout Generator) -> String {
        switch Int.random(in: 0..<5, using: &g) {
        case 0: return String(Int64.random(in: .min ... .max, using: &g))
        case 1: return String(Int.random(in: -1000...1000, using: &g))
        case 2: return "\(Int.random(in: -99...99, using: &g)).\(Int.random(in: 0...999, using: &g))"
        case 3: return "\(Int.random(in: 0...9, using: &g))\(["e", "E"].randomElement(using: &g)!)\(["", "+", "-"].randomElement(using: &g)!)\(Int.random(in: 0...300, using: &g))"
        default: return "\(["", "-"].randomElement(using: &g)!)\(Int.random(in: 1...9, using: &g))\(String(repeating: "7", count: Int.random(in: 18...25, using: &g)))"
        }
    }

    static func space(_ g: inout Generator) -> String {
        Int.random(in: 0..<3, using: &g) == 0 ? [" ", "\n", "\t", "\r\n ", ""].randomElement(using: &g)! : ""
    }

    static func value(_ g: inout Generator, depth: Int) -> String {
        let kind = depth > 4 ? Int.random(in: 2..<7, using: &g) : Int.random(in: 0..<7, using: &g)
        switch kind {
        case 0:
            let elements = (0..<Int.random(in: 0...4, using: &g)).map { _ in space(&g) + value(&g, depth: depth + 1) + space(&g) }
            return "[" + elements.joined(separator: ",") + "]"
        case 1:
            let members = (0..<Int.random(in: 0...4, using: &g)).map { n in
                space(&g) + "\"k\(n)\(Int.random(in: 0...9, using: &g))\"" + space(&g) + ":" + space(&g) + value(&g, depth: depth + 1)
            }
            return "{" + members.joined(separator: ",") + "}"
        case 2: return string(&g)
        case 3, 4: return number(&g)
        case 5: return ["true", "false"].randomElement(using: &g)!
        default: return "null"
        }
    }

    /// Whether a parsed value and Foundation's reading of the same text are the same values.
    static func same(_ value: JSONValue, _ foundation: Any) -> Bool {
        switch value {
        case .null: return foundation is NSNull
        case .bool(let bool): return (foundation as? Bool) == bool
        case .string(let string): return (foundation as? String) == string
        case .number(let number):
            guard let other = foundation as? NSNumber else { return false }
            if let exact = number.int64 { return other.int64Value == exact || other.doubleValue == Double(exact) }
            return other.doubleValue == number.double || (other.doubleValue - number.double).magnitude <= number.double.magnitude * 1e-15
        case .array(let elements):
            guard let others = foundation as? [Any], others.count == elements.count else { return false }
            return zip(elements, others).allSatisfy { same($0, $1) }
        case .object(let object):
            guard let others = foundation as? [String: Any], others.count == object.count else { return false }
            return object.members.allSatisfy { member in others[member.key].map { same(member.value, $0) } ?? false }
        }
    }

    @Test func generatedDocuments() throws {
        var g = Generator(state: 42)
        var checked = 0
        for _ in 0..<3000 {
            let text = Self.space(&g) + Self.value(&g, depth: 0) + Self.space(&g)
            let bytes = Array(text.utf8)
            let ours = try JSONParser().parse(bytes)
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(Self.same(ours, theirs), "\(text)")
            checked += 1
        }
        #expect(checked == 3000)
    }
}
