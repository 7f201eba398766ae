import Foundation
import Testing
@testable import RuntimeSupport

@Suite struct LoggerTests {
    private func makeLogger(_ sink: CapturingLogSink, level: LogLevel = .trace) -> (Logger, LogWriter) {
        let writer = LogWriter(sink: sink, clock: { fixedLogTime })
        return (Logger(writer: writer, minimumLevel: level), writer)
    }

    @Test func writesTheDocumentedLineLayout() {
        let sink = CapturingLogSink()
        let (logger, writer) = makeLogger(sink)
        defer { writer.shutdown() }
        logger.info("request", ["method": "GET", "status": 200, "ms": 1.25, "cached": false])
        logger.flush()
        #expect(sink.text == #"""
            {"time":"2026-11-29T09:00:00.123Z","level":"info","event":"request","method":"GET","status":200,"ms":1.25,"cached":false}

            """#)
    }

    @Test func everyLineIsAJSONObjectEvenWithHostileText() {
        let sink = CapturingLogSink()
        let (logger, writer) = makeLogger(sink)
        defer { writer.shutdown() }
        let hostile = "line\nbreak \"quoted\" back\\slash \u{0}\u{1F} tab\t é 🚀"
        logger.warning(hostile, [hostile: .string(hostile), "n": .double(.nan)])
        logger.with(["k\"\n": "v\r"]).error("e")
        logger.flush()
        let objects = sink.objects
        #expect(objects.count == 2)
        #expect(objects.first?["event"] as? String == hostile)
        #expect(objects.first?[hostile] as? String == hostile)
        #expect(objects.first?["n"] as? String == "NaN")
        #expect(objects.last?["k\"\n"] as? String == "v\r")
        #expect(objects.last?["level"] as? String == "error")
    }

    @Test func skipsLinesBelowTheMinimumLevel() {
        let sink = CapturingLogSink()
        let (logger, writer) = makeLogger(sink, level: .warning)
        defer { writer.shutdown() }
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        logger.error("e")
        logger.log(.info, "i2")
        logger.flush()
        #expect(sink.objects.map { $0["event"] as? String } == ["w", "e"])
        #expect(sink.objects.map { $0["level"] as? String } == ["warning", "error"])
        #expect(!logger.isEnabled(.info) && logger.isEnabled(.warning))
    }

    @Test func contextFieldsPrecedeCallFieldsAndDoNotLeakToTheParent() {
        let sink = CapturingLogSink()
        let (root, writer) = makeLogger(sink)
        defer { writer.shutdown() }
        let request = root.with(["request_id": "r-1"]).with("user", 42)
        request.info("done", ["status": 204])
        root.info("bare")
        root.flush()
        let lines = sink.lines
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(#""event":"done","request_id":"r-1","user":42,"status":204}"#) == true)
        #expect(lines.last?.hasSuffix(#""event":"bare"}"#) == true)
    }

    @Test func linesFromManyThreadsArriveWholeAndComplete() async {
        let sink = CapturingLogSink()
        let (logger, writer) = makeLogger(sink)
        defer { writer.shutdown() }
        let tasks = 8, perTask = 200
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    let local = logger.with("task", .int(task))
                    for index in 0..<perTask { local.info("tick", ["i": .int(index)]) }
                }
            }
        }
        await Task.detached { logger.flush() }.value
        let objects = sink.objects
        #expect(objects.count == tasks * perTask)
        #expect(writer.droppedLines == 0)
        var seen = Set<Int>()
        for object in objects {
            if let task = object["task"] as? Int, let index = object["i"] as? Int {
                seen.insert(task * perTask + index)
            }
        }
        #expect(seen.count == tasks * perTask)
    }
}
