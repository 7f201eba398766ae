import Actors
import Dispatch
import Foundation
import Runtime

/// The `serve` command: start-up, the run, and graceful shutdown — done once,
/// in one place, in this order:
///
/// 1. open the database (migrating it) and the domain on it;
/// 2. start the event loops and the listener; print `listening on …`;
/// 3. on SIGINT/SIGTERM: stop accepting, let HTTP requests in flight finish
///    and close WebSockets with 1001 (within the grace period), stop the
///    maintenance task, close the database cleanly (checkpointed), stop the
///    loops, flush the log, exit 0.
struct Server {
    let configuration: Configuration

    func run() async throws {
        // Before anything can be served: a SIGTERM from then on is a graceful stop,
        // and a peer that vanishes mid-write is an EPIPE for its connection, not
        // a SIGPIPE that kills the process (libuv writes with plain write(2)).
        signal(SIGPIPE, SIG_IGN)
        let termination = TerminationSignals()
        let writer = LogWriter()
        let logger = Logger(writer: writer, minimumLevel: LogLevel(parsing: configuration.logLevel) ?? .info)
        logger.info("starting", [
            "version": "\(BuildInfo.version)", "commit": "\(BuildInfo.commit)",
            "mode": configuration.simulator || configuration.testEndpoints ? "development" : "production",
            "pid": .int(Int(getpid())),
        ])
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        DataPermissions.tighten(configuration)
        let dataLock: FileLock
        do {
            dataLock = try FileLock(path: configuration.lockPath)
        } catch is FileLock.Held {
            writer.shutdown()
            throw Configuration.UsageError(description: "another yaguts is serving \(configuration.dataDirectory)")
        }
        defer { withExtendedLifetime(dataLock) {} }
        let metrics = AppMetrics()
        let group = EventLoopGroup(threads: configuration.loopThreads, name: "yaguts-loop")
        // A device's actors live on the loop of its connection: see ARCHITECTURE.md.
        let placement = LoopAffinity<Int64>(loops: group.loops)
        let dispenser = try Dispenser.open(path: configuration.databasePath, placement: placement, feeds: WebSocketFeeds(),
                                           offlineAfter: .seconds(configuration.deviceOfflineAfterSeconds),
                                           stageObserver: metrics.reportStageObserver())
        metrics.watch(loops: group.loops, database: dispenser.database)
        let app = AppContext(configuration: configuration, dispenser: dispenser, placement: placement,
                             metrics: metrics, logger: logger)
        let router = Routes.make(app)
        let errors = ErrorReporter(registry: metrics.registry, logger: logger)
        let http = httpConfiguration(logger: logger, metrics: metrics, errors: errors)

        var tcp = TCPServer.Configuration(host: configuration.host, port: configuration.port)
        tcp.maxConnections = configuration.maxConnections
        let server = TCPServer(group: group, configuration: tcp)
        let address: SocketAddress
        do {
            address = try await server.start { stream in
                let connection = HTTPServerConnection(stream: stream, router: router, configuration: http)
                stream.delegate = connection
                connection.start()
            }
        } catch {
            logger.error("listen_failed", ["error": "\(error)"])
            writer.shutdown()
            throw error
        }
        let metricsServer: TCPServer?
        if let listen = configuration.metricsListen {
            metricsServer = try await MetricsListener.start(listen, app: app, group: group, http: http, logger: logger)
        } else {
            metricsServer = nil
        }
        print("listening on http://\(address)")
        fflush(nil)
        logger.info("serving", [
            "address": "\(address)", "mode": configuration.simulator || configuration.testEndpoints ? "development" : "production",
            "simulator": .bool(configuration.simulator), "test_endpoints": .bool(configuration.testEndpoints),
            "threads": .int(configuration.loopThreads), "database": "\(configuration.databasePath)",
        ])

        if configuration.simulator {
            let resumed = try await Simulator(dispenser).resumeAll()
            if resumed > 0 { logger.info("simulations_resumed", ["count": .int(resumed)]) }
        }

        // Often enough that "offline" is declared within a third of the limit late.
        let period = min(Duration.seconds(5), .milliseconds(configuration.deviceOfflineAfterSeconds * 1000 / 3))
        let operations = OperationsMetrics(registry: metrics.registry, configuration: configuration)
        let webhooks = Task {
            await WebhookSender(service: app.webhooks, loop: group.next(),
                                maxBackoff: .seconds(configuration.webhookMaxBackoffSeconds), logger: logger).run()
        }
        let maintenance = Task {
            var lastSessionSweep = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                await dispenser.maintain()
                await metrics.refreshJobCounts(dispenser)
                do { try await app.firmwareUpdates.expireOverdue() } catch { logger.warning("firmware_expiry_failed", ["error": "\(error)"]) }
                await operations.refresh(dispenser)
                await metrics.refreshRunningJobHealth(dispenser, staleAfter: .seconds(configuration.jobStaleAfterSeconds))
                if ContinuousClock.now - lastSessionSweep > .seconds(3600) {
                    lastSessionSweep = ContinuousClock.now
                    try? await app.accounts.sweepExpiredSessions()
                }
            }
        }
        let backups = configuration.backupDirectory.map { directory in
            let scheduler = BackupScheduler(configuration: configuration, directory: directory, database: dispenser.database,
                                            registry: metrics.registry, logger: logger, errors: errors)
            return Task { await scheduler.run() }
        }

