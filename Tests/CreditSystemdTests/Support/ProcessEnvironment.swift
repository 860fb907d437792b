import Foundation

/// Runs `body` with environment variables set (or removed with nil) and restores them after.
/// libsystemd reads `NOTIFY_SOCKET`/`WATCHDOG_*` on every call, so this is how a test points the
/// real library at its own socket; suites that use it are serialized.
func withEnvironment<T>(_ changes: [String: String?], _ body: () async throws -> T) async rethrows -> T {
    var saved: [String: String?] = [:]
    for (name, value) in changes {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try await body()
}
