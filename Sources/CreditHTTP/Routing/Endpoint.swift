/// Everything the HTTP surface answers, as resolved from method and path.
enum Endpoint: Sendable, Equatable {
    case health
    case readiness
    case metrics
    /// The collection report: an HTML page (`/report`) or JSON (`/v1/report`).
    case report(html: Bool)
    /// An admin route with its percent-decoded path identifier ("" for routes without one).
    case admin(AdminRoute, identifier: String)
}

/// The outcome of matching a request line against the route table.
enum RouteResolution: Sendable, Equatable {
    case endpoint(Endpoint)
    /// The path exists but not for this method; `allowed` feeds the `Allow` header.
    case methodNotAllowed(allowed: [String])
    case notFound
    /// A path segment that is not valid percent-encoding.
    case badPath
}

extension RouteResolution {
    /// True when it reaches an endpoint behind the bearer token (the admin API and the report).
    var requiresToken: Bool {
        switch self {
        case .endpoint(.admin), .endpoint(.report): return true
        case .endpoint(.health), .endpoint(.readiness), .endpoint(.metrics), .methodNotAllowed, .notFound, .badPath: return false
        }
    }
}