        let signal = await termination.wait()
        logger.info("shutting_down", ["signal": "\(signal)", "grace_seconds": .int(configuration.shutdownGraceSeconds)])
        await dispenser.beginShutdown()
        await server.shutdown(gracePeriod: .seconds(configuration.shutdownGraceSeconds))
        await metricsServer?.shutdown(gracePeriod: .seconds(1))
        maintenance.cancel()
        backups?.cancel()
        await backups?.value
        webhooks.cancel()
        await webhooks.value
        await dispenser.maintain()
        await dispenser.database.close()
        group.shutdown()
        logger.info("stopped")
        writer.shutdown()
    }

    private func httpConfiguration(logger: Logger, metrics: AppMetrics, errors: ErrorReporter) -> HTTPServerConfiguration {
        var http = HTTPServerConfiguration()
        http.defaultResponseHeaders = SecurityHeaders.all
        http.onRequestCompleted = { record in
            metrics.record(record)
            errors.requestCompleted(record)
            logger.info("request", [
                "method": "\(record.method?.rawValue ?? "-")", "route": "\(record.route ?? "-")",
                "status": .int(record.status.code), "bytes": .int(record.responseBytes),
                "duration_us": .int(Int(record.durationMicroseconds)), "request_id": "\(record.requestID)",
                "remote": "\(record.remoteAddress)",
            ])
        }
        http.onHandlerError = { error, requestID in errors.handlerFailed(error, requestID: requestID) }
        return http
    }
}

/// SIGINT and SIGTERM, handled from the moment this is created (their default
/// action is turned off then, so no signal can kill the process mid-start-up);
/// ``wait()`` returns the first one, however early it arrived.
private final class TerminationSignals: @unchecked Sendable {
    private let queue = DispatchQueue(label: "yaguts.signals")
    private var sources: [any DispatchSourceSignal] = []
    // Guarded by `queue`.
    private var received: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // Strong on purpose: the sources keep this object alive for the
            // process's life. With `unowned`, a start-up that failed (a newer
            // database, a held lock) released it while libdispatch could
            // still run a handler, which then read a destroyed object (SIGABRT).
            source.setEventHandler { [self] in
                guard received == nil else { return }
                received = number
                waiter?.resume(returning: number)
                waiter = nil
            }
            source.activate()
            sources.append(source)
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                if let received { continuation.resume(returning: received) } else { waiter = continuation }
            }
        }
    }
}
