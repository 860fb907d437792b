import Foundation

/// One received datagram and when it arrived.
public struct Datagram: Sendable, CustomStringConvertible {
    public let receivedAt: ContinuousClock.Instant
    public let bytes: [UInt8]

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    /// Newline-separated assignments, as in the `sd_notify` protocol.
    public var lines: [String] { text.split(separator: "\n").map(String.init) }
    public var description: String { text.debugDescription }
}

/// The receiving side of a unix datagram socket, as systemd (`NOTIFY_SOCKET`) or journald
/// (`/run/systemd/journal/socket`) holds it. Every wait is bounded by a timeout.
public final class DatagramSocket: Sendable {
    public let path: String
    private let descriptor: Int32

    public init(boundTo path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketSetupError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw SocketSetupError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw SocketSetupError("bind \(path): errno \(errno)")
        }
        var bufferSize: Int32 = 4 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(descriptor)
    }

    /// The next datagram, or nil when none arrives within `timeout`.
    public func receive(timeout: Duration) -> Datagram? {
        let millis = max(0, Int32(timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, millis) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return Datagram(receivedAt: .now, bytes: Array(buffer[0..<count]))
    }

    /// Everything already queued, without waiting.
    public func drain() -> [Datagram] {
        var datagrams: [Datagram] = []
        while let datagram = receive(timeout: .zero) { datagrams.append(datagram) }
        return datagrams
    }

    /// Receives for `duration` on a dedicated thread, so blocking waits never hold a thread of the
    /// concurrency pool that the code under test needs.
    public func collect(for duration: Duration) async -> [Datagram] {
        let deadline = ContinuousClock.now + duration
        return await collect(until: { false }, deadline: deadline)
    }

    /// Receives until `isFinished()` holds and nothing arrived for 50 ms, or until `deadline`.
    public func collect(until isFinished: @escaping @Sendable () -> Bool, deadline: ContinuousClock.Instant) async -> [Datagram] {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var received: [Datagram] = []
                while true {
                    let remaining = ContinuousClock.now.duration(to: deadline)
                    if remaining <= .zero { break }
                    if let datagram = self.receive(timeout: min(remaining, .milliseconds(50))) {
                        received.append(datagram)
                    } else if isFinished() {
                        received.append(contentsOf: self.drain())
                        break
                    }
                }
                continuation.resume(returning: received)
            }
            thread.start()
        }
    }
}

/// A test could not set up its socket (the message says which call failed).
public struct SocketSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
