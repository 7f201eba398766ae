/// How important a log line is. Levels are ordered: a logger whose minimum is
/// ``info`` writes `info`, `warning` and `error` lines and skips the rest.
public enum LogLevel: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case trace = 0
    case debug = 1
    case info = 2
    case warning = 3
    case error = 4

    /// Parses a level name as written in configuration: `trace`, `debug`,
    /// `info`, `warning` (or `warn`), `error`; case and surrounding blanks are ignored.
    public init?(parsing text: String) {
        switch text.trimmingBlanks().lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }

    /// The name written in the `level` field of each line.
    public var description: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

extension String {
    /// Drops leading and trailing spaces, tabs and line breaks, without Foundation.
    fileprivate func trimmingBlanks() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
