public import Foundation

/// Server times as RFC 3339 UTC strings with milliseconds, e.g.
/// `2026-11-29T09:12:55.123Z`. Sortable as text, which the schema relies on.
/// Formatted by hand: it runs several times per report on the writer thread.
public enum Timestamp {
    public static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    public static func format(_ date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        return format(seconds: seconds, milliseconds: millis - seconds * 1000)
    }

    static func format(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ digits: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 4, at: 0); bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, 2, at: 5); bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), 2, at: 8); bytes[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), 2, at: 11); bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), 2, at: 14); bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), 2, at: 17); bytes[19] = UInt8(ascii: ".")
        put(milliseconds, 3, at: 20); bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }
}
