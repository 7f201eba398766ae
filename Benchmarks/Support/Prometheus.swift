/// A Prometheus text-format histogram, read back from `/metrics`.
public struct PrometheusHistogram: Sendable {
    public var name: String
    /// The labels other than `le`, e.g. `stage="fsync"`.
    public var labels: String
    /// Upper bound → cumulative count, ascending.
    public var buckets: [(le: Double, count: Double)] = []
    public var sum = 0.0
    public var count = 0.0

    /// The quantile `q` (0…1) by linear interpolation inside its bucket, as
    /// Prometheus's `histogram_quantile` does.
    public func quantile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let rank = q * count
        var lower = 0.0
        var below = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                if bucket.le.isInfinite { return lower }
                let inBucket = bucket.count - below
                return inBucket == 0 ? bucket.le : lower + (bucket.le - lower) * (rank - below) / inBucket
            }
            lower = bucket.le
            below = bucket.count
        }
        return lower
    }

    /// Every histogram whose family name starts with `prefix` in `text`.
    public static func parse(_ text: String, prefix: String) -> [PrometheusHistogram] {
        var found: [String: PrometheusHistogram] = [:]
        var order: [String] = []
        for raw in text.split(separator: "\n") where raw.hasPrefix(prefix) {
            let line = String(raw)
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]
                .replacingOccurrences(of: "+Inf", with: "inf")) else { continue }
            let series = String(line[..<space])
            let name = String(series.prefix { $0 != "{" })
            var labels = series.contains("{") ? String(series.drop { $0 != "{" }.dropFirst().dropLast()) : ""
            var le: Double?
            let parts = labels.split(separator: ",").filter { part in
                if part.hasPrefix("le=") {
                    let text = part.dropFirst(3).trimmingCharacters(in: ["\""])
                    le = text == "+Inf" ? .infinity : Double(text)
                    return false
                }
                return true
            }
            labels = parts.joined(separator: ",")
            let base: String
            if name.hasSuffix("_bucket") { base = String(name.dropLast(7)) }
            else if name.hasSuffix("_sum") { base = String(name.dropLast(4)) }
            else if name.hasSuffix("_count") { base = String(name.dropLast(6)) }
            else { continue }
            let key = base + "{" + labels + "}"
            if found[key] == nil { found[key] = PrometheusHistogram(name: base, labels: labels); order.append(key) }
            if name.hasSuffix("_bucket"), let le { found[key]!.buckets.append((le, value)) }
            else if name.hasSuffix("_sum") { found[key]!.sum = value }
            else { found[key]!.count = value }
        }
        return order.compactMap { key in
            guard var histogram = found[key] else { return nil }
            histogram.buckets.sort { $0.le < $1.le }
            return histogram
        }
    }
}
