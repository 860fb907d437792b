import Testing
@testable import CreditHTTP

@Suite("Money and date strings")
struct ValidationTests {
    @Test("plain decimals are accepted", arguments: ["0.5", "1250.00", "25000", "007.10", "999999999999999999.99"])
    func goodMoney(text: String) {
        #expect(MoneyString.check(text, allowZero: false) == nil)
    }

    @Test(
        "anything else is not a decimal",
        arguments: ["12,00", "1e3", "-5", "+5", " 5", "5 ", "", ".", ".5", "5.", "1.2.3", "0x10", "١٢", "NaN", "5\u{0}"]
    )
    func badMoney(text: String) {
        #expect(MoneyString.check(text, allowZero: true) == .notADecimal)
    }

    @Test("more than 18 integer digits is refused")
    func tooLong() {
        #expect(MoneyString.check("1234567890123456789", allowZero: true) == .tooManyDigits)
        #expect(MoneyString.check("1." + String(repeating: "1", count: 19), allowZero: true) == .tooManyDigits)
    }

    @Test("zero is refused only where it must be positive")
    func zero() {
        #expect(MoneyString.check("0.00", allowZero: false) == .zeroNotAllowed)
        #expect(MoneyString.check("0", allowZero: true) == nil)
    }

    @Test("real calendar days only", arguments: [
        ("2026-12-31", true), ("2028-02-29", true), ("2000-02-29", true),
        ("2026-02-29", false), ("1900-02-29", false), ("2026-04-31", false), ("2026-13-01", false),
        ("2026-00-10", false), ("2026-01-00", false), ("0000-01-01", false), ("31.12.2026", false),
        ("2026-1-01", false), ("2026-12-31T00:00:00Z", false), ("", false),
    ])
    func dates(text: String, valid: Bool) {
        #expect(CalendarDateString.isValid(text) == valid)
    }
}

@Suite("Route table")
struct RouteTableTests {
    @Test("every documented route resolves", arguments: [
        ("GET", "/healthz", Endpoint.health),
        ("GET", "/readyz", .readiness),
        ("GET", "/metrics", .metrics),
        ("POST", "/v1/orders/O-1/release", .admin(.releaseOrder, identifier: "O-1")),
        ("PUT", "/v1/customers/C-1/limit", .admin(.setLimit, identifier: "C-1")),
        ("DELETE", "/v1/customers/C-1/limit", .admin(.clearLimit, identifier: "C-1")),
        ("POST", "/v1/customers/C-1/block", .admin(.blockCustomer, identifier: "C-1")),
        ("POST", "/v1/customers/C-1/unblock", .admin(.unblockCustomer, identifier: "C-1")),
        ("POST", "/v1/customers/C-1/rescore", .admin(.rescoreCustomer, identifier: "C-1")),
        ("POST", "/v1/bureau/reports", .admin(.importBureauReports, identifier: "")),
        ("POST", "/v1/outbox/retry", .admin(.retryRefusedOutbox, identifier: "")),
        ("GET", "/v1/customers/C%2F1%20x", .admin(.showCustomer, identifier: "C/1 x")),
    ])
    func resolves(method: String, path: String, endpoint: Endpoint) {
        #expect(RouteTable.resolve(method: method, path: path) == .endpoint(endpoint))
    }

    @Test("a known path with the wrong method is 405 with the allowed methods")
    func methodNotAllowed() {
        #expect(RouteTable.resolve(method: "POST", path: "/v1/customers/C-1/limit") == .methodNotAllowed(allowed: ["DELETE", "PUT"]))
        #expect(RouteTable.resolve(method: "POST", path: "/healthz") == .methodNotAllowed(allowed: ["GET"]))
    }

    @Test("unknown paths and bad escapes", arguments: ["/", "/v1", "/v1/customers/C-1/limits", "/v2/bureau/reports", "/metrics/x"])
    func notFound(path: String) {
        #expect(RouteTable.resolve(method: "GET", path: path) == .notFound)
    }

    @Test("malformed percent-encoding is refused, not passed through")
    func badEscape() {
        #expect(RouteTable.resolve(method: "GET", path: "/v1/customers/C%zz") == .badPath)
        #expect(RouteTable.resolve(method: "GET", path: "/v1/customers/C%") == .badPath)
        #expect(RouteTable.resolve(method: "GET", path: "/v1/customers/%FF") == .badPath)
    }

    @Test("the admin prefix covers /v1 and below only")
    func adminPrefix() {
        #expect(RouteTable.isAdminPath("/v1"))
        #expect(RouteTable.isAdminPath("/v1/anything"))
        #expect(!RouteTable.isAdminPath("/v10/x"))
        #expect(!RouteTable.isAdminPath("/healthz"))
    }

    /// Every spelling that routes to a protected endpoint is protected: the check and the router
    /// read the same decoded segments.
    @Test("the admin check reads the path as the router does", arguments: [
        "//v1/customers/C-1/block", "/v1//customers/C-1/block", "/%76%31/orders/O-3/release", "/%76%31",
        "//report", "/%72eport", "/report/", "/v1/customers/%zz",
    ])
    func adminCheckMatchesRouting(path: String) {
        #expect(RouteTable.isAdminPath(path))
    }

    @Test("every endpoint behind the token is recognised as such, whatever the spelling")
    func everyProtectedRouteIsChecked() {
        for path in ["/v1/customers/C-1", "/v1/customers/C-1/limit", "/v1/orders/O-1/release", "/v1/bureau/reports", "/report", "/v1/report"] {
            for spelling in [path, "/" + path, path.replacingOccurrences(of: "/", with: "//"), path.replacingOccurrences(of: "v1", with: "%76%31")] {
                guard case .endpoint(let endpoint) = RouteTable.resolve(method: path.hasSuffix("limit") ? "PUT" : (path.hasSuffix("release") || path.hasSuffix("reports") ? "POST" : "GET"), path: spelling) else {
                    Issue.record("\(spelling) does not route")
                    continue
                }
                switch endpoint {
                case .health, .readiness, .metrics: Issue.record("\(spelling) routed to an open endpoint")
                default: #expect(RouteTable.isAdminPath(spelling), "\(spelling) routes to \(endpoint) without the token check")
                }
            }
        }
    }
}

@Suite("http.listen parsing")
struct ListenParsingTests {
    @Test("host and port", arguments: [
        ("127.0.0.1:8470", "127.0.0.1", 8470), ("127.0.0.1:0", "127.0.0.1", 0),
        ("[::1]:9000", "::1", 9000), ("localhost:80", "localhost", 80),
    ])
    func good(listen: String, host: String, port: Int) throws {
        let configuration = try HTTPServerConfiguration(listen: listen)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
    }

    @Test("refused with invalid_listen", arguments: ["8470", "127.0.0.1", "127.0.0.1:", ":8470", "127.0.0.1:65536", "::1:8470", "[::1]8470", "host:-1", "host:8o"])
    func bad(listen: String) {
        #expect(throws: HTTPConfigurationError.invalidListen(listen)) {
            try HTTPServerConfiguration(listen: listen)
        }
        #expect(HTTPConfigurationError.invalidListen(listen).code == "invalid_listen")
    }
}
