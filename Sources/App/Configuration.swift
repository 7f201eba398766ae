import Foundation

/// What the `yaguts` command was asked to do, from flags and environment
/// (flags win). Production is the default: the simulator and test endpoints
/// stay off unless switched on.
struct Configuration: Sendable {
    enum Command: Sendable, Equatable {
        case serve
        case backup(path: String)
        case restore(path: String)
        case checkConfig
        case version
        case help
    }

    var command: Command = .serve
    var host = "127.0.0.1"
    var port = 8080
    var dataDirectory = "./data"
    var simulator = false
    var testEndpoints = false
    var logLevel = "info"
    var loopThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    var pingIntervalSeconds = 15
    var watcherIdleTimeoutSeconds = 45
    var deviceOfflineAfterSeconds = 90
    var jobStaleAfterSeconds = 300
    var webhooksAllowPrivate = false
    var webhookMaxBackoffSeconds = 300
    var shutdownGraceSeconds = 10
    var maxConnections = 250_000
    /// The largest firmware image `POST /firmware` accepts (the route's body limit).
    var firmwareMaxBytes = 4 * 1024 * 1024
    /// Scheduled online backups go here when set (`serve` only).
    var backupDirectory: String?
    var backupIntervalSeconds = 3600
    var backupKeep = 48
    /// The KEY=VALUE file the settings were read from, if any.
    var configFile: String?
    /// The reverse proxy whose `X-Forwarded-For` names the client (rate limits).
    var trustedProxy: String?
    var sessionIdleTimeoutSeconds = 7 * 86_400
    var sessionMaxAgeSeconds = 30 * 86_400
    /// Mark the session cookie `Secure` (the server is reached over TLS).
    var cookieSecure = false
    /// A separate listener for `/metrics` (then absent from the public port).
    var metricsListen: (host: String, port: Int)?

    var databasePath: String { (dataDirectory as NSString).appendingPathComponent("yaguts.sqlite") }
    /// Held by a serving process; `restore` refuses while it is held.
    var lockPath: String { (dataDirectory as NSString).appendingPathComponent("yaguts.lock") }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static let help = """
    yaguts — server for fleets of ESP32 ingredient dispensers

    USAGE
      yaguts [serve] [options]          run the server (the default command)
      yaguts backup FILE [--data DIR]   copy the live database to FILE (safe while serving)
      yaguts restore FILE [--data DIR]  replace the database with FILE (server stopped)
      yaguts check-config [options]     validate the configuration without starting; exit 0 if usable
      yaguts --version                  version and build commit
      yaguts --help                     this text

    OPTIONS (environment variable in brackets; flags win)
      --host H               listen address, IPv4 or IPv6 [YAGUTS_HOST] (127.0.0.1)
      --port P               listen port; 0 picks a free one [YAGUTS_PORT] (8080)
      --data DIR             data directory holding yaguts.sqlite [YAGUTS_DATA] (./data)
      --simulator            enable POST /devices/test/simulate-execution [YAGUTS_SIMULATOR=1] (off)
      --test-endpoints       enable /ws/echo for protocol conformance checks [YAGUTS_TEST_ENDPOINTS=1] (off)
      --log-level L          trace, debug, info, warning or error [YAGUTS_LOG_LEVEL] (info)
      --threads N            event-loop threads [YAGUTS_THREADS] (one per core)
      --ping-interval S      WebSocket ping period in seconds [YAGUTS_PING_INTERVAL] (15)
      --idle-timeout S       close a WebSocket silent this long [YAGUTS_IDLE_TIMEOUT] (45)
      --offline-after S      mark a silent device offline after S seconds [YAGUTS_OFFLINE_AFTER] (90)
      --job-stale-after S    a running job whose device is silent this long is stale [YAGUTS_JOB_STALE_AFTER] (300)
      --webhooks-allow-private  allow webhook URLs on loopback/private networks [YAGUTS_WEBHOOKS_ALLOW_PRIVATE=1] (off)
      --webhook-max-backoff S  longest wait between webhook retries [YAGUTS_WEBHOOK_MAX_BACKOFF] (300)
      --shutdown-grace S     seconds to finish in-flight work on SIGINT/SIGTERM [YAGUTS_SHUTDOWN_GRACE] (10)
      --max-connections N    open connections across all threads [YAGUTS_MAX_CONNECTIONS] (250000)
      --firmware-max-bytes N largest firmware image POST /firmware accepts [YAGUTS_FIRMWARE_MAX_BYTES] (4194304)
      --backup-dir DIR       take online backups into DIR while serving [YAGUTS_BACKUP_DIR] (off)
      --backup-every T       backup period: seconds, or 30m, 1h, 1d [YAGUTS_BACKUP_EVERY] (1h)
      --backup-keep N        backups kept in DIR; older ones are deleted [YAGUTS_BACKUP_KEEP] (48)
      --config FILE          read KEY=VALUE settings (the variable names above) from FILE [YAGUTS_CONFIG]

    Precedence: flags, then environment variables, then the --config file, then the defaults.
      --trusted-proxy ADDR   peer address of your reverse proxy: only its X-Forwarded-For names the client [YAGUTS_TRUSTED_PROXY] (none)
      --session-idle-timeout S   end a log-in session unused this long [YAGUTS_SESSION_IDLE_TIMEOUT] (604800, 7 days)
      --session-max-age S    end a log-in session this long after log-in [YAGUTS_SESSION_MAX_AGE] (2592000, 30 days)
      --cookie-secure        mark the session cookie Secure, for deployments behind TLS [YAGUTS_COOKIE_SECURE=1] (off)
      --metrics-listen ADDR  serve /metrics only on this separate HOST:PORT, e.g. 127.0.0.1:9100 [YAGUTS_METRICS_LISTEN] (on the public port)

    The first line on stdout is `listening on http://HOST:PORT`. Logs are JSON lines on stderr.
    """

