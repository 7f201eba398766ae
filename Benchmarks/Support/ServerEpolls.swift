import Foundation

/// Which of a server's event loops holds which socket, read from Linux's
/// `/proc`: every libuv loop owns one epoll instance, and
/// `/proc/PID/fdinfo/EPOLLFD` lists the descriptors it watches (`tfd:`).
/// A benchmark cannot choose the loop the kernel's `SO_REUSEPORT` gives a
/// connection, but it can observe it this way: the descriptor that appears
/// when a connection opens tells which loop took it.
public struct ServerEpolls: Sendable, Equatable {
    /// Epoll descriptor (one per loop) → the socket descriptors it watches.
    public var sockets: [Int32: Set<Int32>]

    /// A snapshot of `pid`'s epoll instances (empty where /proc is unreadable).
    public static func read(pid: Int32) -> ServerEpolls {
        let fdDirectory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []
        var epolls: [Int32] = []
        var socketFDs: Set<Int32> = []
        for entry in entries {
            guard let fd = Int32(entry),
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(entry)") else { continue }
            if target == "anon_inode:[eventpoll]" { epolls.append(fd) } else if target.hasPrefix("socket:") { socketFDs.insert(fd) }
        }
        var sockets: [Int32: Set<Int32>] = [:]
        for epoll in epolls {
            guard let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(epoll)", encoding: .utf8) else { continue }
            var watched: Set<Int32> = []
            for line in info.split(separator: "\n") where line.hasPrefix("tfd:") {
                if let fd = line.dropFirst(4).split(separator: " ").first.flatMap({ Int32($0) }), socketFDs.contains(fd) {
                    watched.insert(fd)
                }
            }
            sockets[epoll] = watched
        }
        return ServerEpolls(sockets: sockets)
    }

    /// The epoll watching `fd`, if exactly one does.
    public func epoll(of fd: Int32) -> Int32? {
        let owners = sockets.filter { $0.value.contains(fd) }.map(\.key)
        return owners.count == 1 ? owners[0] : nil
    }

    /// Sockets watched now that `earlier` did not show, with their epoll.
    public func added(since earlier: ServerEpolls) -> [(fd: Int32, epoll: Int32)] {
        sockets.flatMap { epoll, fds in fds.subtracting(earlier.sockets[epoll] ?? []).map { (fd: $0, epoll: epoll) } }
    }
}
