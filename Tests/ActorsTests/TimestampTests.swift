import Foundation
import Testing
@testable import Actors

@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [(0.0, "1970-01-01T00:00:00.000Z"), (951_782_400.5, "2000-02-29T00:00:00.500Z"),
                      (1_795_943_575.123, "2026-11-29T09:12:55.123Z"), (4_102_444_799.999, "2099-12-31T23:59:59.999Z")])
    func formatsRFC3339UTC(seconds: Double, expected: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func nowIsParseableAndSortable() throws {
        let first = Timestamp.now()
        let second = Timestamp.now()
        #expect(first <= second)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: first) != nil)
    }
}
