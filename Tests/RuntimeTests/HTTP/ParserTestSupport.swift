@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

/// A parsed message with its body chunks joined, so results of different
/// splits compare equal.
struct ParsedMessage: Equatable {
    var head: HTTPRequestHead
    var body: [UInt8] = []
    var trailers: HTTPHeaders?
}

struct ParseOutcome: Equatable {
    var messages: [ParsedMessage] = []
    var error: HTTPParseError?
}

/// Feeds `bytes` to a fresh parser in pieces of `splitSize` (nil: all at
/// once) and collects everything it produces.
func parse(_ bytes: [UInt8], splitSize: Int? = nil, limits: HTTPRequestParser.Limits = .init()) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    let size = max(1, splitSize ?? bytes.count)
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + size)
        parser.append(contentsOf: bytes[offset..<end])
        offset = end
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head): outcome.messages.append(ParsedMessage(head: head))
                case .body(let chunk): outcome.messages[outcome.messages.count - 1].body += chunk
                case .end(let trailers): outcome.messages[outcome.messages.count - 1].trailers = trailers
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < bytes.count
    return outcome
}

func parse(_ text: String, splitSize: Int? = nil, limits: HTTPRequestParser.Limits = .init()) -> ParseOutcome {
    parse(Array(text.utf8), splitSize: splitSize, limits: limits)
}

/// The status a malformed request ends in, or nil when it parsed.
func errorStatus(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> Int? {
    let oneShot = parse(text, limits: limits)
    let byByte = parse(text, splitSize: 1, limits: limits)
    precondition(oneShot.error?.status == byByte.error?.status, "split changed the outcome of \(text.debugDescription)")
    return oneShot.error?.status.code
}
