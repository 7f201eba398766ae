/// The usual latency digest of an ``HDRHistogram``: count, min, mean, the
/// 50th/90th/99th/99.9th percentiles and max, in the histogram's unit.
public struct HistogramSummary: Sendable, Equatable {
    public var count: UInt64
    public var min: UInt64
    public var mean: Double
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64

    /// The digest keyed `count`, `min`, `mean`, `p50`, `p90`, `p99`, `p99.9`, `max`.
    public var dictionary: [String: Double] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value.asDouble) })
    }

    /// One compact JSON object with the keys of ``dictionary``, in that order:
    /// `{"count":3,"min":1,"mean":2.5,"p50":2,"p90":4,"p99":4,"p99.9":4,"max":4}`.
    public var json: String {
        var buffer: [UInt8] = [UInt8(ascii: "{")]
        for (offset, field) in fields.enumerated() {
            if offset > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONLineEncoding.appendString(field.key, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            JSONLineEncoding.appendValue(field.value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
        return String(decoding: buffer, as: UTF8.self)
    }

    private var fields: KeyValuePairs<String, LogValue> {
        [
            "count": .int(Int(clamping: count)), "min": .int(Int(clamping: min)), "mean": .double(mean),
            "p50": .int(Int(clamping: p50)), "p90": .int(Int(clamping: p90)), "p99": .int(Int(clamping: p99)),
            "p99.9": .int(Int(clamping: p999)), "max": .int(Int(clamping: max)),
        ]
    }
}

extension LogValue {
    fileprivate var asDouble: Double {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .bool(let value): value ? 1 : 0
        case .string: .nan
        }
    }
}

extension HDRHistogram {
    /// The digest of the values recorded so far.
    public var summary: HistogramSummary {
        let percentiles = valuesAtPercentiles([50, 90, 99, 99.9])
        return HistogramSummary(
            count: count, min: min, mean: mean,
            p50: percentiles[0], p90: percentiles[1], p99: percentiles[2], p999: percentiles[3],
            max: max)
    }
}
