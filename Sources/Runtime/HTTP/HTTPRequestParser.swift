/// An incremental HTTP/1.1 request parser (RFC 9112), strict where leniency
/// lets two parsers disagree about where a message ends (request smuggling).
///
/// Use: ``append(_:)`` bytes as they arrive, in any split, then call
/// ``next()`` until it returns nil (needs more bytes). Each request yields one
/// ``Event/head(_:)``, zero or more ``Event/body(_:)`` and one ``Event/end(trailers:)``.
/// The caller decides when to pull, so bytes of a pipelined request wait in
/// the buffer until the current one is answered, and after an upgrade the
/// bytes past the request are still there (``takeBufferedBytes()``).
///
/// Errors: the first error is thrown again by every later ``next()``; the
/// framing of the stream is lost and the connection must be closed after
/// answering ``HTTPParseError/status``.
///
/// Choices where RFC 9112 leaves room (all answered 400 unless noted):
/// - Lines must end in CRLF; a bare LF or CR is rejected. Empty lines before a
///   request line are skipped (§2.2).
/// - obs-fold, whitespace before the colon, controls (NUL included) in field
///   names or values, a duplicate Host, no Host on HTTP/1.1, or a Host value
///   that is not `uri-host [":" port]` (``HTTPHostSyntax``).
/// - Content-Length with Transfer-Encoding; Content-Length values that differ
///   (identical repeats, `5, 5`, are accepted); non-digits or more than 18 digits.
/// - Transfer-Encoding on HTTP/1.0, not ending in `chunked`, or `chunked`
///   twice. Another coding before the final `chunked` (gzip…) is valid HTTP
///   that this server does not decode: 501.
/// - Versions other than 1.0 and 1.1 are 505; request-target over the limit
///   414; header section (or trailer section) over the limit 431.
///
/// Threading: a value type with no shared state; confine it to one loop.
public struct HTTPRequestParser: Sendable {
    public struct Limits: Sendable {
        /// Bytes of field lines in the header (or trailer) section.
        public var maxHeaderBytes: Int
        /// Bytes of the request-target.
        public var maxTargetBytes: Int
        /// Bytes of a chunk-size line, extensions included.
        public var maxChunkLineBytes: Int

        public init(maxHeaderBytes: Int = 16 * 1024, maxTargetBytes: Int = 8 * 1024, maxChunkLineBytes: Int = 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxTargetBytes = maxTargetBytes
            self.maxChunkLineBytes = maxChunkLineBytes
        }
    }

    public enum Event: Equatable, Sendable {
        case head(HTTPRequestHead)
        case body([UInt8])
        case end(trailers: HTTPHeaders)
    }

    private enum State {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case messageEnd
        case failed(HTTPParseError)
    }

