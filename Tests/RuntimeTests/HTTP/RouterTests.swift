import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("Router")
struct RouterTests {
    static func router() -> Router {
        var router = Router()
        router.addSync(.get, "/devices/me") { _ in .text("me") }
        router.addSync(.get, "/devices/:id") { _ in .text("id") }
        router.addSync(.post, "/devices/:id") { _ in .text("post id") }
        router.addSync(.get, "/devices/:id/frascos/:index", ) { _ in .text("frasco") }
        router.add(.post, "/jobs", bodyLimit: 1024) { _ in .noContent }
        router.addSync(.get, "/") { _ in .text("root") }
        return router
    }

    func resolve(_ method: HTTPMethod, _ target: String) -> (pattern: String?, parameters: [String: String], status: Int?) {
        switch Self.router().resolve(HTTPRequestHead(method: method, target: target)) {
        case .route(let route, let parameters): return (route.pattern, parameters, nil)
        case .response(let response, let pattern): return (pattern, [:], response.status.code)
        }
    }

    @Test func literalWinsOverParameter() {
        #expect(resolve(.get, "/devices/me").pattern == "/devices/me")
        #expect(resolve(.get, "/devices/12").parameters == ["id": "12"])
    }

    @Test func routeWithTheMethodWinsOverABetterLiteral() {
        let result = resolve(.post, "/devices/me")
        #expect(result.pattern == "/devices/:id")
        #expect(result.parameters == ["id": "me"])
    }

    @Test func nestedParametersAreDecoded() {
        let result = resolve(.get, "/devices/a%2Fb/frascos/3?x=1")
        #expect(result.pattern == "/devices/:id/frascos/:index")
        #expect(result.parameters == ["id": "a/b", "index": "3"])
    }

    @Test func unknownPathsAre404AndTrailingSlashesDoNotAlias() {
        #expect(resolve(.get, "/nope").status == 404)
        #expect(resolve(.get, "/devices/").status == 404)
        #expect(resolve(.get, "/devices/12/").status == 404)
        #expect(resolve(.get, "//devices/12").status == 404)
        #expect(resolve(.options, "*").status == 404)
        #expect(resolve(.get, "/").pattern == "/")
    }

    @Test func wrongMethodIs405WithSortedAllow() {
        let router = Self.router()
        guard case .response(let response, _) = router.resolve(HTTPRequestHead(method: .delete, target: "/devices/5")) else {
            Issue.record("expected a response"); return
        }
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, HEAD, POST")
        guard case .response(let jobs, _) = router.resolve(HTTPRequestHead(method: .get, target: "/jobs")) else {
            Issue.record("expected a response"); return
        }
        #expect(jobs.headers["Allow"] == "POST")
    }

    @Test func headUsesGetAndBodyLimitIsKept() {
        #expect(resolve(.head, "/devices/me").pattern == "/devices/me")
        guard case .route(let route, _) = Self.router().resolve(HTTPRequestHead(method: .post, target: "/jobs")) else {
            Issue.record("expected a route"); return
        }
        #expect(route.bodyLimit == 1024)
        guard case .route(let other, _) = Self.router().resolve(HTTPRequestHead(method: .post, target: "/devices/1")) else {
            Issue.record("expected a route"); return
        }
        #expect(other.bodyLimit == 64 * 1024)
    }

    @Test func staticFilesAreTheFallbackForGetAndHeadOnly() {
        var router = Self.router()
        router.staticFiles = StaticFiles(contents: ["/app.js": Array("x".utf8)])
        guard case .response(let file, let pattern) = router.resolve(HTTPRequestHead(method: .get, target: "/app.js")) else {
            Issue.record("expected a response"); return
        }
        #expect(file.status == .ok)
        #expect(pattern == "static")
        guard case .response(let post, _) = router.resolve(HTTPRequestHead(method: .post, target: "/app.js")) else {
            Issue.record("expected a response"); return
        }
        #expect(post.status == .notFound)
    }
}

@Suite("StaticFiles")
struct StaticFilesTests {
    static let files = StaticFiles(contents: [
        "/index.html": Array("<h1>hi</h1>".utf8),
        "/app.mjs": Array("export {}".utf8),
        "/icons/logo.svg": Array("<svg/>".utf8),
        "/site.webmanifest": Array("{}".utf8),
        "/blob.bin": [0, 1, 2],
    ], assetCacheControl: "public, max-age=31536000, immutable")

    func get(_ target: String, _ headers: HTTPHeaders = [:]) -> Response? {
        Self.files.response(for: HTTPRequestHead(method: .get, target: target, headers: headers))
    }

    @Test func contentTypesAndCachePolicy() throws {
        let index = try #require(get("/"))
        #expect(index.body == Array("<h1>hi</h1>".utf8))
        #expect(index.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(index.headers["Cache-Control"] == "no-cache")
        let module = try #require(get("/app.mjs"))
        #expect(module.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(module.headers["Cache-Control"] == "public, max-age=31536000, immutable")
        #expect(get("/icons/logo.svg")?.headers["Content-Type"] == "image/svg+xml")
        #expect(get("/site.webmanifest")?.headers["Content-Type"] == "application/manifest+json")
        #expect(get("/blob.bin")?.headers["Content-Type"] == "application/octet-stream")
        #expect(get("/missing.js") == nil)
        #expect(get("/../index.html") == nil)
    }

    @Test func etagIsFNV1aOfContentAnd304OnMatch() throws {
        // FNV-1a 64 reference values: "" and "a".
        #expect(StaticFiles.fnv1a64Hex([]) == "cbf29ce484222325")
        #expect(StaticFiles.fnv1a64Hex(Array("a".utf8)) == "af63dc4c8601ec8c")
        let etag = try #require(get("/app.mjs")?.headers["ETag"])
        #expect(etag == "\"\(StaticFiles.fnv1a64Hex(Array("export {}".utf8)))\"")
        #expect(get("/app.mjs", ["If-None-Match": etag])?.status == .notModified)
        #expect(get("/app.mjs", ["If-None-Match": "\"other\", W/\(etag)"])?.status == .notModified)
        #expect(get("/app.mjs", ["If-None-Match": "*"])?.status == .notModified)
        #expect(get("/app.mjs", ["If-None-Match": "\"other\""])?.status == .ok)
        let notModified = try #require(get("/app.mjs", ["If-None-Match": etag]))
        #expect(notModified.body.isEmpty)
        #expect(notModified.headers["ETag"] == etag)
    }

    @Test func loadsADirectoryTree() throws {
        let directory = "/tmp/yaguts-static-\(UInt64.random(in: 0 ... .max))"
        try makeDirectory(directory + "/css")
        try writeFile(directory + "/index.html", "<p>home</p>")
        try writeFile(directory + "/css/site.css", "p{}")
        try writeFile(directory + "/.secret", "no")
        let files = try StaticFiles(directory: directory)
        #expect(Set(files.files.keys) == ["/index.html", "/css/site.css"])
        #expect(files.files["/css/site.css"]?.contentType == "text/css; charset=utf-8")
        try removeDirectory(directory)
    }

    @Test func servedOverAConnectionWithConditionalGet() throws {
        var router = Router()
        router.staticFiles = Self.files
        let harness = ConnectionHarness(router: router)
        harness.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let etag = try #require(harness.responses().first?.headers["ETag"])
        harness.send("GET /index.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: \(etag)\r\n\r\n")
        let responses = harness.responses()
        #expect(responses.map(\.status) == [200, 304])
        #expect(responses[1].headers["Content-Length"] == nil)
        #expect(harness.records.records.map(\.route) == ["static", "static"])
    }
}
