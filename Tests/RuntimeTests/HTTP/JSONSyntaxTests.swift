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

    @Test(arguments: [
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":2,\"a\":1}", "[{\"x\":{\"k\":1,\"k\":null}}]",
        "{\"a\":1,\"\\u0061\":2}", "{\"é\":1,\"\\u00e9\":2}", "{\"😀\":1,\"\\ud83d\\ude00\":2}",
        "{\"a/\":1,\"a\\/\":2}",
    ])
    func refusesDuplicateNames(_ text: String) {
        #expect(!JSONSyntax.isValid(Array(text.utf8)))
    }

    @Test(arguments: [
        "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "[{\"a\":1},{\"a\":1}]", "{\"a\":1,\"A\":2,\"a \":3}",
        "{\"\\ud83d\":1,\"\\ude00\":2}",
    ])
    func acceptsEqualNamesInDifferentObjects(_ text: String) {
        #expect(JSONSyntax.isValid(Array(text.utf8)))
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

@Suite("Host field syntax")
struct HTTPHostSyntaxTests {
    @Test(arguments: ["", "a", "example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:9100",
                      "xn--bcher-kva.example", "a%41b", "a_b~c", "host:"])
    func accepts(_ value: String) {
        #expect(HTTPHostSyntax.isValid(value.utf8))
    }

    @Test(arguments: ["a b", "a/b", "a:80x", "user@a", "[::1", "[]", "a%zz", "a%4", "\"a\"", "a:1:2", "a\\b", "é"])
    func refuses(_ value: String) {
        #expect(!HTTPHostSyntax.isValid(value.utf8))
    }
}
