import Foundation

/// A directory tree served from memory: read once at start-up, so no loop
/// thread ever touches the disk. Each file carries a strong ETag (FNV-1a 64 of
/// its bytes) and answers `If-None-Match` with 304. HTML is `no-cache` (always
/// revalidated, so a deploy shows at once); other files use
/// ``assetCacheControl``. `/` and `/dir/` serve `index.html`.
public struct StaticFiles: Sendable {
    public struct File: Sendable {
        public let body: [UInt8]
        public let contentType: String
        public let etag: String
        public let cacheControl: String
    }

    /// By URL path, e.g. `/app.js`.
    public private(set) var files: [String: File] = [:]

    /// Loads every regular file under `directory`, dotfiles excepted.
    public init(directory: String, assetCacheControl: String = "public, max-age=300",
                htmlCacheControl: String = "no-cache") throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        var contents: [String: [UInt8]] = [:]
        for case let url as URL in enumerator {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count)
            let path = relative.hasPrefix("/") ? String(relative) : "/" + relative
            contents[path] = Array(try Data(contentsOf: url))
        }
        self.init(contents: contents, assetCacheControl: assetCacheControl, htmlCacheControl: htmlCacheControl)
    }

    /// Serves `contents` (URL path → bytes), e.g. files embedded in the binary.
    public init(contents: [String: [UInt8]], assetCacheControl: String = "public, max-age=300",
                htmlCacheControl: String = "no-cache") {
        for (path, body) in contents {
            let type = Self.contentType(forPath: path)
            files[path] = File(body: body, contentType: type, etag: "\"\(Self.fnv1a64Hex(body))\"",
                               cacheControl: type.hasPrefix("text/html") ? htmlCacheControl : assetCacheControl)
        }
    }

    /// Stops serving every file whose URL path `isServed` refuses (a
    /// directory may hold files that are not part of the site).
    public mutating func serveOnly(_ isServed: (String) -> Bool) {
        files = files.filter { isServed($0.key) }
    }

    /// The response for a GET or HEAD of a known file, or nil.
    public func response(for head: HTTPRequestHead) -> Response? {
        var path = PercentDecoding.decode(head.path)
        if path.hasSuffix("/") { path += "index.html" }
        guard let file = files[path] else { return nil }
        var headers: HTTPHeaders = ["ETag": file.etag, "Cache-Control": file.cacheControl]
        if let condition = head.headers["If-None-Match"], Self.matches(condition, etag: file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.add(name: "Content-Type", value: file.contentType)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: file.body)
    }

    /// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored.
    static func matches(_ condition: String, etag: String) -> Bool {
        HTTPASCII.listElements(condition).contains { candidate in
            candidate == "*" || (candidate.hasPrefix("W/") ? candidate.dropFirst(2) : candidate) == etag
        }
    }

    static func contentType(forPath path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let dot = name.lastIndex(of: ".")
        switch dot.map({ name[name.index(after: $0)...].lowercased() }) {
        case "html", "htm": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "json": return "application/json"
        case "webmanifest": return "application/manifest+json"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// FNV-1a, 64-bit: a fast content fingerprint for cache validation, not a
    /// security boundary.
    static func fnv1a64Hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
