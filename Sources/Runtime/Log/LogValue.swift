/// The value of one field of a log line. Only JSON scalars: a line stays one flat
/// object that log tools can index without knowing its shape.
///
/// Literals convert directly, so fields read naturally:
/// `logger.info("request", ["method": "GET", "status": 200, "ms": 1.5, "cached": false])`.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
}

extension LogValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension LogValue: ExpressibleByStringInterpolation {}

extension LogValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension LogValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension LogValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension LogValue {
    /// A duration as fractional milliseconds, the unit latency fields use.
    public static func milliseconds(_ duration: Duration) -> LogValue {
        let (seconds, attoseconds) = duration.components
        return .double(Double(seconds) * 1_000 + Double(attoseconds) / 1e15)
    }
}
