import Foundation
import Testing

/// Scoring, class limits and the credit bureau through the real daemon: reports fetched from a
/// bureau adapter on loopback (a Python `http.server` written here), reports imported with
/// `creditctl bureau import`, and the write commands of the admin API, each with its decision on
/// the topic and its audit entry.
@Suite(.serialized) struct ScoringAndBureauTests {
    /// The bureau adapter: `C-GOOD…` has a strong report, `C-DEROG…` a derogatory one, `C-SLOW…` a
    /// report after 6 s, anyone else none (404). A request without the bearer token gets 401. `GET /log` lists the customer ids asked.
    final class BureauAdapter {
        let process: Process
        let port: Int
        let folder: URL

        static let script = #"""
        import json, sys, http.server, datetime, time
        TOKEN = sys.argv[1]
        AS_OF = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
        asked = []
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                self.answer(200, asked)
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                if self.headers.get("Authorization") != "Bearer " + TOKEN:
                    return self.answer(401, {"error": "token"})
                customer = body.get("customer_id", "")
                asked.append(customer)
                if customer.startswith("C-GOOD"):
                    return self.answer(200, {"customer_id": customer, "score": 92, "recommended_limit": "400000.00",
                                             "currency": "EUR", "derogatory": False, "as_of": AS_OF})
                if customer.startswith("C-SLOW"):
                    time.sleep(6)
                    return self.answer(200, {"customer_id": customer, "score": 60, "recommended_limit": "50000.00",
                                             "currency": "EUR", "derogatory": False, "as_of": AS_OF})
                if customer.startswith("C-DEROG"):
                    return self.answer(200, {"customer_id": customer, "score": 8, "recommended_limit": "0.00",
                                             "currency": "EUR", "derogatory": True, "as_of": AS_OF})
                self.answer(404, {"error": "no report"})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

        init(token: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("bureau-adapter-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("adapter.py")
            try Self.script.write(to: path, atomically: true, encoding: .utf8)
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u", path.path, token]
            let output = Pipe()
            process.standardOutput = output
            // Not the test's own stderr: a child holding it open would keep `swift test | tail` waiting.
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }

        var url: String { "http://127.0.0.1:\(port)/v1/reports" }

        func asked() throws -> [String] {
            let result = try run("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/log"])
            return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String] ?? []
        }

