import Foundation
import Testing

/// The operator's path: creditctl → admin API → the daemon's single writer → decision on the topic;
/// and /healthz, /readyz, /metrics over real HTTP.
@Suite(.serialized) struct AdminAndMetricsTests {
    @Test func anOperatorReleasesAHeldOrderAndBlocksACustomer() async throws {
        let daemon = try TestDaemon(name: "admin", singleTopic: true, adminToken: "s3cret-\(UUID().uuidString)")
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        let base = try await daemon.httpBase()
        var events = Events()
        try daemon.produce([events.order("C-OP", "O-1", "9000.00", at: 0), events.order("C-OP", "O-2", "5000.00", at: 5)])
        try await daemon.waitUntilProcessed(2)

        let wrong = try daemon.creditctl(base: base, ["order", "release", "O-2", "--note", "x"], token: "wrong")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("forbidden"))
        let noNote = try daemon.creditctl(base: base, ["order", "release", "O-2", "--note", " "])
        #expect(noNote.status == 1)
        let unknown = try daemon.creditctl(base: base, ["order", "release", "O-404", "--note", "paid by wire"])
        #expect(unknown.status == 1 && unknown.stderr.contains("not_found"))

        let release = try daemon.creditctl(base: base, ["order", "release", "O-2", "--note", "CFO approved, prepayment received"])
        #expect(release.status == 0, "\(release.stderr)")
        let again = try daemon.creditctl(base: base, ["order", "release", "O-2", "--note", "twice"])
        #expect(again.status == 1 && again.stderr.contains("not_held"))

