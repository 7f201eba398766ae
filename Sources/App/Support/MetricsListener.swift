import Runtime

/// `--metrics-listen HOST:PORT`: `/metrics` on a listener of its own (e.g.
/// 127.0.0.1:9100, or a monitoring network's address), so the public port
/// need not expose it. Same loops, same HTTP stack; its only route is
/// `/metrics`. Its address is logged (`metrics_listening`), not printed:
/// stdout's first line stays the public address.
enum MetricsListener {
    static func start(_ listen: (host: String, port: Int), app: AppContext, group: EventLoopGroup,
                      http: HTTPServerConfiguration, logger: Logger) async throws -> TCPServer {
        var routes = Router()
        OperationsRoutes.addMetrics(to: &routes, app)
        let router = routes
        var tcp = TCPServer.Configuration(host: listen.host, port: listen.port)
        tcp.maxConnections = 64 * group.loops.count
        let server = TCPServer(group: group, configuration: tcp)
        let address = try await server.start { stream in
            let connection = HTTPServerConnection(stream: stream, router: router, configuration: http)
            stream.delegate = connection
            connection.start()
        }
        logger.info("metrics_listening", ["address": "\(address)"])
        return server
    }
}
