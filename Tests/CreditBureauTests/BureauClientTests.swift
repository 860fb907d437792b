import CreditBureau
import CreditCore
import Testing

@Suite("Bureau client against a loopback server")
struct BureauClientTests {
    @Test("a normal report: one POST with the documented headers and body, parsed")
    func normalReport() async throws {
        try await withBureau({ policy, server in policy.tokenFile = try server.writeToken("s3cret") }) { bureau in
            let result = await bureau.client.fetch(BureauRequest(customerId: "C-OK-1", customerName: "Acme Industrial GmbH"))
            let report = try #require(result.report)
            let eur = try #require(Currency(code: "EUR"))
            let asOf = try #require(LocalDate("2026-11-20"))
            let limit = try DecimalAmount.parse("150000.00").get()
            #expect(report == BureauReport(score: 72, recommendedLimit: limit, currency: eur, derogatory: false, asOf: asOf, source: "test-bureau"))
            #expect(result.code == "report")
            let seen = try await bureau.seen()
            #expect(seen == [BureauTestServer.Seen(method: "POST", path: "/v1/reports", customer_id: "C-OK-1",
                                                   customer_name: "Acme Industrial GmbH", authorization: "Bearer s3cret",
                                                   content_type: "application/json", accept: "application/json")])
            #expect(await bureau.gate.gate.breaker.state == .closed(consecutiveFailures: 0))
            #expect(await bureau.gate.gate.budget.used == 1)
        }
    }

    @Test("no token file: no Authorization header; an unknown name is sent as null")
    func noToken() async throws {
        try await withBureau { bureau in
            #expect(await bureau.client.fetch(BureauRequest(customerId: "C-OK-2")).report != nil)
            let seen = try await bureau.seen()
            #expect(seen.count == 1)
            #expect(seen.first?.authorization == nil)
            #expect(seen.first?.customer_name == nil)
        }
    }

    @Test("an unreadable token file sends nothing")
    func unreadableToken() async throws {
        try await withBureau({ policy, _ in policy.tokenFile = "/nonexistent/bureau-token" }) { bureau in
            let error = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-OK-3")).error)
            #expect(error.code == .tokenUnreadable)
            let seen1 = try await bureau.seen()
            #expect(seen1.isEmpty)
            #expect(await bureau.gate.gate.budget.used == 0)
        }
    }

    @Test("404: no report, not retried, the bureau counts as healthy")
    func noReport() async throws {
        try await withBureau { bureau in
            let result = await bureau.client.fetch(BureauRequest(customerId: "C-NONE-1"))
            #expect(result == .noReport)
            #expect(result.code == "no_report")
            let seen2 = try await bureau.seen("C-NONE-1")
            #expect(seen2.count == 1)
            #expect(await bureau.gate.gate.breaker.state == .closed(consecutiveFailures: 0))
        }
    }

    @Test("a malformed body is refused with the field, not retried, and counts as a failure")
    func malformedBody() async throws {
        try await withBureau { bureau in
            let error = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-BAD-1")).error)
            #expect(error.code == .malformedBody)
            #expect(error.status == 200)
            #expect(error.bodyError?.code == .invalidField)
            #expect(error.bodyError?.field == "score")
            #expect(error.attempts == 1)
            let seen3 = try await bureau.seen("C-BAD-1")
            #expect(seen3.count == 1)
            #expect(await bureau.gate.gate.breaker.state == .closed(consecutiveFailures: 1))
        }
    }

    @Test("401 is a configuration problem: not retried")
    func unauthorized() async throws {
        try await withBureau { bureau in
            let error = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-401-1")).error)
            #expect(error.code == .httpStatus)
            #expect(error.status == 401)
            #expect(error.attempts == 1)
            let seen4 = try await bureau.seen("C-401-1")
            #expect(seen4.count == 1)
        }
    }

    @Test("a refused connection is retried and then reported as connection_failed")
    func connectionRefused() async throws {
        try await withBureau({ policy, _ in policy.url = "http://127.0.0.1:9/v1/reports" }) { bureau in
            let error = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-OK-4")).error)
            #expect(error.code == .connectionFailed, "\(error)")
            #expect(error.attempts == 3)
            #expect(await bureau.gate.gate.budget.used == 3)
        }
    }

    @Test("a slow answer times out (with its retry) while another fetch goes on")
    func slowReportTimesOut() async throws {
        try await withBureau({ policy, _ in
            policy.retries = 1
            policy.timeout = .seconds(1)
        }) { bureau in
            let clock = ContinuousClock()
            let started = clock.now
            async let slow = bureau.client.fetch(BureauRequest(customerId: "C-SLOW-1"))
            // Give the slow request a head start so it is in flight while the quick one runs.
            try await Task.sleep(for: .milliseconds(200))
            let quick = await bureau.client.fetch(BureauRequest(customerId: "C-OK-5"))
            let quickDone = clock.now - started
            #expect(quick.report != nil)
            let error = try #require(await slow.error)
            let slowDone = clock.now - started
            #expect(quickDone < slowDone, "the quick fetch waited for the slow one")
            #expect(error.code == .timeout)
            #expect(error.attempts == 2)
            // Two attempts of 1 s and a short back-off; without the timeout the server's 5 s
            // answer would have come back as a report.
            #expect(slowDone < .milliseconds(4_000), "the timeout did not cut the request: \(slowDone)")
            let slowSeen = try await bureau.seen("C-SLOW-1")
            #expect(slowSeen.count == 2)
            let quickSeen = try await bureau.seen("C-OK-5")
            #expect(quickSeen.count == 1)
        }
    }

    @Test("a storm of 500s opens the breaker; after open_for one probe goes through; its success closes it")
    func breakerStorm() async throws {
        try await withBureau { bureau in
            // 1 try + 2 retries, all 500: the third failure opens the breaker.
            let first = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-500-1")).error)
            #expect(first.code == .httpStatus)
            #expect(first.status == 500)
            #expect(first.attempts == 3)
            guard case .open = await bureau.gate.gate.breaker.state else {
                Issue.record("the breaker did not open")
                return
            }
            #expect(bureau.capture.warnings(containing: "opened").count == 1)
            #expect(bureau.capture.warnings(containing: "opened").first?.metadata["endpoint"] == bureau.server.reportsURL)

            // Open: nothing reaches the server, whatever the customer.
            let rejected = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-OK-6")).error)
            #expect(rejected.code == .breakerOpen)
            #expect(rejected.retryAt != nil)
            #expect(rejected.attempts == 0)
            let seen7 = try await bureau.seen()
            #expect(seen7.count == 3)

            // After open_for, a failing probe opens it again (its retry is refused by the breaker).
            try await Task.sleep(for: .milliseconds(550))
            let probe = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-500-2")).error)
            #expect(probe.code == .httpStatus)
            #expect(probe.attempts == 1)
            let seen8 = try await bureau.seen()
            #expect(seen8.count == 4)
            #expect(bureau.capture.warnings(containing: "half-open").count == 1)
            #expect(bureau.capture.warnings(containing: "opened").count == 2)

            // After open_for again, a succeeding probe closes it.
            try await Task.sleep(for: .milliseconds(550))
            #expect(await bureau.client.fetch(BureauRequest(customerId: "C-OK-7")).report != nil)
            #expect(await bureau.gate.gate.breaker.state == .closed(consecutiveFailures: 0))
            #expect(bureau.capture.warnings(containing: "closed").count == 1)
            #expect(bureau.capture.warnings(containing: "closed").first?.metadata["breaker"] == "closed")
            let seen9 = try await bureau.seen()
            #expect(seen9.count == 5)
        }
    }

    @Test("the daily budget: retries count, and once spent no request reaches the server")
    func budgetExhausted() async throws {
        try await withBureau({ policy, _ in policy.dailyBudget = 3 }) { bureau in
            #expect(await bureau.client.fetch(BureauRequest(customerId: "C-OK-8")).report != nil)
            // 500, retried once, then the budget refuses the second retry.
            let failed = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-500-3")).error)
            #expect(failed.code == .httpStatus)
            #expect(failed.attempts == 2)
            #expect(failed.message.contains("budget"))
            let spent = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-OK-9")).error)
            #expect(spent.code == .budgetSpent)
            #expect(spent.nextDay == WallClock.now().utcDate.adding(days: 1))
            #expect(spent.attempts == 0)
            let seen10 = try await bureau.seen()
            #expect(seen10.count == 3)
            let seen11 = try await bureau.seen("C-OK-9")
            #expect(seen11.isEmpty)
            let warnings = bureau.capture.warnings(containing: "budget")
            #expect(warnings.count == 1)
            #expect(warnings.first?.metadata["endpoint"] == bureau.server.reportsURL)
        }
    }

    @Test("an oversized body is refused as malformed and not retried")
    func oversizedBody() async throws {
        try await withBureau { bureau in
            let small = BureauClient(policy: bureau.client.policy, gate: bureau.gate, http: bureau.http,
                                     logger: bureau.capture.logger(), maxBodyBytes: 50)
            let error = try #require(await small.fetch(BureauRequest(customerId: "C-OK-big")).error)
            #expect(error.code == .malformedBody)
            #expect(error.attempts == 1)
            let sent = try await bureau.seen("C-OK-big")
            #expect(sent.count == 1)
        }
    }

    @Test("a disabled bureau sends nothing, even when asked directly")
    func disabledClient() async throws {
        try await withBureau({ policy, _ in policy.enabled = false }) { bureau in
            let error = try #require(await bureau.client.fetch(BureauRequest(customerId: "C-OK-off")).error)
            #expect(error.code == .notConfigured)
            let sent = try await bureau.seen()
            #expect(sent.isEmpty)
        }
    }

    @Test("the request body is the documented JSON")
    func requestBody() throws {
        let body = String(decoding: BureauRequest(customerId: "C-1001", customerName: "Acme \"Industrial\"").jsonBody, as: UTF8.self)
        #expect(body == #"{"customer_id":"C-1001","customer_name":"Acme \"Industrial\""}"#)
        #expect(String(decoding: BureauRequest(customerId: "C-1").jsonBody, as: UTF8.self) == #"{"customer_id":"C-1","customer_name":null}"#)
    }
}
