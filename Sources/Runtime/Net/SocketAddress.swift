import CLibUV
import Glibc

/// An IPv4 or IPv6 address and port, parsed from the text a user configures.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage

    /// Parses `host` (an IPv4 or IPv6 literal, or `localhost`) and `port`.
    public init(host: String, port: Int) throws {
        storage = sockaddr_storage()
        let literal = host == "localhost" ? "127.0.0.1" : host.trimmingBrackets
        let status: Int32 = withUnsafeMutablePointer(to: &storage) { pointer in
            if literal.contains(":") {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    uv_ip6_addr(literal, Int32(port), $0)
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                uv_ip4_addr(literal, Int32(port), $0)
            }
        }
        guard status == 0 else { throw UVError(code: status, operation: "parse address \(host)") }
    }

    init(storage: sockaddr_storage) {
        self.storage = storage
    }

    public var isIPv6: Bool { Int32(storage.ss_family) == AF_INET6 }

    public var host: String {
        var copy = storage
        var buffer = [CChar](repeating: 0, count: 64)
        withUnsafePointer(to: &copy) { pointer in
            if isIPv6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { _ = uv_ip6_name($0, &buffer, buffer.count) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { _ = uv_ip4_name($0, &buffer, buffer.count) }
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var port: Int {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            if isIPv6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// `127.0.0.1:8080` or `[::1]:8080`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func withSockAddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) rethrows -> T {
        var copy = storage
        let length = socklen_t(isIPv6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        return try withUnsafePointer(to: &copy) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }
}

extension String {
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
