import CreditKafka
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real broker the tests talk to (`scripts/broker start`), never a mock.
enum TestBroker {
    static let address = ProcessInfo.processInfo.environment["CREDITD_TEST_BROKER"] ?? "127.0.0.1:19092"

    /// Fails the calling test (not skips it) when nothing listens at the broker address.
    static func require() throws {
        let reachable = tcpConnects(address, timeoutSeconds: 2)
        try #require(
            reachable,
            "No Kafka broker at \(address) ($CREDITD_TEST_BROKER): run `source scripts/env.sh && scripts/broker start` first."
        )
    }

    /// A name no other test (or earlier run against the same broker) uses.
    static func unique(_ prefix: String) -> String {
        "ck-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func configuration(_ extra: [String: String] = [:]) -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: address, properties: extra)
    }

    /// Consumer settings that keep group joins short on Tansu (it waits for the rebalance timeout).
    static func consumerConfiguration(group: String, _ extra: [String: String] = [:]) -> KafkaConfiguration {
        var configuration = configuration(extra)
        configuration.groupID = group
        configuration.autoOffsetReset = .earliest
        configuration.sessionTimeout = .seconds(3)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.maxPollInterval = .seconds(4)
        return configuration.merging(extra)
    }

    static func createTopic(_ name: String, partitions: Int32) async throws {
        try await Kafka.createTopic(name, partitions: partitions, configuration: configuration(), timeout: .seconds(10))
    }

    private static func tcpConnects(_ hostPort: String, timeoutSeconds: Int) -> Bool {
        guard let colon = hostPort.lastIndex(of: ":") else { return false }
        let host = String(hostPort[..<colon])
        let port = String(hostPort[hostPort.index(after: colon)...])
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &results) == 0, let first = results else { return false }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let connected = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
                close(fd)
                if connected { return true }
            }
            entry = info.pointee.ai_next
        }
        return false
    }
}
