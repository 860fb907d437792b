/// Where the HTTP surface listens and whether the admin API is on.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Host or IP literal to bind, e.g. `127.0.0.1` or `::1`.
    public var host: String
    /// TCP port; 0 asks the kernel for a free one (tests), read back via `HTTPServer.boundAddress()`.
    public var port: Int
    /// The admin bearer token (read from `http.admin_token_file`); nil or blank disables `/v1/`.
    public var adminToken: String?
    /// Largest admin request body accepted; larger ones get 413 `payload_too_large`.
    public var maxRequestBodyBytes: Int

    public static let defaultListen = "127.0.0.1:8470"
    public static let defaultMaxRequestBodyBytes = 4 << 20

    public init(
        host: String = "127.0.0.1",
        port: Int = 8470,
        adminToken: String? = nil,
        maxRequestBodyBytes: Int = HTTPServerConfiguration.defaultMaxRequestBodyBytes
    ) {
        self.host = host
        self.port = port
        self.adminToken = adminToken
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    /// From the `http.listen` setting: `HOST:PORT`, with IPv6 literals in brackets (`[::1]:8470`).
    public init(
        listen: String,
        adminToken: String? = nil,
        maxRequestBodyBytes: Int = HTTPServerConfiguration.defaultMaxRequestBodyBytes
    ) throws(HTTPConfigurationError) {
        let (host, port) = try Self.parse(listen: listen)
        self.init(host: host, port: port, adminToken: adminToken, maxRequestBodyBytes: maxRequestBodyBytes)
    }

    static func parse(listen: String) throws(HTTPConfigurationError) -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]") else { throw .invalidListen(listen) }
            host = listen[listen.index(after: listen.startIndex)..<close]
            let rest = listen[listen.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .invalidListen(listen) }
            portText = rest.dropFirst()
        } else {
            guard let colon = listen.lastIndex(of: ":") else { throw .invalidListen(listen) }
            host = listen[..<colon]
            portText = listen[listen.index(after: colon)...]
            // An unbracketed IPv6 literal is ambiguous ("::1:8470"): refuse it.
            guard !host.contains(":") else { throw .invalidListen(listen) }
        }
        guard !host.isEmpty, !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), (0...65535).contains(port)
        else {
            throw .invalidListen(listen)
        }
        return (String(host), port)
    }
}

/// A configuration value the HTTP surface cannot use.
public enum HTTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Code `invalid_listen`: `http.listen` is not `HOST:PORT` (port 0...65535).
    case invalidListen(String)

    public var code: String {
        switch self {
        case .invalidListen: "invalid_listen"
        }
    }

    public var description: String {
        switch self {
        case .invalidListen: "\(code): http.listen \(detail)"
        }
    }

    /// What is wrong with the value, for a message that names the key itself.
    public var detail: String {
        switch self {
        case .invalidListen(let value): "\"\(value)\" is not HOST:PORT (IPv6 as [ADDR]:PORT, port 0-65535)"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
