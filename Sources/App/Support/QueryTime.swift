import Actors
import Foundation

/// A time given in a query string (`?created_from=2026-11-29T03:00:00Z`):
/// RFC 3339 with an offset or `Z`, fractions optional, turned into the
/// server's own format (UTC, milliseconds) so it compares as text with stored times.
enum QueryTime {
    static func parse(_ text: String) -> String? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let date = withFraction.date(from: text) ?? plain.date(from: text) else { return nil }
        return Timestamp.format(date)
    }
}
