import Foundation

/// A private directory under /tmp for sockets, removed when the value goes away. Short path on
/// purpose: a unix socket path must fit in 108 bytes.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/creditd-systemd-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestSetupError("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
