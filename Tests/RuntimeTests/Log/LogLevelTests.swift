import Testing
@testable import RuntimeSupport

@Suite struct LogLevelTests {
    @Test func parsesConfigurationNames() {
        #expect(LogLevel(parsing: "trace") == .trace)
        #expect(LogLevel(parsing: "DEBUG") == .debug)
        #expect(LogLevel(parsing: " info\n") == .info)
        #expect(LogLevel(parsing: "warn") == .warning)
        #expect(LogLevel(parsing: "Warning") == .warning)
        #expect(LogLevel(parsing: "error") == .error)
    }

    @Test func rejectsUnknownNames() {
        for text in ["", " ", "inf", "infos", "fatal", "errors", "2"] {
            #expect(LogLevel(parsing: text) == nil, "\(text)")
        }
    }

    @Test func levelsAreOrderedBySeverity() {
        #expect(LogLevel.allCases == LogLevel.allCases.sorted())
        #expect(LogLevel.trace < .debug && .debug < .info && .info < LogLevel.warning && LogLevel.warning < .error)
    }

    @Test func namesRoundTrip() {
        for level in LogLevel.allCases {
            #expect(LogLevel(parsing: level.description) == level)
        }
    }
}