    /// 1 KiB to 64 MiB: an ESP32 app partition is a few MiB, and the whole image is held in memory while it arrives.
    static let firmwareBytes = 1024...(64 * 1024 * 1024)

    static func parse(arguments: [String], environment processEnvironment: [String: String]) throws -> Configuration {
        var config = Configuration()
        // The config file is named by a flag or the environment and supplies defaults under both.
        config.configFile = ConfigurationFile.path(arguments: arguments, environment: processEnvironment)
        let environment = try config.configFile.map { try ConfigurationFile.read($0).merging(processEnvironment) { _, env in env } }
            ?? processEnvironment
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func flag(_ name: String) -> Bool { ["1", "true", "yes", "on"].contains(env(name)?.lowercased() ?? "") }
        func integer(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(text), range.contains(value) else {
                throw UsageError(description: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return value
        }
        func seconds(_ text: String, _ name: String) throws -> Int {
            guard let value = ConfigurationFile.durationSeconds(text), (1...30 * 86400).contains(value) else {
                throw UsageError(description: "\(name) must be a duration between 1s and 30d (e.g. 90, 15m, 1h, 1d), got '\(text)'")
            }
            return value
        }

        config.host = env("YAGUTS_HOST") ?? config.host
        if let port = env("YAGUTS_PORT") { config.port = try integer(port, "YAGUTS_PORT", 0...65535) }
        config.dataDirectory = env("YAGUTS_DATA") ?? config.dataDirectory
        config.simulator = flag("YAGUTS_SIMULATOR")
        config.testEndpoints = flag("YAGUTS_TEST_ENDPOINTS")
        config.logLevel = env("YAGUTS_LOG_LEVEL") ?? config.logLevel
        if let v = env("YAGUTS_THREADS") { config.loopThreads = try integer(v, "YAGUTS_THREADS", 1...256) }
        if let v = env("YAGUTS_PING_INTERVAL") { config.pingIntervalSeconds = try integer(v, "YAGUTS_PING_INTERVAL", 1...3600) }
        if let v = env("YAGUTS_IDLE_TIMEOUT") { config.watcherIdleTimeoutSeconds = try integer(v, "YAGUTS_IDLE_TIMEOUT", 1...86400) }
        if let v = env("YAGUTS_OFFLINE_AFTER") { config.deviceOfflineAfterSeconds = try integer(v, "YAGUTS_OFFLINE_AFTER", 1...86400) }
        if let v = env("YAGUTS_JOB_STALE_AFTER") { config.jobStaleAfterSeconds = try integer(v, "YAGUTS_JOB_STALE_AFTER", 1...86400 * 30) }
        config.webhooksAllowPrivate = flag("YAGUTS_WEBHOOKS_ALLOW_PRIVATE")
        if let v = env("YAGUTS_WEBHOOK_MAX_BACKOFF") { config.webhookMaxBackoffSeconds = try integer(v, "YAGUTS_WEBHOOK_MAX_BACKOFF", 1...86400) }
        if let v = env("YAGUTS_SHUTDOWN_GRACE") { config.shutdownGraceSeconds = try integer(v, "YAGUTS_SHUTDOWN_GRACE", 0...3600) }
        config.trustedProxy = env("YAGUTS_TRUSTED_PROXY")
        config.cookieSecure = flag("YAGUTS_COOKIE_SECURE")
        if let v = env("YAGUTS_METRICS_LISTEN") { config.metricsListen = try hostAndPort(v, "YAGUTS_METRICS_LISTEN") }
        if let v = env("YAGUTS_SESSION_IDLE_TIMEOUT") {
            config.sessionIdleTimeoutSeconds = try integer(v, "YAGUTS_SESSION_IDLE_TIMEOUT", 1...31_536_000)
        }
        if let v = env("YAGUTS_SESSION_MAX_AGE") { config.sessionMaxAgeSeconds = try integer(v, "YAGUTS_SESSION_MAX_AGE", 1...31_536_000) }
        if let v = env("YAGUTS_MAX_CONNECTIONS") { config.maxConnections = try integer(v, "YAGUTS_MAX_CONNECTIONS", 1...10_000_000) }
        if let v = env("YAGUTS_FIRMWARE_MAX_BYTES") { config.firmwareMaxBytes = try integer(v, "YAGUTS_FIRMWARE_MAX_BYTES", firmwareBytes) }
        config.backupDirectory = env("YAGUTS_BACKUP_DIR")
        if let v = env("YAGUTS_BACKUP_EVERY") { config.backupIntervalSeconds = try seconds(v, "YAGUTS_BACKUP_EVERY") }
        if let v = env("YAGUTS_BACKUP_KEEP") { config.backupKeep = try integer(v, "YAGUTS_BACKUP_KEEP", 1...100_000) }

        /// `HOST:PORT`, the host an IPv4 address, a name, or `[IPv6]`.
        func hostAndPort(_ text: String, _ name: String) throws -> (host: String, port: Int) {
            guard let colon = text.lastIndex(of: ":"), colon != text.startIndex else {
                throw UsageError(description: "\(name) must be HOST:PORT, got '\(text)'")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host, try integer(String(text[text.index(after: colon)...]), name, 0...65535))
        }

        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            rest = rest.dropFirst()
            switch first {
            case "serve": config.command = .serve
            case "backup", "restore":
                guard let path = rest.first, !path.hasPrefix("-") else {
                    throw UsageError(description: "\(first) needs a FILE argument")
                }
                rest = rest.dropFirst()
                config.command = first == "backup" ? .backup(path: path) : .restore(path: path)
            case "check-config": config.command = .checkConfig
            case "help": config.command = .help
            default: throw UsageError(description: "unknown command '\(first)' (try --help)")
            }
        }
        while let option = rest.popFirst() {
            func value() throws -> String {
                guard let v = rest.popFirst() else { throw UsageError(description: "\(option) needs a value") }
                return v
            }
            switch option {
            case "--help", "-h": config.command = .help
            case "--version", "-V": config.command = .version
            case "--config": _ = try value() // already read, before the environment
            case "--host": config.host = try value()
            case "--port": config.port = try integer(try value(), "--port", 0...65535)
            case "--data": config.dataDirectory = try value()
            case "--simulator": config.simulator = true
            case "--test-endpoints": config.testEndpoints = true
            case "--log-level": config.logLevel = try value()
            case "--threads": config.loopThreads = try integer(try value(), "--threads", 1...256)
            case "--ping-interval": config.pingIntervalSeconds = try integer(try value(), "--ping-interval", 1...3600)
            case "--idle-timeout": config.watcherIdleTimeoutSeconds = try integer(try value(), "--idle-timeout", 1...86400)
            case "--offline-after": config.deviceOfflineAfterSeconds = try integer(try value(), "--offline-after", 1...86400)
            case "--job-stale-after": config.jobStaleAfterSeconds = try integer(try value(), "--job-stale-after", 1...86400 * 30)
            case "--webhooks-allow-private": config.webhooksAllowPrivate = true
            case "--webhook-max-backoff": config.webhookMaxBackoffSeconds = try integer(try value(), "--webhook-max-backoff", 1...86400)
            case "--shutdown-grace": config.shutdownGraceSeconds = try integer(try value(), "--shutdown-grace", 0...3600)
            case "--max-connections": config.maxConnections = try integer(try value(), "--max-connections", 1...10_000_000)
            case "--firmware-max-bytes": config.firmwareMaxBytes = try integer(try value(), "--firmware-max-bytes", firmwareBytes)
            case "--backup-dir": config.backupDirectory = try value()
            case "--backup-every": config.backupIntervalSeconds = try seconds(try value(), "--backup-every")
            case "--backup-keep": config.backupKeep = try integer(try value(), "--backup-keep", 1...100_000)
            case "--trusted-proxy": config.trustedProxy = try value()
            case "--session-idle-timeout":
                config.sessionIdleTimeoutSeconds = try integer(try value(), "--session-idle-timeout", 1...31_536_000)
            case "--session-max-age": config.sessionMaxAgeSeconds = try integer(try value(), "--session-max-age", 1...31_536_000)
            case "--cookie-secure": config.cookieSecure = true
            case "--metrics-listen": config.metricsListen = try hostAndPort(try value(), "--metrics-listen")
            default: throw UsageError(description: "unknown option '\(option)' (try --help)")
            }
        }
        guard ["trace", "debug", "info", "warning", "error"].contains(config.logLevel) else {
            throw UsageError(description: "--log-level must be trace, debug, info, warning or error")
        }
        return config
    }
}
