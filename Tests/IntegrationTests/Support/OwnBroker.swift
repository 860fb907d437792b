import Foundation

/// A Tansu broker of one test's own, on a free loopback port, started and stopped through
/// `scripts/broker` from the repository root. A test that stops its broker uses one of these, so
/// the shared broker (which other suites, benchmarks and engineers' runs may be using) never goes
/// away under them.
struct OwnBroker {
    let port: UInt16
    var address: String { "127.0.0.1:\(port)" }

    /// Starts a broker on a port the kernel says is free.
    static func start() throws -> OwnBroker {
        let broker = OwnBroker(port: try freePort())
        try broker.start()
        return broker
    }

    func start() throws {
        let result = try script("start")
        guard result.status == 0 else { throw TestFailure("scripts/broker start on port \(port) failed: \(result.output)") }
    }

    @discardableResult
    func stop() throws -> ProcessResult { try script("stop") }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the broker process: it keeps its connections and
    /// answers nothing, as a hung broker or a partitioned network does.
    func signal(_ number: Int32) throws {
        let file = "\(repositoryRoot)/.run/tansu-\(port).pid"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("no pid file \(file) for the broker on port \(port)")
        }
        guard kill(pid, number) == 0 else { throw TestFailure("kill(\(pid), \(number)): errno \(errno)") }
    }

    private func script(_ command: String) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["CREDITD_BROKER_PORT"] = String(port)
        environment.removeValue(forKey: "CREDITD_TEST_BROKER")
        // Through Python's subprocess, which closes every descriptor but 0-2 in the child: the
        // broker runs on after the script exits, and had it inherited the descriptor Foundation
        // watches to see the child end, `run` would wait for the broker instead of the script.
        return try run("/usr/bin/python3", ["-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))",
                                            "/bin/bash", "\(repositoryRoot)/scripts/broker", command], environment: environment)
    }

    /// Binds port 0 on loopback and returns what the kernel chose (free a moment ago).
    private static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("cannot bind a loopback port: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestFailure("getsockname: errno \(errno)") }
        return UInt16(bigEndian: addr.sin_port)
    }
}
