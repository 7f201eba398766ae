/// The plain samples of a Prometheus text exposition (counters, gauges), read
/// back from `/metrics` so a benchmark can take the difference of two scrapes.
public struct PrometheusSamples: Sendable, Equatable {
    /// Series (`name{labels}` exactly as exported, or `name`) → value.
    public var values: [String: Double]

    public init(_ text: String) {
        var values: [String: Double] = [:]
        for raw in text.split(separator: "\n") where !raw.hasPrefix("#") {
            guard let space = raw.lastIndex(of: " "), let value = Double(raw[raw.index(after: space)...]) else { continue }
            values[String(raw[..<space])] = value
        }
        self.values = values
    }

    /// Every series of the family `name` (exactly that name, any labels).
    public func family(_ name: String) -> [String: Double] {
        values.filter { key, _ in key == name || key.hasPrefix(name + "{") }
    }

    /// The sum of the family `name` over its labels (0 when absent).
    public func sum(_ name: String) -> Double { family(name).values.reduce(0, +) }
}
