import Foundation
import Testing
@testable import RuntimeSupport

@Suite struct LogWriterTests {
    @Test func dropsLinesWhenFullAndReportsTheCountLater() {
        let sink = CapturingLogSink(gated: true)
        let lineLength = formattedLength(event: "e0")
        // Room for exactly two waiting lines while the sink is stuck on the first.
        let writer = LogWriter(sink: sink, capacityBytes: 2 * lineLength, clock: { fixedLogTime })
        defer { writer.shutdown() }
        let logger = Logger(writer: writer)

        logger.info("e0")
        sink.entered.wait()  // the writer holds "e0" inside the sink; the buffer is empty again
        logger.info("e1")
        logger.info("e2")
        logger.info("e3")
        logger.info("e4")
        #expect(writer.droppedLines == 2)

        sink.release.signal()  // first batch: e0
        sink.release.signal()  // second batch: e1, e2 and the drop note
        writer.flush()

        let objects = sink.objects
        #expect(objects.map { $0["event"] as? String } == ["e0", "e1", "e2", "log_dropped"])
        #expect(objects.last?["dropped"] as? Int == 2)
        #expect(objects.last?["level"] as? String == "warning")
        #expect(writer.droppedLines == 2)
    }

    @Test func enqueueReportsWhetherTheLineWasAccepted() {
        let sink = CapturingLogSink(gated: true)
        let writer = LogWriter(sink: sink, capacityBytes: 4, clock: { fixedLogTime })
        #expect(writer.enqueue(Array("ab\n".utf8)))
        sink.entered.wait()
        #expect(writer.enqueue(Array("c\n".utf8)))
        #expect(!writer.enqueue(Array("de\n".utf8)))  // 2 + 3 bytes exceed 4
        #expect(writer.enqueue(Array("f\n".utf8)))    // exactly 4 fits
        #expect(!writer.enqueue(Array("toolong\n".utf8)))
        sink.release.signal()
        sink.release.signal()
        writer.shutdown()
        #expect(sink.lines.prefix(3) == ["ab", "c", "f"])
        #expect(sink.lines.count == 4)
        #expect(sink.text.contains(#""dropped":2"#))
    }

    @Test func flushWaitsForALineStillInsideTheSink() {
        let sink = CapturingLogSink(gated: true)
        let writer = LogWriter(sink: sink, clock: { fixedLogTime })
        defer { writer.shutdown() }
        writer.enqueue(Array("one\n".utf8))
        sink.entered.wait()
        #expect(sink.text.isEmpty)
        let flushed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            writer.flush()
            flushed.signal()
        }
        sink.release.signal()
        flushed.wait()
        // flush returned only after the sink finished the in-flight write.
        #expect(sink.text == "one\n")
    }

    @Test func flushWithNothingQueuedReturns() {
        let writer = LogWriter(sink: CapturingLogSink())
        writer.flush()
        writer.flush()
        writer.shutdown()
    }

    @Test func shutdownWritesWhatIsPendingThenDiscards() {
        let sink = CapturingLogSink()
        let writer = LogWriter(sink: sink)
        writer.enqueue(Array("last\n".utf8))
        writer.shutdown()
        writer.shutdown()
        #expect(!writer.enqueue(Array("late\n".utf8)))
        writer.flush()  // must not hang after shutdown
        #expect(sink.text == "last\n")
    }

    private func formattedLength(event: String) -> Int {
        var line: [UInt8] = []
        LogLineFormat.appendLine(
            to: &line, unixMilliseconds: fixedLogTime, level: .info, event: event, context: [], fields: [:])
        return line.count
    }
}