        func stop() {
            // SIGKILL: the test runner's ignored SIGTERM is inherited by its children.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// The shipped policy with the bureau section pointed at `url`.
    static func policy(bureauURL: String?, tokenFile: String?) throws -> String {
        var text = try String(contentsOfFile: "\(repositoryRoot)/config/policy.yaml", encoding: .utf8)
        if let bureauURL {
            text = text.replacingOccurrences(of: "  enabled: false\n  url: \"http://127.0.0.1:8089/v1/reports\"",
                                             with: "  enabled: true\n  url: \"\(bureauURL)\"")
            text = text.replacingOccurrences(of: "/run/credentials/creditd.service/bureau-token", with: tokenFile ?? "")
            text = text.replacingOccurrences(of: "retries: 3", with: "retries: 1")
        }
        return text
    }

    static func codes(_ record: ConsumedRecord?) -> [String] {
        ((record?.data["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
    }

    @Test func aFetchedReportSetsTheClassLimitAndReleasesTheHeldOrder() async throws {
        let adapter = try BureauAdapter(token: "bureau-secret")
        defer { adapter.stop() }
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("bureau-token-\(UUID().uuidString)").path
        try "bureau-secret\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let daemon = try TestDaemon(name: "bureau", singleTopic: true, policy: try Self.policy(bureauURL: adapter.url, tokenFile: tokenFile))
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        var events = Events()
        // Over the default limit (10,000): held until the bureau's report raises the class limit.
        try daemon.produce([
            events.order("C-GOOD-1", "O-1", "30000.00", at: 0),
            events.order("C-DEROG-1", "O-2", "100.00", at: 1),
            events.order("C-UNKNOWN-1", "O-3", "100.00", at: 2),
        ])
        try await daemon.waitUntilProcessed(3)
        let decisions = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!, timeout: .seconds(90)) { records in
            records.contains { $0.type == "credit.order.released" } && records.contains { $0.type == "credit.limit.changed" && $0.key == "C-DEROG-1" }
        }
        let good = decisions.filter { $0.key == "C-GOOD-1" }
        #expect(good.map(\.type).first == "credit.order.held")
        #expect(Self.codes(good.first) == ["OVER_LIMIT"])
        let raised = try #require(good.first { $0.type == "credit.limit.changed" })
        #expect(raised.data["old_limit"] as? String == "10000.00")
        // Class B for a new customer with a strong report (no payment history yet under the shipped
        // scorecard): 35 % of the recommended 400,000.00 = 140,000.00, capped at 100,000.00.
        #expect(raised.data["new_limit"] as? String == "100000.00")
        #expect(raised.data["changed_by"] as? String == "policy")
        let scored = try #require(good.last { $0.type == "credit.score.changed" })
        #expect(scored.data["new_class"] as? String == "B")
        let released = try #require(good.first { $0.type == "credit.order.released" })
        #expect(released.data["order_id"] as? String == "O-1")
        #expect(released.data["released_by"] as? String == "auto")
        // The decisions a fetched report causes are in the journal like any other.
        let releaseLine = daemon.log.split(separator: "\n").first { $0.contains("event_id=\(released.id)") }
        #expect(releaseLine?.contains("customer_id=C-GOOD-1") == true, "\(daemon.log.suffix(3000))")

        // The derogatory report: class E, limit 0 (the E rule), alerts BUREAU_DEROGATORY and RISK_DOWNGRADE.
        let derogatory = decisions.filter { $0.key == "C-DEROG-1" }
        #expect(derogatory.last { $0.type == "credit.score.changed" }?.data["new_class"] as? String == "E")
        #expect(derogatory.last { $0.type == "credit.limit.changed" }?.data["new_limit"] as? String == "0.00")
        let alerts = try await TestBroker.waitFor(topic: daemon.topics["alerts"]!) { records in
            records.contains { ($0.data["code"] as? String) == "BUREAU_DEROGATORY" }
        }
        let kinds = Set(alerts.filter { $0.key == "C-DEROG-1" }.compactMap { $0.data["code"] as? String })
        #expect(kinds.isSuperset(of: ["BUREAU_DEROGATORY", "RISK_DOWNGRADE"]))

        // Each customer asked once (the 404 is remembered), with the token.
        #expect(try adapter.asked().sorted() == ["C-DEROG-1", "C-GOOD-1", "C-UNKNOWN-1"])
        // The report in force and its age are kept in the database, for the operator and the next start.
        let cached = try run("/usr/bin/sqlite3", [daemon.databasePath,
                                                  "SELECT customer_id, score, as_of IS NOT NULL, no_report_at IS NOT NULL FROM bureau_reports ORDER BY customer_id"])
        #expect(cached.stdout.split(separator: "\n").map(String.init) == ["C-DEROG-1|8|1|0", "C-GOOD-1|92|1|0", "C-UNKNOWN-1||0|1"])
        #expect(try await daemon.stop() == 0)
    }

    /// The bureau is off the event path: while a slow request is in flight, events of other
    /// customers are decided; the slow report lands afterwards.
    @Test func aSlowBureauNeverHoldsUpTheEvents() async throws {
        let adapter = try BureauAdapter(token: "bureau-secret")
        defer { adapter.stop() }
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("bureau-token-\(UUID().uuidString)").path
        try "bureau-secret\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let daemon = try TestDaemon(name: "slowbureau", singleTopic: true, policy: try Self.policy(bureauURL: adapter.url, tokenFile: tokenFile))
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        var events = Events()
        try daemon.produce([events.order("C-SLOW-1", "O-1", "100.00", at: 0)])
        try await daemon.waitUntilProcessed(1)
        let deadline = ContinuousClock.now + .seconds(30)
        while try !adapter.asked().contains("C-SLOW-1"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try daemon.produce((1...20).map { events.order("C-FAST-\($0)", "O-F\($0)", "250.00", at: 1 + $0) })
        try await daemon.waitUntilProcessed(21)
        let decided = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 21 }
        #expect(Set(decided.compactMap { $0.data["order_id"] as? String }).count == 21)
        let pending = try run("/usr/bin/sqlite3", [daemon.databasePath, "SELECT count(*) FROM bureau_reports WHERE customer_id = 'C-SLOW-1' AND score IS NOT NULL"])
        #expect(pending.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the slow report was still in flight while 20 events were decided")
        var landed = ""
        while ContinuousClock.now < deadline + .seconds(30) {
            landed = try run("/usr/bin/sqlite3", [daemon.databasePath, "SELECT score FROM bureau_reports WHERE customer_id = 'C-SLOW-1'"]).stdout
            if landed.hasPrefix("60") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(landed.hasPrefix("60"), "the slow report lands afterwards")
        #expect(try await daemon.stop() == 0)
    }

    func auditEntries(_ daemon: TestDaemon, customer: String) throws -> [[String: Any]] {
        let shown = try run(TestDaemon.creditctl, ["audit", "show", "--customer", customer, "--json", "--database", daemon.databasePath])
        let document = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        return try #require(document?["entries"] as? [[String: Any]], "\(shown.stdout)\(shown.stderr)")
    }

    @Test func bureauImportRescoreAndReviewThroughCreditctl() async throws {
        let daemon = try TestDaemon(name: "import", singleTopic: true, adminToken: "s3cret-\(UUID().uuidString)")
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        let base = try await daemon.httpBase()
        var events = Events()
        try daemon.produce([events.order("C-IMP", "O-1", "15000.00", at: 0), events.order("C-OTHER", "O-2", "100.00", at: 1)])
        try await daemon.waitUntilProcessed(2)
        _ = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 2 }

        // Without the token, nothing is imported.
        let anonymous = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                  "-d", #"{"reports":[]}"#, "\(base)/v1/bureau/reports"])
        #expect(anonymous.stdout == "401")

        // A file with one good line and one bad: the bad one is named, the good one applied.
        let file = daemon.folder.appendingPathComponent("reports.csv").path
        try """
        customer_id,score,recommended_limit,currency,derogatory,as_of
        C-IMP,85,100000.00,EUR,false,2026-09-30
        C-OTHER,high,5000.00,EUR,false,2026-09-30

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try daemon.creditctl(base: base, ["bureau", "import", file])
        #expect(imported.status == 1, "a bad line makes the exit status 1")
        #expect(imported.stderr.contains("line 3") && imported.stderr.contains("score"), "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 1 report"), "\(imported.stdout)")
        let afterImport = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!) { records in
            records.contains { $0.type == "credit.order.released" }
        }
        let imp = afterImport.filter { $0.key == "C-IMP" }
        let limit = try #require(imp.last { $0.type == "credit.limit.changed" })
        // Class B after the report (the default scorecard): 35 % of 100,000.00.
        #expect(imp.last { $0.type == "credit.score.changed" }?.data["new_class"] as? String == "B")
        #expect(limit.data["new_limit"] as? String == "35000.00")
        // What moved them is the report (docs/operations.md, "What caused an output").
        #expect((limit.json["causationid"] as? String) == "bureau:C-IMP:2026-09-30", "\(limit.json)")
        #expect(imp.last?.type == "credit.order.released")
        #expect(imp.last?.data["released_by"] as? String == "auto")
        let importAudit = try auditEntries(daemon, customer: "C-IMP").filter { ($0["actor"] as? String) == "alice" }
        #expect(importAudit.contains { ($0["kind"] as? String) == "limit.changed" }, "the import's limit change is audited as alice's")

        // A report for an unknown customer: refused with its line, nothing changed.
        let before = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!).count
        let auditBefore = try auditEntries(daemon, customer: "C-IMP").count
        try """
        customer_id,score,recommended_limit,currency,derogatory,as_of
        C-IMP,10,100.00,EUR,true,2026-10-01
        C-NOBODY,50,100.00,EUR,false,2026-10-01

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try daemon.creditctl(base: base, ["bureau", "import", file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("line 3") && refused.stderr.contains("not_found") && refused.stderr.contains("C-NOBODY"), "\(refused.stderr)")
        // The same with --json: one object on stdout, nothing on stderr.
        let refusedJSON = try daemon.creditctl(base: base, ["bureau", "import", file, "--json"])
        #expect(refusedJSON.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(refusedJSON.stdout.utf8)) as? [String: Any], "\(refusedJSON.stdout)")
        #expect(summary["imported"] as? Int == 0 && summary["refused"] as? Int == 2 && summary["decisions"] as? Int == 0, "\(summary)")
        let refusals = summary["refusals"] as? [String] ?? []
        #expect(refusals.count == 1 && refusals[0].contains("line 3") && refusals[0].contains("not_found"), "\(refusals)")
        #expect(refusedJSON.stderr.isEmpty, "\(refusedJSON.stderr)")
        let stale = try daemon.creditctl(base: base, ["bureau", "import", file.replacingOccurrences(of: "reports.csv", with: "missing.csv")])
        #expect(stale.status == 1 && stale.stderr.contains("cannot read"))

        // Rescore (nothing moved: an audited operator action) and a completed review.
        let rescore = try daemon.creditctl(base: base, ["customer", "rescore", "C-IMP", "--reason", "scorecard revised"])
        #expect(rescore.status == 0, "\(rescore.stderr)")
        let review = try daemon.creditctl(base: base, ["customer", "review", "C-IMP", "--note", "annual review: financials fine"])
        #expect(review.status == 0, "\(review.stderr)")
        let noNote = try daemon.creditctl(base: base, ["customer", "review", "C-IMP", "--note", " "])
        #expect(noNote.status == 1)
        let unknown = try daemon.creditctl(base: base, ["customer", "rescore", "C-NOBODY"])
        #expect(unknown.status == 1 && unknown.stderr.contains("not_found"))

        #expect(try TestBroker.consumeAll(topic: daemon.topics["decisions"]!).count == before, "refusals and no-op actions publish nothing")
        let audit = try auditEntries(daemon, customer: "C-IMP")
        let actions = audit.dropFirst(auditBefore).filter { ($0["kind"] as? String) == "operator.action" }
        #expect(actions.count == 2, "the rescore and the review, each with who and why: \(audit.suffix(3))")
        #expect(actions.allSatisfy { ($0["actor"] as? String) == "alice" })
        // Each with its reason or note and the figures at that moment (credit-model.md, audit trail).
        let reviewed = try #require(actions.last)
        let reviewBody = reviewed["body"] as? [String: Any] ?? [:]
        #expect((reviewBody["reasons"] as? [String])?.first?.contains("annual review: financials fine") == true, "\(reviewed)")
        let inputs = reviewBody["inputs"] as? [String: Any] ?? [:]
        #expect(inputs["exposure"] != nil && inputs["credit_limit"] as? String == "35000.00" && inputs["risk_class"] as? String == "B", "\(reviewBody)")
        let show = try daemon.creditctl(["customer", "show", "C-IMP", "--json"])
        let customer = (try? JSONSerialization.jsonObject(with: Data(show.stdout.utf8))) as? [String: Any]
        #expect(customer?["risk_class"] as? String == "B")
        #expect(customer?["credit_limit"] as? String == "35000.00")
        #expect(try await daemon.stop() == 0)
    }
}
