import Dispatch
import Foundation
import Synchronization
import Testing
@testable import RuntimeSupport

/// A sink that keeps every byte it is given. With `gated`, each write first
/// signals `entered` and then waits for one `release` signal, so a test can
/// hold the writer thread inside the sink for as long as it likes.
final class CapturingLogSink: LogSink {
    private let captured = Mutex<[UInt8]>([])
    let gated: Bool
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    init(gated: Bool = false) {
        self.gated = gated
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        if gated {
            entered.signal()
            release.wait()
        }
        captured.withLock { $0.append(contentsOf: bytes) }
    }

    var text: String {
        String(decoding: captured.withLock { $0 }, as: UTF8.self)
    }

    /// The captured lines, without their terminating newlines.
    var lines: [String] {
        let text = self.text
        #expect(text.isEmpty || text.hasSuffix("\n"), "output must end with a complete line")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Each line parsed as a JSON object; records an issue for any line that is not one.
    var objects: [[String: Any]] {
        lines.compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object
        }
    }
}

/// 2026-11-29T09:00:00.123Z in Unix milliseconds.
let fixedLogTime: Int64 = 1_795_942_800_123
