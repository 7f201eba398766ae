import Foundation
import Testing
@testable import RuntimeSupport

@Suite struct RFC3339TimestampTests {
    private func formatted(_ milliseconds: Int64) -> String {
        var buffer: [UInt8] = []
        RFC3339Timestamp.append(unixMilliseconds: milliseconds, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func formatsKnownInstants() {
        #expect(formatted(0) == "1970-01-01T00:00:00.000Z")
        #expect(formatted(fixedLogTime) == "2026-11-29T09:00:00.123Z")
        #expect(formatted(-1) == "1969-12-31T23:59:59.999Z")
        #expect(formatted(951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(formatted(4_107_542_399_999) == "2100-02-28T23:59:59.999Z")
        #expect(formatted(4_107_542_400_000) == "2100-03-01T00:00:00.000Z")
    }

    @Test func matchesFoundationCalendarOnSeededRandomDays() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // 1900-01-01 ... 2399-12-31: Foundation's calendar is Julian before 1582.
        var state: UInt64 = 0x5EED
        for _ in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let days = Int64(state >> 33) % 182_620 - 25_567
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            let expected = calendar.dateComponents([.year, .month, .day], from: date)
            let actual = RFC3339Timestamp.civilDate(daysSinceEpoch: days)
            #expect(Int(actual.year) == expected.year && Int(actual.month) == expected.month
                    && Int(actual.day) == expected.day, "day \(days)")
        }
    }

    @Test func alwaysTwentyFourBytes() {
        for milliseconds: Int64 in [0, 1, 59_999, 86_399_999, -86_400_001, 253_402_300_799_999] {
            #expect(formatted(milliseconds).utf8.count == 24, "\(milliseconds)")
        }
    }
}
