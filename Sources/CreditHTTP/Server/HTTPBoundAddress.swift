/// The address the server actually listens on: with port 0 in the configuration, the only way to
/// learn the port the kernel chose.
public struct HTTPBoundAddress: Sendable, Equatable, CustomStringConvertible {
    /// The IP address bound, e.g. `127.0.0.1`.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, IPv6 in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `http://HOST:PORT`, for clients and log lines.
    public var baseURL: String { "http://\(description)" }
}

/// Why `HTTPServer.boundAddress()` has no address to give.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Code `server_stopped`: the server stopped, or failed to bind, before it listened.
    case stoppedBeforeListening(reason: String)
    /// Code `server_already_started`: `run()` may be called once per `HTTPServer`.
    case alreadyStarted
    /// Code `cannot_listen`: the address could not be bound (in use, not an address of this
    /// machine, a privileged port); `reason` is the system's word for it.
    case cannotListen(address: String, reason: String)

    public var code: String {
        switch self {
        case .stoppedBeforeListening: "server_stopped"
        case .alreadyStarted: "server_already_started"
        case .cannotListen: "cannot_listen"
        }
    }

    public var description: String {
        switch self {
        case .stoppedBeforeListening(let reason): "\(code): the HTTP server stopped before listening: \(reason)"
        case .alreadyStarted: "\(code): run() was already called on this HTTP server"
        case .cannotListen(let address, let reason): "\(code): cannot listen on \(address): \(reason)"
        }
    }
}
