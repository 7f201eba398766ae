/// Maps method and path to a handler. Built once at start-up, then shared
/// read-only by every loop (a value type: copies are independent).
///
/// Patterns are `/`-separated segments; `:name` captures one non-empty
/// segment. A literal segment wins over a parameter at the same place, and a
/// route for the request's method wins over a better-matching path without
/// it, so `GET /devices/me` and `POST /devices/:id` coexist. When some path
/// matches but no method does, the answer is 405 with `Allow`. HEAD is served
/// by the GET route unless a HEAD route exists. Unmatched GET/HEAD requests
/// fall back to ``staticFiles``, then 404.
public struct Router: Sendable {
    public typealias AsyncHandler = @Sendable (Request) async throws -> Response
    public typealias SyncHandler = @Sendable (Request) throws -> Response

    public enum Handler: Sendable {
        /// Runs in a task on the connection's loop executor.
        case async(AsyncHandler)
        /// Runs inline on the loop thread: must be fast and never block.
        case sync(SyncHandler)
    }

    public struct Route: Sendable {
        public let method: HTTPMethod
        /// As registered, e.g. `/users/:id`; names the route in logs and metrics.
        public let pattern: String
        /// Largest accepted body in bytes; more is answered 413.
        public let bodyLimit: Int
        public let handler: Handler
    }

    /// What the router decided for a request head.
    public enum Resolution: Sendable {
        case route(Route, parameters: [String: String])
        /// A response known from the head alone: a static file, 304, 404 or 405.
        case response(Response, pattern: String?)
    }

    public static let defaultBodyLimit = 64 * 1024

    private struct Node: Sendable {
        var literals: [String: Node] = [:]
        var parameterName: String?
        var parameterChild: [Node] = []  // zero or one: an array lets the struct recurse
        var routes: [HTTPMethod: Route] = [:]

        func route(for method: HTTPMethod) -> Route? {
            routes[method] ?? (method == .head ? routes[.get] : nil)
        }

        var allowedMethods: [HTTPMethod] {
            var methods = Set(routes.keys)
            if methods.contains(.get) { methods.insert(.head) }
            return methods.sorted { $0.rawValue < $1.rawValue }
        }
    }

    private var root = Node()
    /// Consulted for GET and HEAD requests no route matches.
    public var staticFiles: StaticFiles?
    /// Wraps each async handler added while it is set (method, pattern,
    /// handler → handler): cross-cutting work such as an audit trail.
    public var decorate: (@Sendable (HTTPMethod, String, @escaping AsyncHandler) -> AsyncHandler)?

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int = defaultBodyLimit,
                             _ handler: @escaping AsyncHandler) {
        let wrapped = decorate?(method, pattern, handler) ?? handler
        insert(Route(method: method, pattern: pattern, bodyLimit: bodyLimit, handler: .async(wrapped)))
    }

    public mutating func addSync(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int = defaultBodyLimit,
                                 _ handler: @escaping SyncHandler) {
        insert(Route(method: method, pattern: pattern, bodyLimit: bodyLimit, handler: .sync(handler)))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping AsyncHandler) { add(.get, pattern, handler) }
    public mutating func post(_ pattern: String, bodyLimit: Int = defaultBodyLimit, _ handler: @escaping AsyncHandler) {
        add(.post, pattern, bodyLimit: bodyLimit, handler)
    }
    public mutating func put(_ pattern: String, bodyLimit: Int = defaultBodyLimit, _ handler: @escaping AsyncHandler) {
        add(.put, pattern, bodyLimit: bodyLimit, handler)
    }
    public mutating func patch(_ pattern: String, bodyLimit: Int = defaultBodyLimit, _ handler: @escaping AsyncHandler) {
        add(.patch, pattern, bodyLimit: bodyLimit, handler)
    }
    public mutating func delete(_ pattern: String, _ handler: @escaping AsyncHandler) { add(.delete, pattern, handler) }

    private mutating func insert(_ route: Route) {
        precondition(route.pattern.hasPrefix("/"), "route pattern must start with /: \(route.pattern)")
        Self.insert(route, segments: Self.segments(of: route.pattern)[...], into: &root)
    }

    private static func insert(_ route: Route, segments: ArraySlice<Substring>, into node: inout Node) {
        guard let segment = segments.first else {
            precondition(node.routes[route.method] == nil, "duplicate route \(route.method) \(route.pattern)")
            node.routes[route.method] = route
            return
        }
        if segment.hasPrefix(":") {
            let name = String(segment.dropFirst())
            precondition(!name.isEmpty, "empty parameter name in \(route.pattern)")
            precondition(node.parameterName == nil || node.parameterName == name,
                         "parameter :\(name) conflicts with :\(node.parameterName!) in \(route.pattern)")
            node.parameterName = name
            if node.parameterChild.isEmpty { node.parameterChild.append(Node()) }
            insert(route, segments: segments.dropFirst(), into: &node.parameterChild[0])
        } else {
            insert(route, segments: segments.dropFirst(), into: &node.literals[String(segment), default: Node()])
        }
    }

    /// `/a/b` → ["a", "b"]; `/` → []. Empty segments are kept, so `/a/` and
    /// `//a` do not alias `/a`.
    private static func segments(of path: String) -> [Substring] {
        path == "/" ? [] : path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }

    public func resolve(_ head: HTTPRequestHead) -> Resolution {
        let segments = head.path.hasPrefix("/") ? Self.segments(of: head.path).map { PercentDecoding.decode($0) } : nil
        if let segments {
            var parameters: [String: String] = [:]
            if let node = Self.match(root, segments[...], &parameters, accepting: { $0.route(for: head.method) != nil }),
               let route = node.route(for: head.method) {
                return .route(route, parameters: parameters)
            }
        }
        if head.method == .get || head.method == .head, let file = staticFiles?.response(for: head) {
            return .response(file, pattern: "static")
        }
        if let segments {
            var ignored: [String: String] = [:]
            if let node = Self.match(root, segments[...], &ignored, accepting: { !$0.routes.isEmpty }) {
                return .response(HTTPError.methodNotAllowed(allowed: node.allowedMethods).response, pattern: nil)
            }
        }
        return .response(HTTPError.notFound("no such resource").response, pattern: nil)
    }

    /// Depth-first, literal before parameter, backtracking: the first node
    /// that `accepting` takes. Parameters are bound on the way back from a
    /// match, so abandoned branches leave none behind.
    private static func match(_ node: Node, _ segments: ArraySlice<String>, _ parameters: inout [String: String],
                              accepting: (Node) -> Bool) -> Node? {
        guard let segment = segments.first else { return accepting(node) ? node : nil }
        if let child = node.literals[segment], let found = match(child, segments.dropFirst(), &parameters, accepting: accepting) {
            return found
        }
        if let name = node.parameterName, !segment.isEmpty,
           let found = match(node.parameterChild[0], segments.dropFirst(), &parameters, accepting: accepting) {
            parameters[name] = segment
            return found
        }
        return nil
    }
}