        let block = try daemon.creditctl(base: base, ["customer", "block", "C-OP", "--reason", "insolvency notice"])
        #expect(block.status == 0, "\(block.stderr)")
        let limit = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "20000.00", "--reason", "annual review", "--request-id", "lim-1"])
        #expect(limit.status == 0, "\(limit.stderr)")
        #expect(limit.stdout.hasPrefix("done (request lim-1)"), "\(limit.stdout)")
        #expect(!limit.stdout.split(separator: "\n").contains { $0.hasSuffix(" ") }, "no trailing blanks: \(limit.stdout.debugDescription)")
        // Sent again under the same key (a retry): applied once; another change under it is refused.
        let retried = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "20000.00", "--reason", "annual review", "--request-id", "lim-1"])
        #expect(retried.status == 0 && retried.stdout.contains("already applied"), "\(retried.stdout) \(retried.stderr)")
        let reused = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "30000.00", "--reason", "annual review", "--request-id", "lim-1"])
        #expect(reused.status == 1 && reused.stderr.contains("conflict"), "\(reused.stderr)")
        let badAmount = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "12,00", "--reason", "typo"])
        #expect(badAmount.status == 1 && badAmount.stderr.contains("invalid_amount"))

        let decisions = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 5 }
        #expect(decisions.map(\.type) == ["credit.order.approved", "credit.order.held", "credit.order.released",
                                          "credit.customer.blocked", "credit.limit.changed"])
        let released = decisions[2]
        #expect(released.data["order_id"] as? String == "O-2")
        #expect(released.data["released_by"] as? String == "alice")
        #expect(released.data["note"] as? String == "CFO approved, prepayment received")
        #expect(released.data["exposure"] as? String == "14000.00")
        let changed = decisions[4]
        #expect(changed.data["old_limit"] as? String == "10000.00")
        #expect(changed.data["new_limit"] as? String == "20000.00")
        #expect(changed.data["changed_by"] as? String == "alice")

        // A blocked customer's next order is held for it.
        try daemon.produce([events.order("C-OP", "O-3", "10.00", at: 10)])
        try await daemon.waitUntilProcessed(3)
        let after = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 6 }
        let reasons = (after.last?.data["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(after.last?.type == "credit.order.held")
        #expect(reasons == ["CUSTOMER_BLOCKED"])
        // Each action on one customer is in that customer's story with who did it.
        let applied = daemon.log.split(separator: "\n").filter { $0.contains("operator action applied") }
        #expect(applied.count >= 3, "\(applied)")
        #expect(applied.allSatisfy { $0.contains(" customer_id=C-OP") && $0.contains(" by=alice") }, "\(applied)")

        // Clearing the operator's limit: the policy default applies again, published and audited.
        let clear = try daemon.creditctl(base: base, ["limit", "clear", "C-OP", "--reason", "back to the policy default"])
        #expect(clear.status == 0, "\(clear.stderr)")
        let cleared = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 7 }
        #expect(cleared.last?.type == "credit.limit.changed")
        #expect(cleared.last?.data["old_limit"] as? String == "20000.00")
        #expect(cleared.last?.data["new_limit"] as? String == "10000.00")
        let noReason = try daemon.creditctl(base: base, ["limit", "clear", "C-OP", "--reason", " "])
        #expect(noReason.status == 1 && noReason.stderr.contains("reason"))

        // Refusals change nothing: an unknown customer, a bad amount.
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!).count
        let nobody = try daemon.creditctl(base: base, ["limit", "set", "C-NOBODY", "100.00", "--reason", "typo in the id"])
        #expect(nobody.status == 1 && nobody.stderr.contains("not_found") && nobody.stderr.contains("C-NOBODY"))
        let negative = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "1e5", "--reason", "typo"])
        #expect(negative.status == 1 && negative.stderr.contains("invalid_amount"))
        let blockNobody = try daemon.creditctl(base: base, ["customer", "block", "C-NOBODY", "--reason", "x"])
        #expect(blockNobody.status == 1 && blockNobody.stderr.contains("not_found"))
        #expect(try TestBroker.consumeAll(topic: daemon.topics["decisions"]!).count == published)

        // Unblocking: published; O-3 is re-checked but stays held, now over the limit (14,000.00 of 10,000.00).
        let unblock = try daemon.creditctl(base: base, ["customer", "unblock", "C-OP", "--reason", "insolvency notice withdrawn"])
        #expect(unblock.status == 0, "\(unblock.stderr)")
        let unblocked = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 8 }
        #expect(unblocked.last?.type == "credit.customer.unblocked")
        let unblockReasons = (unblocked.last?.data["reasons"] as? [[String: Any]]) ?? []
        #expect(unblockReasons.first?["code"] as? String == "OPERATOR_UNBLOCK")
        let unblockMessage = unblockReasons.first?["message"] as? String ?? ""
        #expect(unblockMessage.contains("insolvency notice withdrawn"))
        let held = try daemon.creditctl(["orders", "held", "--json"])
        #expect(held.stdout.contains("O-3") && held.stdout.contains("OVER_LIMIT"), "\(held.stdout)")

        // The collection report over HTTP: behind the token, HTML for people, JSON for scripts.
        let token = daemon.adminToken ?? ""
        let anonymous = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/report"])
        #expect(anonymous.stdout == "401")
        let page = try run("/usr/bin/curl", ["-s", "-D", "-", "-H", "Authorization: Bearer \(token)", "\(base)/report?period_days=30"])
        #expect(page.stdout.contains("200") && page.stdout.lowercased().contains("content-type: text/html"))
        #expect(page.stdout.contains("<svg"))
        let json = try run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(token)", "\(base)/v1/report?customer=C-OP"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["period_days"] as? Int == 90)
        #expect((report?["holds"] as? [String: Any])?["count"] as? Int == 2, "\(json.stdout)")
        let badPeriod = try run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(token)", "\(base)/v1/report?period_days=0"])
        #expect(badPeriod.stdout.contains("invalid_field"))
        // The gauges are refreshed ten seconds after start, then every five minutes.
        let deadline = ContinuousClock.now + .seconds(30)
        var metrics = ""
        while ContinuousClock.now < deadline {
            metrics = try run("/usr/bin/curl", ["-s", "\(base)/metrics"]).stdout
            if metrics.contains("creditd_collection{") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(metrics.contains("creditd_collection{figure=\"dso\"}"))
        #expect(metrics.contains("creditd_receivables_aging{bucket=\"total\"}"))

        // GET /v1/customers/{id} answers as of the daemon's today (the event clock's watermark,
        // 2026-10-01 here), as `customer show` does: a temporary limit until 2026-11-15 is in
        // force in both, though the wall clock has passed that day.
        let temporary = try daemon.creditctl(base: base, ["limit", "set", "C-OP", "15000.00", "--until", "2026-11-15", "--reason", "season"])
        #expect(temporary.status == 0, "\(temporary.stderr)")
        let shown = try run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(token)", "\(base)/v1/customers/C-OP"])
        let overHTTP = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let local = try JSONSerialization.jsonObject(with: Data(try daemon.creditctl(["customer", "show", "C-OP", "--json"]).stdout.utf8)) as? [String: Any]
        #expect(overHTTP?["credit_limit"] as? String == "15000.00", "\(shown.stdout)")
        #expect(local?["credit_limit"] as? String == "15000.00")
        #expect(try await daemon.stop() == 0)

        // Every change is in the audit trail with who did it and why, and the chain verifies.
        let audit = try daemon.creditctl(["audit", "show", "--customer", "C-OP", "--json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any]
        let entries = try #require(document?["entries"] as? [[String: Any]])
        let byAlice = entries.filter { $0["actor"] as? String == "alice" }
        #expect(Set(byAlice.compactMap { $0["kind"] as? String })
            .isSuperset(of: ["order.released", "limit.changed", "customer.blocked", "customer.unblocked"]))
        #expect(byAlice.contains { entry in
            guard let body = entry["body"] as? [String: Any], let text = try? JSONSerialization.data(withJSONObject: body) else { return false }
            return String(decoding: text, as: UTF8.self).contains("CFO approved, prepayment received")
        })
        let verify = try daemon.creditctl(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func healthReadinessAndMetricsOverHTTP() async throws {
        let daemon = try TestDaemon(name: "metrics", singleTopic: true)
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        let base = try await daemon.httpBase()
        var events = Events()
        let good = (0..<5).map { events.order("C-M\($0)", "O-\($0)", "100.00", at: $0) }
        try daemon.produce(good + ["not json", good[0]])
        try await daemon.waitUntilProcessed(7)

        let health = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/healthz"])
        #expect(health.stdout == "200")
        let ready = try run("/usr/bin/curl", ["-s", "\(base)/readyz"])
        #expect(ready.stdout.contains("\"status\":\"ready\""))
        let admin = try run("/usr/bin/curl", ["-s", "-X", "POST", "\(base)/v1/customers/C-M0/block"])
        #expect(admin.stdout.contains("admin_disabled"))

        // Parse the exposition with the Prometheus project's own Python parser.
        let script = """
            import sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            text = urllib.request.urlopen(sys.argv[1] + "/metrics").read().decode()
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    print(f"{s.name}|{labels}|{s.value}")
            """
        let parsed = try run("/usr/bin/env", ["python3", "-c", script, base])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        var samples: [String: Double] = [:]
        for line in parsed.stdout.split(separator: "\n") {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            if parts.count == 3 { samples["\(parts[0])|\(parts[1])"] = Double(parts[2]) }
        }
        let input = daemon.topics["orders"]!
        #expect(samples["creditd_events_consumed_total|topic=\(input),type=order.created"] == 5)
        #expect(samples["creditd_decisions_total|type=credit.order.approved"] == 5)
        #expect(samples["creditd_dead_letters_total|code=invalid_json"] == 1)
        #expect(samples["creditd_duplicates_total|"] == 1)
        #expect((samples["creditd_batch_size_count|"] ?? 0) >= 1)
        #expect(samples.keys.contains { $0.hasPrefix("creditd_processing_latency_seconds_bucket") })
        #expect(try await daemon.stop() == 0)
    }
}
