import AsyncHTTPClient
import CreditBureau
import CreditCore
import CreditTestSupport
import Logging

/// A policy with short times so that the suite stays fast: 400 ms timeout, 10-40 ms back-off,
/// a breaker that opens after 3 failures for 500 ms.
func testPolicy(url: String, tokenFile: String? = nil) -> BureauPolicy {
    var policy = BureauPolicy(enabled: true)
    policy.url = url
    policy.timeout = .milliseconds(400)
    policy.retries = 2
    policy.backoff = RetryBackoff(initial: .milliseconds(10), maximum: .milliseconds(40))
    policy.breaker = CircuitBreakerSettings(failureThreshold: 3, openFor: .milliseconds(500))
    policy.dailyBudget = 100
    policy.refreshAgeDays = 30
    policy.tokenFile = tokenFile
    return policy
}

/// Everything one test needs: a fresh server, an HTTP client, a gate and a client on that server.
struct BureauFixture {
    let server: BureauTestServer
    let http: HTTPClient
    let capture: LogCapture
    let gate: BureauGateKeeper
    let client: BureauClient

    func seen() async throws -> [BureauTestServer.Seen] { try await server.requests(using: http) }
    func seen(_ customerId: String) async throws -> [BureauTestServer.Seen] {
        try await seen().filter { $0.customer_id == customerId }
    }
}

func withBureau(_ adjust: (inout BureauPolicy, BureauTestServer) throws -> Void = { _, _ in },
                _ body: (BureauFixture) async throws -> Void) async throws {
    let server = try BureauTestServer()
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        var policy = testPolicy(url: server.reportsURL)
        try adjust(&policy, server)
        let capture = LogCapture()
        let logger = capture.logger()
        let gate = BureauGateKeeper(policy: policy, logger: logger)
        let client = BureauClient(policy: policy, gate: gate, http: http, logger: logger, source: "test-bureau")
        try await body(BureauFixture(server: server, http: http, capture: capture, gate: gate, client: client))
    } catch {
        try? await http.shutdown()
        await server.stop()
        throw error
    }
    try await http.shutdown()
    await server.stop()
}

extension BureauFetchResult {
    var error: BureauFetchError? {
        if case .failed(let error) = self { return error }
        return nil
    }

    var report: BureauReport? {
        if case .report(let report) = self { return report }
        return nil
    }
}
