import Testing
@testable import App

@Suite("Command line and environment")
struct ConfigurationTests {
    @Test func defaultsAreProduction() throws {
        let config = try Configuration.parse(arguments: [], environment: [:])
        #expect(config.command == .serve)
        #expect(config.host == "127.0.0.1" && config.port == 8080 && config.dataDirectory == "./data")
        #expect(!config.simulator && !config.testEndpoints)
    }

    @Test func flagsWinOverEnvironment() throws {
        let config = try Configuration.parse(
            arguments: ["serve", "--port", "0", "--host", "::1", "--simulator"],
            environment: ["YAGUTS_PORT": "9000", "YAGUTS_DATA": "/tmp/x", "YAGUTS_TEST_ENDPOINTS": "1"])
        #expect(config.port == 0 && config.host == "::1" && config.dataDirectory == "/tmp/x")
        #expect(config.simulator && config.testEndpoints)
    }

    @Test func backupAndRestoreTakeAFile() throws {
        #expect(try Configuration.parse(arguments: ["backup", "b.sqlite", "--data", "d"], environment: [:]).command
                == .backup(path: "b.sqlite"))
        #expect(try Configuration.parse(arguments: ["restore", "b.sqlite"], environment: [:]).command
                == .restore(path: "b.sqlite"))
        #expect(throws: Configuration.UsageError.self) { try Configuration.parse(arguments: ["backup"], environment: [:]) }
    }

    @Test(arguments: [["--port", "70000"], ["--port", "x"], ["--bogus"], ["frobnicate"], ["--log-level", "loud"], ["--port"]])
    func badArgumentsAreRefused(arguments: [String]) {
        #expect(throws: Configuration.UsageError.self) { try Configuration.parse(arguments: arguments, environment: [:]) }
    }

    @Test func firmwareSizeLimit() throws {
        #expect(try Configuration.parse(arguments: [], environment: [:]).firmwareMaxBytes == 4 * 1024 * 1024)
        #expect(try Configuration.parse(arguments: ["--firmware-max-bytes", "2048"], environment: [:]).firmwareMaxBytes == 2048)
        #expect(try Configuration.parse(arguments: [], environment: ["YAGUTS_FIRMWARE_MAX_BYTES": "65536"]).firmwareMaxBytes == 65536)
        for bad in ["0", "1023", "x", String(64 * 1024 * 1024 + 1)] {
            #expect(throws: Configuration.UsageError.self) {
                try Configuration.parse(arguments: ["--firmware-max-bytes", bad], environment: [:])
            }
        }
    }

    @Test func badEnvironmentIsRefused() {
        #expect(throws: Configuration.UsageError.self) {
            try Configuration.parse(arguments: [], environment: ["YAGUTS_PORT": "-1"])
        }
    }

    @Test func helpDocumentsEveryOption() {
        for option in ["--host", "--port", "--data", "--simulator", "--test-endpoints", "--log-level", "--threads",
                       "--ping-interval", "--idle-timeout", "--offline-after", "--shutdown-grace", "--max-connections",
                       "--firmware-max-bytes",
                       "--trusted-proxy", "--session-idle-timeout", "--session-max-age", "--cookie-secure",
                       "--metrics-listen", "backup", "restore"] {
            #expect(Configuration.help.contains(option), "help lacks \(option)")
        }
    }

    @Test func hardeningOptions() throws {
        let config = try Configuration.parse(
            arguments: ["--trusted-proxy", "10.0.0.2", "--session-idle-timeout", "600", "--session-max-age", "3600",
                        "--cookie-secure", "--metrics-listen", "[::1]:9100"], environment: [:])
        #expect(config.trustedProxy == "10.0.0.2")
        #expect(config.sessionIdleTimeoutSeconds == 600 && config.sessionMaxAgeSeconds == 3600)
        #expect(config.cookieSecure)
        #expect(config.metricsListen?.host == "::1" && config.metricsListen?.port == 9100)
        let defaults = try Configuration.parse(arguments: [], environment: [:])
        #expect(defaults.trustedProxy == nil && defaults.metricsListen == nil && !defaults.cookieSecure)
        let fromEnvironment = try Configuration.parse(arguments: [], environment: ["YAGUTS_METRICS_LISTEN": "127.0.0.1:9100"])
        #expect(fromEnvironment.metricsListen?.host == "127.0.0.1")
        #expect(throws: Configuration.UsageError.self) { try Configuration.parse(arguments: ["--metrics-listen", "9100"], environment: [:]) }
    }
}
