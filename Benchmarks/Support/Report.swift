import Foundation
public import Runtime

/// A benchmark's result: a table on stdout and the same rows as JSON in
/// `.build/bench-results/<name>.json`, plus a pass/fail verdict for checks
/// (every watcher heard its message, stock exact) that the smoke script reads.
public struct BenchReport {
    public let name: String
    public var columns: [String]
    public var rows: [[String: Any]] = []
    public var notes: [String] = []
    public var failures: [String] = []

    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }

    public mutating func add(_ row: [String: Any]) { rows.append(row) }

    public mutating func check(_ condition: Bool, _ failure: @autoclosure () -> String) {
        if !condition { failures.append(failure()) }
    }

    /// Prints the table and writes the JSON; returns true when no check failed.
    @discardableResult
    public func finish() -> Bool {
        let cells = rows.map { row in columns.map { Self.format(row[$0]) } }
        let widths = columns.indices.map { index in max(columns[index].count, cells.map { $0[index].count }.max() ?? 0) }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print("\n== \(name) ==")
        print(line(columns))
        print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in cells { print(line(row)) }
        for note in notes { print("note: \(note)") }
        for failure in failures { print("FAIL: \(failure)") }
        print(failures.isEmpty ? "RESULT \(name): ok" : "RESULT \(name): FAILED (\(failures.count))")

        let directory = ".build/bench-results"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let object: [String: Any] = [
            "benchmark": name, "ok": failures.isEmpty, "failures": failures, "notes": notes,
            "rows": rows.map { $0.mapValues(Self.jsonValue) },
            "timestamp": ISO8601DateFormatter().string(from: Date()),
            "cores": ProcessInfo.processInfo.activeProcessorCount,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            _ = FileManager.default.createFile(atPath: "\(directory)/\(name).json", contents: data)
        }
        return failures.isEmpty
    }

    private static func format(_ value: Any?) -> String {
        switch value {
        case nil: "-"
        case let value as Double: value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.2f", value)
        case let value as Float: format(Double(value))
        default: "\(value!)"
        }
    }

    private static func jsonValue(_ value: Any) -> Any {
        if let value = value as? Double, !value.isFinite { return NSNull() }
        if let value = value as? UInt64 { return Int(clamping: value) }
        return value
    }
}

extension HDRHistogram {
    /// A latency histogram in nanoseconds, 1 ns … 1 minute, 3 significant figures.
    public static func latency() -> HDRHistogram {
        HDRHistogram(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, significantFigures: 3)
    }

    /// p50…max in microseconds, for a table row.
    public var microsecondColumns: [String: Any] {
        let summary = self.summary
        func us(_ ns: UInt64) -> Double { Double(ns) / 1000 }
        return ["count": Int(summary.count), "p50_us": us(summary.p50), "p90_us": us(summary.p90),
                "p99_us": us(summary.p99), "p99.9_us": us(summary.p999), "max_us": us(summary.max),
                "mean_us": summary.mean / 1000]
    }
}

/// Command-line options: `--name value` pairs and bare `--flag`s.
public struct Options: Sendable {
    private var values: [String: String] = [:]

    public init(_ arguments: some Sequence<String>) {
        var iterator = arguments.makeIterator()
        var pending: String?
        while let argument = iterator.next() {
            if argument.hasPrefix("--") {
                if let pending { values[pending] = "true" }
                pending = String(argument.dropFirst(2))
            } else if let name = pending {
                values[name] = argument
                pending = nil
            }
        }
        if let pending { values[pending] = "true" }
    }

    public func string(_ name: String, _ fallback: String) -> String { values[name] ?? fallback }
    public func int(_ name: String, _ fallback: Int) -> Int { values[name].flatMap { Int($0.replacingOccurrences(of: "_", with: "")) } ?? fallback }
    public func double(_ name: String, _ fallback: Double) -> Double { values[name].flatMap(Double.init) ?? fallback }
    public func flag(_ name: String) -> Bool { values[name] == "true" }
    /// A comma-separated list of integers, e.g. `--rates 100,1000`.
    public func ints(_ name: String, _ fallback: [Int]) -> [Int] {
        values[name].map { $0.split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) } } ?? fallback
    }
    public func has(_ name: String) -> Bool { values[name] != nil }
}

/// Source addresses for client sockets: 127.0.0.1, .2, … so one machine can
/// open more connections to one server port than the ~28k ephemeral ports of
/// a single source address allow. Connection `n` uses address `n / perAddress`.
public enum SourceAddresses {
    public static let perAddress = 20_000

    public static func forConnection(_ index: Int) -> String {
        let host = 1 + index / perAddress
        return "127.0.0.\(host)"
    }
}
