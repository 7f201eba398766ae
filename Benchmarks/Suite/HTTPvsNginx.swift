import BenchmarkSupport
import Foundation

/// `http-vs-nginx`: keep-alive GET requests/s for the same static file (the
/// web UI's index.html) from yaguts and from nginx, both on 127.0.0.1, both
/// measured by wrk in the same run, at 1, 64 and 1024 connections.
///
/// Fairness: nginx runs 2 worker processes (yaguts: one loop per core), with
/// its access log off; yaguts runs at log level warning (no line per request).
/// wrk shares the machine's cores with the server under test.
enum HTTPvsNginx {
    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let connections = options.ints("connections", smoke ? [1, 16] : [1, 64, 1024])
        let seconds = options.int("seconds", smoke ? 1 : 5)
        var report = BenchReport(name: "http-vs-nginx", columns: [
            "connections", "yaguts_req/s", "nginx_req/s", "ratio", "yaguts_p99", "nginx_p99",
        ])
        guard let wrk = which("wrk"), let nginx = which("nginx") ?? ["/usr/sbin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            report.failures.append("wrk and nginx are needed: apt-get install -y wrk nginx-light")
            return report.finish()
        }
        ProcStatus.raiseFileLimit(to: 65_536)
        let root = NSTemporaryDirectory() + "yaguts-nginx-\(getpid())"
        try FileManager.default.createDirectory(atPath: root + "/www", withIntermediateDirectories: true)
        let index = try Data(contentsOf: URL(fileURLWithPath: "Sources/App/Public/index.html"))
        try index.write(to: URL(fileURLWithPath: root + "/www/index.html"))
        let nginxPort = Int.random(in: 20_000...30_000)
        let config = """
        worker_processes 2;
        pid \(root)/nginx.pid;
        error_log \(root)/error.log warn;
        daemon off;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path \(root); proxy_temp_path \(root); fastcgi_temp_path \(root);
            uwsgi_temp_path \(root); scgi_temp_path \(root);
            keepalive_requests 1000000;
            server {
                listen 127.0.0.1:\(nginxPort);
                root \(root)/www;
                location / { etag on; }
            }
        }
        """
        try config.write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginxProcess = Process()
        nginxProcess.executableURL = URL(fileURLWithPath: nginx)
        nginxProcess.arguments = ["-c", root + "/nginx.conf", "-p", root]
        nginxProcess.standardError = FileHandle.nullDevice
        try nginxProcess.run()
        let server = try ServerProcess.start()
        try await Task.sleep(for: .milliseconds(500))
        defer {
            nginxProcess.terminate()
            nginxProcess.waitUntilExit()
            try? FileManager.default.removeItem(atPath: root)
        }
        for count in connections {
            let threads = min(2, count)
            let mine = try runWrk(wrk, url: "\(server.endpoint)/", connections: count, threads: threads, seconds: seconds)
            let theirs = try runWrk(wrk, url: "http://127.0.0.1:\(nginxPort)/", connections: count, threads: threads, seconds: seconds)
            report.check(mine.errors == 0, "yaguts at \(count) connections: \(mine.errors) wrk errors / non-2xx")
            report.check(theirs.errors == 0, "nginx at \(count) connections: \(theirs.errors) wrk errors / non-2xx")
            report.check(mine.requestsPerSecond > 0 && theirs.requestsPerSecond > 0, "wrk reported no requests")
            report.add([
                "connections": count, "yaguts_req/s": mine.requestsPerSecond, "nginx_req/s": theirs.requestsPerSecond,
                "ratio": mine.requestsPerSecond / max(theirs.requestsPerSecond, 1),
                "yaguts_p99": mine.p99, "nginx_p99": theirs.p99,
            ])
        }
        let status = server.stop()
        report.check(status == 0, "yaguts exited with status \(status)")
        report.notes.append("body: \(index.count) bytes; wrk -t\(min(2, connections.max() ?? 1)) -d\(seconds)s --latency; same machine")
        return report.finish()
    }

    struct WrkResult { var requestsPerSecond: Double; var p99: String; var errors: Int }

    static func runWrk(_ wrk: String, url: String, connections: Int, threads: Int, seconds: Int) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var result = WrkResult(requestsPerSecond: 0, p99: "-", errors: 0)
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let value = fields.last.flatMap({ Double($0) }) { result.requestsPerSecond = value }
            if fields.first == "99%", fields.count >= 2 { result.p99 = String(fields[1]) }
            if line.contains("Non-2xx or 3xx responses:"), let value = fields.last.flatMap({ Int($0) }) { result.errors += value }
            if line.contains("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                result.errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
            }
        }
        return result
    }

    static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/sbin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
