import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("ByteRange (RFC 9110 §14)")
struct ByteRangeTests {
    func select(_ range: String?, ifRange: String? = nil, size: Int = 1000) -> ByteRange.Selection {
        ByteRange.select(range: range, ifRange: ifRange, etag: "\"abc\"", size: size)
    }

    @Test func oneRangeOfEachForm() {
        #expect(select("bytes=0-499") == .partial(0..<500))
        #expect(select("bytes=500-") == .partial(500..<1000))
        #expect(select("bytes=-200") == .partial(800..<1000))
        #expect(select("bytes=999-999") == .partial(999..<1000))
        #expect(select("Bytes=1-2") == .partial(1..<3))
        #expect(select("bytes= 1-2 ") == .partial(1..<3))
    }

    @Test func positionsPastTheEndAreClampedOrUnsatisfiable() {
        #expect(select("bytes=900-5000") == .partial(900..<1000))
        #expect(select("bytes=-5000") == .partial(0..<1000))
        #expect(select("bytes=1000-") == .unsatisfiable)
        #expect(select("bytes=-0") == .unsatisfiable)
        #expect(select("bytes=0-", size: 0) == .unsatisfiable)
        #expect(select("bytes=99999999999999999999999999-") == .unsatisfiable)
        #expect(select("bytes=0-99999999999999999999999999") == .partial(0..<1000))
    }

    @Test func invalidOrUnknownRangesAreIgnored() {
        for value in ["bytes=", "bytes=a-b", "bytes=5-1", "bytes 0-1", "items=0-1", "bytes = 0-1", "bytes=--1",
                      "bytes=1", "bytes=+1-2", "bytes=,", ""] {
            #expect(select(value) == .whole, "\(value)")
        }
        #expect(select(nil) == .whole)
    }

    @Test func severalRangesGetTheWholeRepresentation() {
        #expect(select("bytes=0-1,5-9") == .whole)
        #expect(select("bytes=0-1,2000-") == .partial(0..<2), "an unsatisfiable range drops out")
        #expect(select("bytes=1500-,2000-") == .unsatisfiable)
    }

    @Test func ifRangeMustMatchTheStrongTag() {
        #expect(select("bytes=10-", ifRange: "\"abc\"") == .partial(10..<1000))
        #expect(select("bytes=10-", ifRange: "\"other\"") == .whole)
        #expect(select("bytes=10-", ifRange: "W/\"abc\"") == .whole)
        #expect(select("bytes=10-", ifRange: "Sat, 29 Nov 2026 10:00:00 GMT") == .whole)
    }

    @Test func responses() {
        let partial = ByteRange.response(.partial(10..<20), size: 1000, body: Array(repeating: 1, count: 10),
                                         contentType: "application/octet-stream", etag: "\"abc\"")
        #expect(partial.status == .partialContent)
        #expect(partial.headers["Content-Range"] == "bytes 10-19/1000")
        #expect(partial.headers["Accept-Ranges"] == "bytes")
        #expect(partial.headers["ETag"] == "\"abc\"")
        let whole = ByteRange.response(.whole, size: 3, body: [1, 2, 3], contentType: "text/plain", etag: nil)
        #expect(whole.status == .ok && whole.headers["Content-Range"] == nil && whole.headers["ETag"] == nil)
        let refused = ByteRange.response(.unsatisfiable, size: 1000, body: [], contentType: "text/plain", etag: "\"abc\"")
        #expect(refused.status == .rangeNotSatisfiable)
        #expect(refused.headers["Content-Range"] == "bytes */1000")
        #expect(refused.headers["Content-Type"] == "application/json")
    }
}
