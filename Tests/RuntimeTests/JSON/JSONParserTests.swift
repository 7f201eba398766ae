import Testing
@testable import RuntimeSupport

/// Acceptance and refusal tables in the style of JSONTestSuite (y_ must parse,
/// n_ must not), plus the limits and the decisions the RFC leaves open.
@Suite("JSONParser: strict RFC 8259")
struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser().parse(Array(text.utf8)) }
    private func reason(_ bytes: [UInt8]) -> JSONParseError.Reason? {
        do { _ = try JSONParser().parse(bytes); return nil } catch { return error.reason }
    }
    private func reason(_ text: String) -> JSONParseError.Reason? { reason(Array(text.utf8)) }

    @Test(arguments: [
        "y_array_empty": "[]", "y_object_empty": "{}", "y_array_nested": "[[[]],{}]", "y_ws_around": " \t\r\n[1] \n",
        "y_string_empty": #""""#, "y_number_zero": "0", "y_number_negzero": "-0", "y_number_frac": "0.5",
        "y_number_exp": "1E+2", "y_number_exp_neg": "-1.25e-3", "y_number_big_int": "123456789012345678901234567890",
        "y_number_int_min": "-9223372036854775808", "y_true": "true", "y_false": "false", "y_null": "null",
        "y_string_escapes": #""\"\\\/\b\f\n\r\t""#, "y_string_u_escape": #""\u00e9\u0041""#,
        "y_string_surrogate_pair": #""\ud83d\ude00""#, "y_string_utf8": "\"açúcar 日本 😀\"",
        "y_string_u2028": "\"\u{2028}\u{2029}\"", "y_string_nul_escape": #""\u0000""#, "y_string_del": "\"\u{7f}\"",
        "y_object_members": #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, "y_object_space_key": #"{" ":0,"":1}"#,
        "y_number_in_array": "[1,-2,3.5e1]",
    ])
    func accepts(name: String, text: String) {
        #expect(reason(text) == nil, "\(name)")
    }

    @Test(arguments: [
        "n_empty": "", "n_ws_only": " ", "n_trailing_comma_array": "[1,]", "n_trailing_comma_object": #"{"a":1,}"#,
        "n_comment": "[1]//", "n_block_comment": "/**/[1]", "n_nan": "NaN", "n_infinity": "[Infinity]",
        "n_leading_zero": "01", "n_neg_leading_zero": "-01", "n_dot_start": ".5", "n_dot_end": "1.", "n_plus": "+1",
        "n_exp_empty": "1e", "n_exp_sign_only": "1e+", "n_minus_only": "-", "n_hex": "0x1", "n_single_quote": "['a']",
        "n_unquoted_key": "{a:1}", "n_missing_colon": #"{"a" 1}"#, "n_missing_value": #"{"a":}"#,
        "n_two_values": "1 2", "n_trailing_garbage": "[1]x", "n_unclosed_array": "[1", "n_unclosed_object": #"{"a":1"#,
        "n_unclosed_string": #""abc"#, "n_bad_escape": #""\x""#, "n_short_u_escape": #""\u12""#, "n_u_escape_nonhex": #""\u12G4""#,
        "n_raw_newline_in_string": "\"a\nb\"", "n_raw_tab_in_string": "\"a\tb\"", "n_True": "True", "n_nul": "nul",
        "n_array_comma_only": "[,]", "n_double_comma": "[1,,2]", "n_object_comma_only": "{,}", "n_colon_array": "[1:2]",
        "n_number_1e400": "1e400", "n_number_neg_1e400": "[-1e400]", "n_lone_high_surrogate": #""\ud800""#,
        "n_lone_low_surrogate": #""\udc00""#, "n_high_then_char": #""\ud800a""#, "n_high_then_high": #""\ud800\ud800""#,
        "n_duplicate_key": #"{"a":1,"a":2}"#, "n_duplicate_nested": #"[{"x":{"k":1,"k":1}}]"#, "n_bom": "\u{FEFF}[]",
    ])
    func refuses(name: String, text: String) {
        #expect(reason(text) != nil, "\(name)")
    }

    @Test(arguments: [
        [0xFF], [0x22, 0xC3, 0x28, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
        [0x22, 0xE2, 0x82, 0x22], [0x22, 0xF0, 0x9F, 0x98], [0x5B, 0x80, 0x5D],
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) {
        #expect(reason(bytes) != nil)
    }

    @Test func valuesAndOrder() throws {
        let value = try parse(#"{"z": 1, "a": [true, null, "x\u00e9\ud83d\ude00"], "m": -2.5e1}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.map(\.key) == ["z", "a", "m"])
        #expect(object["a"] == .array([.bool(true), .null, .string("xé😀")]))
        guard case .number(let m) = object["m"] else { Issue.record("m"); return }
        #expect(m.text == "-2.5e1" && m.int64 == nil && m.double == -25)
    }

    @Test func numbersKeepTheirTextAndExactIntegers() throws {
        for (text, int64) in [("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("0", 0), ("-0", 0)] {
            guard case .number(let n) = try parse(text) else { Issue.record("\(text)"); continue }
            #expect(n.int64 == int64 && n.text == text)
        }
        for text in ["9223372036854775808", "-9223372036854775809", "1180591620717411303424", "1.0", "1e2"] {
            guard case .number(let n) = try parse(text) else { Issue.record("\(text)"); continue }
            #expect(n.int64 == nil && n.text == text && n.double == Double(text))
        }
    }

    @Test func duplicateKeysNameTheKeyAndItsOffset() {
        #expect(throws: JSONParseError(.duplicateKey("b"), at: 14)) { try parse(#"{"b":1, "c":2,"b":3}"#) }
        // Past the linear scan: the hashed check.
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(reason("{\(many),\"k7\":0}") == .duplicateKey("k7"))
        #expect(reason("{\(many)}") == nil)
    }

    @Test func errorsCarryTheOffset() {
        #expect(throws: JSONParseError(.unexpectedByte(UInt8(ascii: "]")), at: 3)) { try parse("[1,]") }
        #expect(throws: JSONParseError(.trailingData, at: 4)) { try parse("[1] x") }
        #expect(throws: JSONParseError(.loneSurrogate, at: 1)) { try parse(#""\ud800""#) }
        #expect(throws: JSONParseError(.unexpectedEnd, at: 2)) { try parse("[1") }
    }

    @Test func depthIsBounded() {
        let limit = JSONParser.defaultMaxDepth
        #expect(reason(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) == nil)
        #expect(reason(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)) == .tooDeep)
        #expect(reason(String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)) == .tooDeep)
        // Hostile depth fails fast instead of exhausting the stack.
        #expect(reason(String(repeating: "[", count: 1_000_000)) == .tooDeep)
        #expect(throws: JSONParseError(.tooDeep, at: 2)) { try JSONParser(maxDepth: 2).parse(Array("[[[]]]".utf8)) }
    }

    @Test func sizeIsBounded() throws {
        let parser = JSONParser(maxBytes: 8)
        #expect(throws: JSONParseError(.tooLarge, at: 8)) { try parser.parse(Array("[1,2,3,4,5]".utf8)) }
        #expect(try parser.parse(Array("[1,2,3]".utf8)) == .array([1, 2, 3].map { .number(JSONNumber(text: "\($0)", int64: $0, double: Double($0))) }))
    }

    /// Canonically equivalent keys are the same Swift string, so they are duplicates.
    @Test func canonicallyEquivalentKeysAreDuplicates() {
        #expect(reason("{\"\u{e9}\":1,\"e\u{301}\":2}") == .duplicateKey("e\u{301}"))
    }
}
