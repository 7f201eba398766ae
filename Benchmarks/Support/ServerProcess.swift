import Foundation
import Glibc

/// A `yaguts serve` child process on 127.0.0.1 with `--port 0` and a fresh
/// temporary data directory, for benchmarks that own their server.
///
/// The binary is `$YAGUTS_BIN` or `.build/release/yaguts`. Logs (stderr) go
/// to `server.log` in the data directory; the level is `$YAGUTS_BENCH_LOG_LEVEL`
/// or `warning`, so per-request log lines do not dominate the figures.
public final class ServerProcess: @unchecked Sendable {
    public let endpoint: ServerEndpoint
    public let dataDirectory: String
    private let process: Process

    public var pid: Int32 { process.processIdentifier }

    public static var binaryPath: String {
        ProcessInfo.processInfo.environment["YAGUTS_BIN"] ?? ".build/release/yaguts"
    }

    /// Starts the server and waits (up to 30 s) for its `listening on` line.
    public static func start(arguments: [String] = []) throws -> ServerProcess {
        let binary = binaryPath
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no server binary at \(binary): run `swift build -c release` or set YAGUTS_BIN")
        }
        let data = NSTemporaryDirectory() + "yaguts-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let level = ProcessInfo.processInfo.environment["YAGUTS_BENCH_LOG_LEVEL"] ?? "warning"
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", data, "--log-level", level] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        _ = FileManager.default.createFile(atPath: data + "/server.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: data + "/server.log")
        try process.run()

        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(30)
        let fd = stdout.fileHandleForReading.fileDescriptor
        while Date() < deadline {
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count <= 0 { break }
            if byte == 10 { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else {
            process.terminate()
            throw BenchError("server did not start (first line: '\(text)'); see \(data)/server.log")
        }
        return ServerProcess(endpoint: try ServerEndpoint(url: String(text.dropFirst("listening on ".count))),
                             dataDirectory: data, process: process)
    }

    private init(endpoint: ServerEndpoint, dataDirectory: String, process: Process) {
        self.endpoint = endpoint
        self.dataDirectory = dataDirectory
        self.process = process
    }

    /// The server's resident memory in KiB (`VmRSS` of /proc/PID/status).
    public var residentKiB: Int { ProcStatus.residentKiB(pid: pid) }

    /// SIGTERM, wait for the graceful exit, remove the data directory.
    /// Returns the exit status (0 is a clean shutdown).
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: dataDirectory)
        return process.terminationStatus
    }
}

/// Reads of /proc and resource limits.
public enum ProcStatus {
    /// `VmRSS` of `pid` (or this process) in KiB; 0 when unreadable.
    public static func residentKiB(pid: Int32? = nil) -> Int {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Raises this process's open-file limit toward `wanted` (hard limit too
    /// when privileged); children inherit it. Returns the soft limit in force.
    @discardableResult
    public static func raiseFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if Int(limit.rlim_max) < wanted {
            var raised = limit
            raised.rlim_max = rlim_t(wanted)
            raised.rlim_cur = rlim_t(wanted)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return wanted }
        }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}
