import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

@Suite("Strict JSON syntax")
struct JSONSyntaxTests {
    @Test(arguments: [
        "{}", "[]", "0", "-0", "1.5e10", "-12.25E-3", "\"a\\u00e9\\n\"", "true", "false", "null",
        " { \"a\" : [1, 2, {\"b\": null}] , \"c\": \"é\" } ", "[[[[]]]]", "\"\\/\"",
    ])
    func accepts(_ text: String) {
        #expect(JSONSyntax.isValid(Array(text.utf8)))
    }

    @Test(arguments: [
        "", " ", "{", "}", "{\"a\":1,}", "[1,]", "[,1]", "{\"a\"}", "{a:1}", "{'a':1}", "01", "1.", ".5", "1e", "+1",
        "- 1", "NaN", "Infinity", "tru", "nulls", "\"unterminated", "\"bad \\x escape\"", "\"\\u12G4\"",
        "\"tab\tinside\"", "{} {}", "[1] x", "/* comment */ {}", "{\"a\":1}//",
    ])
    func refuses(_ text: String) {
        #expect(!JSONSyntax.isValid(Array(text.utf8)))
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(!JSONSyntax.isValid([0x22, 0xC3, 0x28, 0x22]))
        #expect(!JSONSyntax.isValid(Array(String(repeating: "[", count: 100_000).utf8)))
        let deepButFine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(JSONSyntax.isValid(Array(deepButFine.utf8)))
    }

    @Test func neverCrashesOnRandomBytes() {
        var random = SeededGenerator(seed: 0x15_0A)
        let alphabet = Array("{}[],:\"\\0123456789.eE+-tfnrul \t\n".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &random)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            _ = JSONSyntax.isValid(bytes)
        }
    }
}
