/// An ordered list of header fields as received or to be sent.
///
/// Order and duplicates are kept (they matter for `Set-Cookie` and for
/// detecting smuggling attempts); lookups compare names ASCII
/// case-insensitively, as RFC 9110 §5.1 requires. Linear scans are deliberate:
/// requests carry a few dozen fields at most, and a scan beats hashing there.
public struct HTTPHeaders: Sendable, Sequence, Equatable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Field = (name: String, value: String)

    private var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value of the field `name`, or nil when absent.
    public subscript(name: String) -> String? {
        fields.first { HTTPASCII.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Every value of the field `name`, in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { HTTPASCII.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPASCII.equalsIgnoringCase($0.name, name) }
    }

    /// True when the comma-separated list field `name` holds `token`
    /// (case-insensitive), across all of its lines: `Connection: keep-alive, Upgrade`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        values(for: name).contains { value in
            HTTPASCII.listElements(value).contains { HTTPASCII.equalsIgnoringCase($0, token) }
        }
    }

    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` by one field, at the first one's place.
    public mutating func replaceOrAdd(name: String, value: String) {
        if let index = fields.firstIndex(where: { HTTPASCII.equalsIgnoringCase($0.name, name) }) {
            fields[index] = (name: name, value: value)
            var next = index + 1
            while next < fields.count {
                if HTTPASCII.equalsIgnoringCase(fields[next].name, name) { fields.remove(at: next) } else { next += 1 }
            }
        } else {
            add(name: name, value: value)
        }
    }

    public mutating func remove(name: String) {
        fields.removeAll { HTTPASCII.equalsIgnoringCase($0.name, name) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Same fields in the same order; names compare case-insensitively, values exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { HTTPASCII.equalsIgnoringCase($0.name, $1.name) && $0.value == $1.value }
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}
