import Foundation

/// The optional configuration file: `KEY=VALUE` lines using the same
/// `YAGUTS_*` names as the environment, so one file serves both `--config`
/// and systemd's `EnvironmentFile=`. Blank lines and `#` comments are
/// ignored; a value may be wrapped in single or double quotes. An unknown key
/// is an error, so a misspelt setting is caught by `check-config` instead of
/// silently ignored.
enum ConfigurationFile {
    /// `--config FILE` from the arguments, else `YAGUTS_CONFIG`, else none.
    static func path(arguments: [String], environment: [String: String]) -> String? {
        if let index = arguments.firstIndex(of: "--config"), index + 1 < arguments.count {
            return arguments[index + 1]
        }
        return environment["YAGUTS_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func read(_ path: String) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Configuration.UsageError(description: "cannot read configuration file \(path)")
        }
        return try parse(text, source: path)
    }

    static func parse(_ text: String, source: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ why: String) -> Configuration.UsageError {
                Configuration.UsageError(description: "\(source):\(number + 1): \(why)")
            }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected KEY=VALUE") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard knownKeys.contains(key) else { throw fail("unknown setting '\(key)'") }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    /// Every `[YAGUTS_…]` the help text documents: a setting exists exactly when it is documented.
    static let knownKeys: Set<String> = {
        var keys: Set<String> = []
        var rest = Substring(Configuration.help)
        while let open = rest.range(of: "[YAGUTS_") {
            rest = rest[open.upperBound...]
            let name = rest.prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            keys.insert("YAGUTS_" + name)
        }
        keys.remove("YAGUTS_CONFIG")
        return keys
    }()

    /// Seconds from `90`, `90s`, `15m`, `1h` or `2d`; nil when malformed.
    static func durationSeconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let last = text.last else { return nil }
        let (digits, unit) = last.isNumber ? (Substring(text), 1) : (text.dropLast(), units[last] ?? 0)
        guard unit > 0, !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : product
    }
}
