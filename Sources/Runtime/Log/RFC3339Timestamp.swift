#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats wall-clock instants as RFC 3339 UTC with milliseconds,
/// `2026-11-29T09:00:00.123Z`, without Foundation's date formatters (which
/// allocate and lock) so the caller's thread pays only for arithmetic.
enum RFC3339Timestamp {
    /// Milliseconds since the Unix epoch, from the system's real-time clock.
    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Appends the 24-byte timestamp for `unixMilliseconds`. Years outside
    /// 0000–9999 are clamped into the four-digit field RFC 3339 allows.
    static func append(unixMilliseconds: Int64, to buffer: inout [UInt8]) {
        let (days, millisecondOfDay) = floorDivide(unixMilliseconds, 86_400_000)
        var (year, month, day) = civilDate(daysSinceEpoch: days)
        year = min(max(year, 0), 9999)
        let secondOfDay = millisecondOfDay / 1_000
        appendDigits(year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3_600, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(millisecondOfDay % 1_000, width: 3, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
    }

    /// Quotient rounded toward negative infinity and the matching non-negative remainder.
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
    ///
    /// Works in 400-year eras that start on 1 March, so the leap day falls at
    /// the end of each shifted year and month lengths follow a fixed pattern.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let daysPerEra: Int64 = 146_097
        let shifted = daysSinceEpoch + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = (shifted >= 0 ? shifted : shifted - (daysPerEra - 1)) / daysPerEra
        let dayOfEra = shifted - era * daysPerEra
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 = March ... 11 = February
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func appendDigits(_ value: Int64, width: Int, to buffer: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }
}
