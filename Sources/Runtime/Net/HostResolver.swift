import Dispatch
import Glibc

/// Name resolution for outgoing connections. `getaddrinfo` blocks, so it runs
/// on a Dispatch global queue, never on a loop thread or the cooperative pool.
public enum HostResolver {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let host: String
        public let reason: String
        public var description: String { "cannot resolve \(host): \(reason)" }
    }

    /// Every TCP address of `host` (a literal or a name) at `port`.
    public static func resolve(_ host: String, port: Int) async throws -> [SocketAddress] {
        if let literal = try? SocketAddress(host: host, port: port) { return [literal] }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try lookUp(host, port: port) })
            }
        }
    }

    private static func lookUp(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, [AF_INET, AF_INET6].contains(Int32(address.pointee.sa_family)) {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
                }
                addresses.append(SocketAddress(storage: storage))
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw Failure(host: host, reason: "no addresses") }
        return addresses
    }
}

extension SocketAddress {
    /// True for addresses that reach this machine or a private network:
    /// loopback, RFC 1918, link-local, carrier-grade NAT, "this network",
    /// multicast/reserved, and their IPv6 counterparts (incl. IPv4-mapped).
    /// Servers that call out on a user's behalf refuse these by default (SSRF).
    public var isPrivateOrLocal: Bool {
        var copy = storage
        return withUnsafeBytes(of: &copy) { raw -> Bool in
            if isIPv6 {
                let bytes = Array(raw[8..<24])  // sin6_addr
                if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                    return Self.isPrivateIPv4(Array(bytes[12..<16]))
                }
                if bytes.allSatisfy({ $0 == 0 }) || bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
                if bytes[0] & 0xfe == 0xfc { return true }            // fc00::/7 unique local
                if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
                if bytes[0] == 0xff { return true }                   // multicast
                return false
            }
            return Self.isPrivateIPv4(Array(raw[4..<8]))  // sin_addr
        }
    }

    private static func isPrivateIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true
        case (169, 254): true
        case (172, 16...31): true
        case (192, 168): true
        case (224...255, _): true
        default: false
        }
    }
}
