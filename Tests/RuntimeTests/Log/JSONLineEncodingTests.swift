import Foundation
import Testing
@testable import RuntimeSupport

@Suite struct JSONLineEncodingTests {
    private func encoded(_ value: LogValue) -> String {
        var buffer: [UInt8] = []
        JSONLineEncoding.appendValue(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Parses `json` as the single value of an array, the way a log reader would.
    private func decoded(_ json: String) -> Any? {
        let array = try? JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [Any]
        return array?.first
    }

    @Test func escapesQuoteBackslashAndShortFormControls() {
        #expect(encoded("a\"b\\c") == #""a\"b\\c""#)
        #expect(encoded("\n\r\t\u{08}\u{0C}") == #""\n\r\t\b\f""#)
    }

    @Test func escapesEveryOtherControlCharacterAsUnicode() {
        #expect(encoded("\u{00}") == #""\u0000""#)
        #expect(encoded("\u{1B}[0m") == #""\u001b[0m""#)
        #expect(encoded("\u{1F}") == #""\u001f""#)
        // DEL and everything above U+001F are legal as-is.
        #expect(encoded("\u{7F}") == "\"\u{7F}\"")
    }

    @Test func everyControlCharacterRoundTripsThroughAParser() {
        let all = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        let hostile = all + "\"\\/ plain é 日本 🚀 \u{2028}\u{2029} \u{FEFF} a\u{301}"
        #expect(decoded(encoded(.string(hostile))) as? String == hostile)
    }

    @Test func passesUnicodeThroughUnescaped() {
        #expect(encoded("crème 🚀") == "\"crème 🚀\"")
    }

    @Test func encodesIntegersAtTheExtremes() {
        #expect(encoded(0) == "0")
        #expect(encoded(-7) == "-7")
        #expect(encoded(.int(Int.max)) == "9223372036854775807")
        #expect(encoded(.int(Int.min)) == "-9223372036854775808")
    }

    @Test func encodesDoublesAsJSONNumbers() {
        for value in [0.0, 1.5, -0.25, 1e-5, 2.5e20, 123456.789, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            let json = encoded(.double(value))
            #expect((decoded(json) as? NSNumber)?.doubleValue == value, "\(json)")
        }
    }

    @Test func encodesNonFiniteDoublesAsStrings() {
        #expect(encoded(.double(.nan)) == #""NaN""#)
        #expect(encoded(.double(.infinity)) == #""Infinity""#)
        #expect(encoded(.double(-.infinity)) == #""-Infinity""#)
    }

    @Test func encodesBooleans() {
        #expect(encoded(true) == "true")
        #expect(encoded(false) == "false")
    }

    @Test func durationsBecomeFractionalMilliseconds() {
        #expect(LogValue.milliseconds(.milliseconds(1500)) == .double(1500))
        #expect(LogValue.milliseconds(.microseconds(250)) == .double(0.25))
    }
}
