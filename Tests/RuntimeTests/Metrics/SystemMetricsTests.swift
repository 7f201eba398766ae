import Foundation
import Testing
@testable import RuntimeSupport

@Suite("Process and file-system metrics")
struct SystemMetricsTests {
    @Test func processMetricsReadThisProcess() throws {
        let registry = MetricsRegistry()
        _ = ProcessMetrics(registry: registry, prefix: "test_")
        let text = registry.render()
        #if os(Linux)
        let rss = try #require(value(of: "test_process_resident_memory_bytes", in: text))
        #expect(rss > 1_000_000)
        // Other tests open and close descriptors in parallel: only bounds hold.
        let open = try #require(value(of: "test_process_open_fds", in: text))
        let limit = try #require(value(of: "test_process_max_fds", in: text))
        #expect(open >= 3 && open <= limit)  // at least stdin, stdout, stderr
        #endif
        #expect(try #require(value(of: "test_process_max_fds", in: text)) > 0)
        #expect(try #require(value(of: "test_process_start_time_seconds", in: text)) > 1_700_000_000)
    }

    @Test func fileSystemMetricsSizeTheDiskAndTheFiles() throws {
        let directory = try TemporaryDirectory()
        let file = directory.file("data.bin")
        FileManager.default.createFile(atPath: file, contents: Data(repeating: 1, count: 12_345))
        let registry = MetricsRegistry()
        _ = FileSystemMetrics(registry: registry, prefix: "t_", directory: directory.path, files: [
            ("data_bytes", file, "the file"), ("missing_bytes", directory.file("none"), "absent"),
        ])
        let text = registry.render()
        let available = try #require(value(of: "t_filesystem_avail_bytes", in: text))
        let size = try #require(value(of: "t_filesystem_size_bytes", in: text))
        #expect(available > 0 && size >= available)
        #expect(value(of: "t_data_bytes", in: text) == 12_345)
        #expect(value(of: "t_missing_bytes", in: text) == 0)
    }

    private func value(of name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }
}
