public import Runtime

/// Runs `body` for each of `count` indexes with at most `limit` running at
/// once; rethrows the first error after the others finish.
public func concurrentForEach(_ count: Int, limit: Int,
                              _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(limit, count) {
            let index = next
            group.addTask { try await body(index) }
            next += 1
        }
        while try await group.next() != nil {
            if next < count {
                let index = next
                group.addTask { try await body(index) }
                next += 1
            }
        }
    }
}

/// The client side's event loops and a few keep-alive connections for setup
/// calls (register, create devices and jobs), shared round-robin.
public final class ClientSide: Sendable {
    public let group: EventLoopGroup
    public let endpoint: ServerEndpoint
    public let setupClients: [HTTPClient]

    public init(endpoint: ServerEndpoint, threads: Int = 2, setupConnections: Int = 16) {
        self.endpoint = endpoint
        let group = EventLoopGroup(threads: threads)
        self.group = group
        setupClients = (0..<setupConnections).map { HTTPClient(endpoint: endpoint, loop: group.loops[$0 % threads]) }
    }

    public func setupClient(_ index: Int) -> HTTPClient { setupClients[index % setupClients.count] }

    /// A client for connection number `index` (its loop and source address follow from it).
    public func client(_ index: Int) -> HTTPClient {
        HTTPClient(endpoint: endpoint, loop: group.loops[index % group.loops.count],
                   sourceHost: SourceAddresses.forConnection(index))
    }

    public func loop(_ index: Int) -> UVEventLoop { group.loops[index % group.loops.count] }
}