    /// Where the search for a section's closing empty line stands. Offsets are
    /// relative to `readIndex`, so compaction does not invalidate them.
    private struct SectionScan {
        var scanned = 0
        var lineStart = 0
        var firstLineLength: Int?
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.head
    private var scan = SectionScan()
    private var requestLine: (method: HTTPMethod, target: String, version: HTTPVersion)?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes received and not yet returned as events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True when no byte of an unfinished message has been consumed: the
    /// previous message ended (or none began) and the next has not started.
    public var isAtMessageBoundary: Bool {
        if case .head = state { return scan.scanned == 0 && requestLine == nil }
        return false
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Removes and returns the bytes not yet parsed, e.g. the first frames a
    /// client sent right behind its upgrade request.
    public mutating func takeBufferedBytes() -> [UInt8] {
        defer {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        return Array(buffer[readIndex...])
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Event? {
        if case .failed(let error) = state { throw error }
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        switch state {
        case .failed(let error):
            throw error
        case .head:
            return try parseHead().map(Event.head)
        case .fixedBody(let remaining):
            guard let bytes = takeBody(upTo: remaining) else { return nil }
            state = remaining == bytes.count ? .messageEnd : .fixedBody(remaining: remaining - bytes.count)
            return .body(bytes)
        case .chunkSize:
            guard try parseChunkSize() else { return nil }
            return try step()
        case .chunkData(let remaining):
            guard let bytes = takeBody(upTo: remaining) else { return nil }
            state = remaining == bytes.count ? .chunkDataEnd : .chunkData(remaining: remaining - bytes.count)
            return .body(bytes)
        case .chunkDataEnd:
            guard bufferedByteCount >= 2 else { return nil }
            guard buffer[readIndex] == HTTPASCII.cr, buffer[readIndex + 1] == HTTPASCII.lf else {
                throw .badRequest("chunk data not followed by CRLF")
            }
            readIndex += 2
            state = .chunkSize
            return try step()
        case .trailers:
            guard let end = try scanSection(isHead: false) else { return nil }
            let trailers = try parseFields(from: readIndex, to: readIndex + end - 2)
            readIndex += end
            scan = SectionScan()
            state = .head
            return .end(trailers: trailers)
        case .messageEnd:
            state = .head
            return .end(trailers: HTTPHeaders())
        }
    }

    private mutating func takeBody(upTo remaining: Int) -> [UInt8]? {
        let count = min(remaining, bufferedByteCount)
        guard count > 0 else { return nil }
        defer { readIndex += count }
        return Array(buffer[readIndex..<readIndex + count])
    }

    // MARK: - Head

    private mutating func parseHead() throws(HTTPParseError) -> HTTPRequestHead? {
        if requestLine == nil {
            if scan.scanned == 0 {
                guard try skipEmptyLines() else { return nil }
            }
            _ = try scanSection(isHead: true)
            guard let length = scan.firstLineLength else { return nil }
            requestLine = try parseRequestLine(buffer[readIndex..<readIndex + length - 2])
        }
        guard let requestLine, let firstLineLength = scan.firstLineLength,
              let end = try scanSection(isHead: true) else { return nil }

        let headers = try parseFields(from: readIndex + firstLineLength, to: readIndex + end - 2)
        let framing = try Self.bodyFraming(version: requestLine.version, headers: headers)
        readIndex += end
        scan = SectionScan()
        self.requestLine = nil
        switch framing {
        case .none, .contentLength(0): state = .messageEnd
        case .contentLength(let length): state = .fixedBody(remaining: length)
        case .chunked: state = .chunkSize
        }
        return HTTPRequestHead(method: requestLine.method, target: requestLine.target,
                               version: requestLine.version, headers: headers, bodyFraming: framing)
    }

    private mutating func skipEmptyLines() throws(HTTPParseError) -> Bool {
        while bufferedByteCount > 0 {
            switch buffer[readIndex] {
            case HTTPASCII.cr:
                guard bufferedByteCount >= 2 else { return false }
                guard buffer[readIndex + 1] == HTTPASCII.lf else { throw .badRequest("bare CR") }
                readIndex += 2
            case HTTPASCII.lf:
                throw .badRequest("line not terminated by CRLF")
            default:
                return true
            }
        }
        return true
    }

    /// Continues the search for the empty line ending a field section and
    /// returns the section's length (relative to `readIndex`, closing CRLF
    /// included), or nil when more bytes are needed. For a head the first line
    /// is the request line, and the scan pauses after it so that it is
    /// validated before anything behind it.
    ///
    /// Limits are checked byte by byte in scan order, so the outcome of a
    /// malformed input does not depend on how it was split into reads.
    private mutating func scanSection(isHead: Bool) throws(HTTPParseError) -> Int? {
        var index = readIndex + scan.scanned
        defer { scan.scanned = index - readIndex }
        while index < buffer.count {
            let offset = index - readIndex
            if let fieldsStart = isHead ? scan.firstLineLength : 0 {
                // A section whose field lines fit ends with its LF at fieldsStart + max + 1 at the latest.
                if offset >= fieldsStart + limits.maxHeaderBytes + 2 { throw .headersTooLarge }
            } else if offset >= limits.maxTargetBytes + 64 {
                throw .targetTooLong
            }
            if buffer[index] == HTTPASCII.lf {
                guard offset > 0, buffer[index - 1] == HTTPASCII.cr else {
                    throw .badRequest("line not terminated by CRLF")
                }
                index += 1
                if offset - 1 == scan.lineStart { return offset + 1 }
                scan.lineStart = offset + 1
                if scan.firstLineLength == nil {
                    scan.firstLineLength = offset + 1
                    if isHead { return nil }
                }
                continue
            }
            index += 1
        }
        return nil
    }

    private func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (method: HTTPMethod, target: String, version: HTTPVersion) {
        var index = line.startIndex
        while index < line.endIndex, HTTPASCII.isTokenByte(line[index]) { index += 1 }
        guard index > line.startIndex, index < line.endIndex, line[index] == HTTPASCII.space else {
            throw .badRequest("malformed request line")
        }
        let method = HTTPMethod(rawValue: String(decoding: line[line.startIndex..<index], as: UTF8.self))
        index += 1
        let targetStart = index
        while index < line.endIndex, line[index] != HTTPASCII.space {
            guard HTTPASCII.isTargetByte(line[index]) else { throw .badRequest("invalid byte in request target") }
            index += 1
        }
        if index - targetStart > limits.maxTargetBytes { throw .targetTooLong }
        guard index > targetStart, index < line.endIndex else { throw .badRequest("malformed request line") }
        let target = line[targetStart..<index]
        let version = try Self.parseVersion(line[(index + 1)...])
        try Self.validateTargetForm(target, method: method)
        return (method, String(decoding: target, as: UTF8.self), version)
    }

    private static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let text = Array(bytes)
        guard text.count == 8, text[0..<5].elementsEqual("HTTP/".utf8), HTTPASCII.isDigit(text[5]),
              text[6] == UInt8(ascii: "."), HTTPASCII.isDigit(text[7]) else {
            throw .badRequest("malformed HTTP version")
        }
        let version = HTTPVersion(major: Int(text[5] - 48), minor: Int(text[7] - 48))
        guard version == .http1_1 || version == .http1_0 else { throw .versionNotSupported }
        return version
    }

    /// origin-form, absolute-form (http/https) and asterisk-form for OPTIONS;
    /// authority-form is CONNECT's, which this server does not proxy.
    private static func validateTargetForm(_ target: ArraySlice<UInt8>, method: HTTPMethod) throws(HTTPParseError) {
        guard !target.contains(HTTPASCII.hash) else { throw .badRequest("fragment in request target") }
        if target.first == HTTPASCII.slash { return }
        if target.elementsEqual("*".utf8) {
            guard method == .options else { throw .badRequest("asterisk-form is for OPTIONS only") }
            return
        }
        let lower = target.prefix(8).map(HTTPASCII.lowercased)
        if lower.starts(with: "http://".utf8) || lower.starts(with: "https://".utf8) { return }
        throw .badRequest("unsupported request-target form")
    }

    // MARK: - Fields

    /// Parses field lines between `start` and `end` (each ending in CRLF).
    private func parseFields(from start: Int, to end: Int) throws(HTTPParseError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var lineStart = start
        while lineStart < end {
            var lineEnd = lineStart
            while buffer[lineEnd] != HTTPASCII.lf { lineEnd += 1 }
            try parseField(buffer[lineStart..<lineEnd - 1], into: &headers)
            lineStart = lineEnd + 1
        }
        return headers
    }

    private func parseField(_ line: ArraySlice<UInt8>, into headers: inout HTTPHeaders) throws(HTTPParseError) {
        guard let first = line.first else { throw .badRequest("empty field line") }
        if HTTPASCII.isWhitespace(first) { throw .badRequest("obsolete line folding") }
        guard let colon = line.firstIndex(of: HTTPASCII.colon) else { throw .badRequest("field line without colon") }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty else { throw .badRequest("empty field name") }
        if HTTPASCII.isWhitespace(name.last!) { throw .badRequest("whitespace before colon") }
        guard name.allSatisfy(HTTPASCII.isTokenByte) else { throw .badRequest("invalid byte in field name") }
        var value = line[(colon + 1)...]
        guard value.allSatisfy(HTTPASCII.isFieldValueByte) else { throw .badRequest("control character in field value") }
        while let byte = value.first, HTTPASCII.isWhitespace(byte) { value = value.dropFirst() }
        while let byte = value.last, HTTPASCII.isWhitespace(byte) { value = value.dropLast() }
        headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    // MARK: - Framing

    private static func bodyFraming(version: HTTPVersion, headers: HTTPHeaders) throws(HTTPParseError) -> HTTPBodyFraming {
        let hosts = headers.values(for: "Host").count
        if hosts > 1 { throw .badRequest("more than one Host field") }
        if hosts == 0 && version == .http1_1 { throw .badRequest("missing Host field") }
        if let host = headers["Host"], !HTTPHostSyntax.isValid(host.utf8) { throw .badRequest("invalid Host field") }

        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw .badRequest("both Content-Length and Transfer-Encoding") }
            if version == .http1_0 { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            let codings = transferEncodings.flatMap(HTTPASCII.listElements)
            guard let last = codings.last, HTTPASCII.equalsIgnoringCase(last, "chunked") else {
                throw .badRequest("chunked must be the final transfer coding")
            }
            for coding in codings.dropLast() {
                if HTTPASCII.equalsIgnoringCase(coding, "chunked") { throw .badRequest("chunked applied twice") }
                throw .notImplemented("transfer coding \(coding) is not supported")
            }
            return .chunked
        }
        var length: Int?
        for value in contentLengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = HTTPASCII.trimmingWhitespace(element)
                guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy(HTTPASCII.isDigit),
                      let parsed = Int(digits) else {
                    throw .badRequest("invalid Content-Length")
                }
                if let length, length != parsed { throw .badRequest("conflicting Content-Length values") }
                length = parsed
            }
        }
        return length.map(HTTPBodyFraming.contentLength) ?? .none
    }

