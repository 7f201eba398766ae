import Foundation
import Testing
@testable import App

@Suite("Configuration file and durations")
struct ConfigurationFileTests {
    @Test(arguments: [("90", 90), ("90s", 90), ("15m", 900), ("1h", 3600), ("2d", 172_800), ("0", 0)])
    func durations(text: String, seconds: Int) {
        #expect(ConfigurationFile.durationSeconds(text) == seconds)
    }

    @Test(arguments: ["", "h", "1x", "-1h", "1.5h", "1 h", "٣h", "99999999999999999999d"])
    func badDurations(text: String) {
        #expect(ConfigurationFile.durationSeconds(text) == nil)
    }

    @Test func parsesCommentsQuotesAndSpaces() throws {
        let values = try ConfigurationFile.parse("""
            # yaguts
            YAGUTS_PORT = 9000

              YAGUTS_DATA="/var/lib/yaguts"
            YAGUTS_BACKUP_DIR='/var/backups/yaguts'
            YAGUTS_LOG_LEVEL=warning
            """, source: "f")
        #expect(values == ["YAGUTS_PORT": "9000", "YAGUTS_DATA": "/var/lib/yaguts",
                           "YAGUTS_BACKUP_DIR": "/var/backups/yaguts", "YAGUTS_LOG_LEVEL": "warning"])
    }

    @Test func refusesUnknownKeysAndLinesWithoutEquals() {
        #expect(throws: Configuration.UsageError.self) { try ConfigurationFile.parse("YAGUTS_PROT=1", source: "f") }
        #expect(throws: Configuration.UsageError.self) { try ConfigurationFile.parse("PATH=/bin", source: "f") }
        #expect(throws: Configuration.UsageError.self) { try ConfigurationFile.parse("YAGUTS_PORT", source: "f") }
    }

    @Test func everyDocumentedVariableIsAKnownKey() {
        #expect(ConfigurationFile.knownKeys.isSuperset(of: ["YAGUTS_HOST", "YAGUTS_PORT", "YAGUTS_DATA", "YAGUTS_SIMULATOR",
                                                             "YAGUTS_BACKUP_DIR", "YAGUTS_BACKUP_EVERY", "YAGUTS_BACKUP_KEEP",
                                                             "YAGUTS_MAX_CONNECTIONS"]))
        #expect(!ConfigurationFile.knownKeys.contains("YAGUTS_CONFIG"))
    }

    @Test func flagsWinOverEnvironmentWhichWinsOverTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("yaguts-\(UUID()).conf").path
        try "YAGUTS_PORT=7000\nYAGUTS_DATA=/from/file\nYAGUTS_BACKUP_KEEP=5\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try Configuration.parse(arguments: ["--config", path, "--port", "7100"],
                                             environment: ["YAGUTS_DATA": "/from/env"])
        #expect(config.port == 7100 && config.dataDirectory == "/from/env" && config.backupKeep == 5)
        let viaEnvironment = try Configuration.parse(arguments: [], environment: ["YAGUTS_CONFIG": path])
        #expect(viaEnvironment.port == 7000 && viaEnvironment.configFile == path)
        #expect(throws: Configuration.UsageError.self) {
            try Configuration.parse(arguments: ["--config", path + ".missing"], environment: [:])
        }
    }
}