    // MARK: - Chunks

    /// Parses a chunk-size line; false when it is not complete yet.
    private mutating func parseChunkSize() throws(HTTPParseError) -> Bool {
        let window = buffer[readIndex..<min(buffer.count, readIndex + limits.maxChunkLineBytes + 2)]
        guard let lf = window.firstIndex(of: HTTPASCII.lf) else {
            if window.count > limits.maxChunkLineBytes + 1 { throw .badRequest("chunk-size line too long") }
            return false
        }
        guard lf > readIndex, buffer[lf - 1] == HTTPASCII.cr else { throw .badRequest("line not terminated by CRLF") }
        let line = buffer[readIndex..<lf - 1]
        var index = line.startIndex
        var size = 0
        while index < line.endIndex, let digit = HTTPASCII.hexValue(line[index]) {
            guard size <= (Int.max - digit) / 16 else { throw .badRequest("chunk size overflows") }
            size = size * 16 + digit
            index += 1
        }
        guard index > line.startIndex else { throw .badRequest("invalid chunk size") }
        try Self.validateChunkExtensions(line[index...])
        readIndex = lf + 1
        state = size == 0 ? .trailers : .chunkData(remaining: size)
        return true
    }

    /// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ). The
    /// extensions are ignored; they only have to be free of controls and
    /// introduced by `;`, so garbage after a size is not mistaken for one.
    private static func validateChunkExtensions(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) {
        let rest = bytes.drop(while: HTTPASCII.isWhitespace)
        guard rest.isEmpty || rest.first == HTTPASCII.semicolon else { throw .badRequest("invalid chunk size") }
        guard rest.allSatisfy(HTTPASCII.isFieldValueByte) else { throw .badRequest("control character in chunk extension") }
    }
}
