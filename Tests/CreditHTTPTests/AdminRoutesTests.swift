import CreditHTTP
import Testing

/// One admin request and what the backend must receive for it.
struct AcceptedCase: Sendable, CustomTestStringConvertible {
    let method: String
    let path: String
    let body: String?
    let command: AdminCommand
    var testDescription: String { "\(method) \(path)" }
}

/// One admin request and the refusal it must get.
struct RefusedCase: Sendable, CustomTestStringConvertible {
    let label: String
    let method: String
    let path: String
    let body: String?
    let status: Int
    let code: String
    var field: String? = nil
    var testDescription: String { label }
}

@Suite("Admin API routes over a real socket", .timeLimit(.minutes(2)))
struct AdminRoutesTests {
    static let acceptedCases: [AcceptedCase] = [
        AcceptedCase(
            method: "POST", path: "/v1/orders/O-7/release",
            body: #"{"note":"  cleared with the customer by phone ","by":"alice"}"#,
            command: .releaseOrder(orderID: "O-7", note: "cleared with the customer by phone", by: "alice")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/orders/O-7/release",
            body: #"{"note":"prepaid","customer_id":"C-2"}"#,
            command: .releaseOrder(orderID: "O-7", customerID: "C-2", note: "prepaid", by: "admin-api")
        ),
        AcceptedCase(
            method: "PUT", path: "/v1/customers/C-1001/limit",
            body: #"{"amount":"25000.00","reason":"annual review","until":"2026-12-31","by":"bob"}"#,
            command: .setLimit(customerID: "C-1001", amount: "25000.00", reason: "annual review", until: "2026-12-31", by: "bob")
        ),
        AcceptedCase(
            method: "PUT", path: "/v1/customers/C-1001/limit",
            body: #"{"amount":"0","reason":"cash in advance only","until":null}"#,
            command: .setLimit(customerID: "C-1001", amount: "0", reason: "cash in advance only", until: nil, by: "admin-api")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/outbox/retry",
            body: #"{"reason":"dead-letter topic takes 8 MB now","by":"dora"}"#,
            command: .retryRefusedOutbox(seqs: nil, reason: "dead-letter topic takes 8 MB now", by: "dora")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/outbox/retry",
            body: #"{"reason":"fixed","seqs":[17,4]}"#,
            command: .retryRefusedOutbox(seqs: [17, 4], reason: "fixed", by: "admin-api")
        ),
        AcceptedCase(
            method: "DELETE", path: "/v1/customers/C-1001/limit",
            body: #"{"reason":"back to the scorecard","by":"carol"}"#,
            command: .clearLimit(customerID: "C-1001", reason: "back to the scorecard", by: "carol")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/customers/C-1001/block",
            body: #"{"reason":"fraud suspicion","by":""}"#,
            command: .blockCustomer(customerID: "C-1001", reason: "fraud suspicion", by: "admin-api")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/customers/C-1001/unblock",
            body: #"{"reason":"cleared","unknown_field":[1,2,3]}"#,
            command: .unblockCustomer(customerID: "C-1001", reason: "cleared", by: "admin-api")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/customers/C-1001/rescore",
            body: nil,
            command: .rescoreCustomer(customerID: "C-1001", reason: nil, by: "admin-api")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/customers/C-1001/rescore",
            body: #"{"reason":"new bureau data","by":"dave"}"#,
            command: .rescoreCustomer(customerID: "C-1001", reason: "new bureau data", by: "dave")
        ),
        AcceptedCase(
            method: "POST", path: "/v1/bureau/reports",
            body: """
            {"by":"erin","reports":[
              {"customer_id":"C-1","score":72,"recommended_limit":"50000.00","currency":"EUR","derogatory":false,"as_of":"2026-11-01"},
              {"customer_id":"C-2","score":0,"recommended_limit":"0","currency":"USD","derogatory":true,"as_of":"2026-10-15"}]}
            """,
            command: .importBureauReports(
                reports: [
                    BureauReport(customerID: "C-1", score: 72, recommendedLimit: "50000.00", currency: "EUR", derogatory: false, asOf: "2026-11-01"),
                    BureauReport(customerID: "C-2", score: 0, recommendedLimit: "0", currency: "USD", derogatory: true, asOf: "2026-10-15"),
                ],
                by: "erin"
            )
        ),
        AcceptedCase(
            method: "GET", path: "/v1/customers/C%2F1001",
            body: nil,
            command: .showCustomer(customerID: "C/1001")
        ),
    ]

    @Test("a valid request reaches the backend as the right command, and its JSON comes back", arguments: acceptedCases)
    func accepted(_ testCase: AcceptedCase) async throws {
        let backend = RecordingBackend(answer: { command in .success(json: #"{"done":"\#(command.name)"}"#) })
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send(testCase.method, testCase.path, token: testToken, body: testCase.body)
        }
        #expect(reply.status == 200, "body: \(reply.body)")
        #expect(reply.header("content-type") == "application/json")
        #expect(reply.body == #"{"done":"\#(testCase.command.name)"}"#)
        #expect(backend.commands == [testCase.command])
    }

    static let bureauReport = #"{"customer_id":"C-1","score":72,"recommended_limit":"50000.00","currency":"EUR","derogatory":false,"as_of":"2026-11-01"}"#

    static let refusedCases: [RefusedCase] = [
        // Money: a decimal string only.
        RefusedCase(label: "comma decimal", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"12,00","reason":"r"}"#, status: 400, code: "invalid_amount", field: "amount"),
        RefusedCase(label: "JSON number for money", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":25000.00,"reason":"r"}"#, status: 400, code: "invalid_amount", field: "amount"),
        RefusedCase(label: "exponent", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"1e3","reason":"r"}"#, status: 400, code: "invalid_amount", field: "amount"),
        RefusedCase(label: "negative limit", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"-5","reason":"r"}"#, status: 400, code: "invalid_amount", field: "amount"),
        RefusedCase(label: "19 integer digits", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"1234567890123456789","reason":"r"}"#, status: 400, code: "invalid_amount", field: "amount"),
        RefusedCase(label: "missing amount", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"reason":"r"}"#, status: 400, code: "missing_field", field: "amount"),
        RefusedCase(label: "missing limit reason", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"10.00"}"#, status: 400, code: "reason_required", field: "reason"),
        // Dates.
        RefusedCase(label: "impossible date", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"10.00","reason":"r","until":"2026-02-30"}"#, status: 400, code: "invalid_field", field: "until"),
        RefusedCase(label: "wrong date format", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"10.00","reason":"r","until":"31.12.2026"}"#, status: 400, code: "invalid_field", field: "until"),
        RefusedCase(label: "date as a number", method: "PUT", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"10.00","reason":"r","until":20261231}"#, status: 400, code: "invalid_field", field: "until"),
        // Required text.
        RefusedCase(label: "release without note", method: "POST", path: "/v1/orders/O-1/release",
                    body: #"{"by":"alice"}"#, status: 400, code: "note_required", field: "note"),
        RefusedCase(label: "release with blank note", method: "POST", path: "/v1/orders/O-1/release",
                    body: #"{"note":"   "}"#, status: 400, code: "note_required", field: "note"),
        RefusedCase(label: "release without body", method: "POST", path: "/v1/orders/O-1/release",
                    body: nil, status: 400, code: "note_required", field: "note"),
        RefusedCase(label: "note of the wrong type", method: "POST", path: "/v1/orders/O-1/release",
                    body: #"{"note":true}"#, status: 400, code: "invalid_field", field: "note"),
        RefusedCase(label: "by of the wrong type", method: "POST", path: "/v1/customers/C-1/block",
                    body: #"{"reason":"r","by":7}"#, status: 400, code: "invalid_field", field: "by"),
        RefusedCase(label: "block without reason", method: "POST", path: "/v1/customers/C-1/block",
                    body: "{}", status: 400, code: "reason_required", field: "reason"),
        RefusedCase(label: "unblock with null reason", method: "POST", path: "/v1/customers/C-1/unblock",
                    body: #"{"reason":null}"#, status: 400, code: "reason_required", field: "reason"),
        RefusedCase(label: "clear limit without reason", method: "DELETE", path: "/v1/customers/C-1/limit",
                    body: nil, status: 400, code: "reason_required", field: "reason"),
        // Body shape.
        RefusedCase(label: "malformed JSON", method: "POST", path: "/v1/customers/C-1/block",
                    body: #"{"reason":"r""#, status: 400, code: "invalid_json"),
        RefusedCase(label: "JSON array body", method: "POST", path: "/v1/customers/C-1/block",
                    body: #"["reason"]"#, status: 400, code: "invalid_json"),
        RefusedCase(label: "control character in id", method: "GET", path: "/v1/customers/C%0A1",
                    body: nil, status: 400, code: "invalid_field", field: "customer_id"),
        // Bureau reports.
        RefusedCase(label: "bureau without reports", method: "POST", path: "/v1/bureau/reports",
                    body: "{}", status: 400, code: "missing_field", field: "reports"),
        RefusedCase(label: "bureau with empty reports", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[]}"#, status: 400, code: "invalid_field", field: "reports"),
        RefusedCase(label: "bureau limit as number", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[\#(bureauReport),{"customer_id":"C-2","score":50,"recommended_limit":100,"currency":"EUR","derogatory":false,"as_of":"2026-11-01"}]}"#,
                    status: 400, code: "invalid_amount", field: "reports[1].recommended_limit"),
        RefusedCase(label: "bureau score out of range", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"customer_id":"C-2","score":101,"recommended_limit":"1","currency":"EUR","derogatory":false,"as_of":"2026-11-01"}]}"#,
                    status: 400, code: "invalid_field", field: "reports[0].score"),
        RefusedCase(label: "bureau score as string", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"customer_id":"C-2","score":"50","recommended_limit":"1","currency":"EUR","derogatory":false,"as_of":"2026-11-01"}]}"#,
                    status: 400, code: "invalid_field", field: "reports[0].score"),
        RefusedCase(label: "bureau lower-case currency", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"customer_id":"C-2","score":50,"recommended_limit":"1","currency":"eur","derogatory":false,"as_of":"2026-11-01"}]}"#,
                    status: 400, code: "invalid_field", field: "reports[0].currency"),
        RefusedCase(label: "bureau derogatory as string", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"customer_id":"C-2","score":50,"recommended_limit":"1","currency":"EUR","derogatory":"no","as_of":"2026-11-01"}]}"#,
                    status: 400, code: "invalid_field", field: "reports[0].derogatory"),
        RefusedCase(label: "bureau bad as_of", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"customer_id":"C-2","score":50,"recommended_limit":"1","currency":"EUR","derogatory":false,"as_of":"2026-11"}]}"#,
                    status: 400, code: "invalid_field", field: "reports[0].as_of"),
        RefusedCase(label: "bureau missing customer", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":[{"score":50,"recommended_limit":"1","currency":"EUR","derogatory":false,"as_of":"2026-11-01"}]}"#,
                    status: 400, code: "missing_field", field: "reports[0].customer_id"),
        RefusedCase(label: "bureau element not an object", method: "POST", path: "/v1/bureau/reports",
                    body: #"{"reports":["C-1"]}"#, status: 400, code: "invalid_field", field: "reports[0]"),
        // Refused outbox messages.
        RefusedCase(label: "retry without reason", method: "POST", path: "/v1/outbox/retry",
                    body: #"{"seqs":[1]}"#, status: 400, code: "reason_required", field: "reason"),
        RefusedCase(label: "retry with an empty list", method: "POST", path: "/v1/outbox/retry",
                    body: #"{"reason":"r","seqs":[]}"#, status: 400, code: "invalid_field", field: "seqs"),
        RefusedCase(label: "retry with a seq as a string", method: "POST", path: "/v1/outbox/retry",
                    body: #"{"reason":"r","seqs":[3,"4"]}"#, status: 400, code: "invalid_field", field: "seqs[1]"),
        RefusedCase(label: "retry with seq zero", method: "POST", path: "/v1/outbox/retry",
                    body: #"{"reason":"r","seqs":[0]}"#, status: 400, code: "invalid_field", field: "seqs[0]"),
        RefusedCase(label: "retry with GET", method: "GET", path: "/v1/outbox/retry",
                    body: nil, status: 405, code: "method_not_allowed"),
        // Routing.
        RefusedCase(label: "unknown admin route", method: "POST", path: "/v1/customers/C-1/delete",
                    body: "{}", status: 404, code: "not_found"),
        RefusedCase(label: "wrong method on a route", method: "POST", path: "/v1/customers/C-1/limit",
                    body: #"{"amount":"1","reason":"r"}"#, status: 405, code: "method_not_allowed"),
    ]

    @Test("an invalid request is refused with its stable code and never reaches the backend", arguments: refusedCases)
    func refused(_ testCase: RefusedCase) async throws {
        let backend = RecordingBackend()
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send(testCase.method, testCase.path, token: testToken, body: testCase.body)
        }
        #expect(reply.status == testCase.status, "body: \(reply.body)")
        #expect(reply.errorCode == testCase.code, "body: \(reply.body)")
        if let field = testCase.field {
            #expect(reply.errorField == field, "body: \(reply.body)")
        }
        let error = try #require(reply.json["error"] as? [String: Any])
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(backend.commands.isEmpty)
    }

    /// A negative amount is a decimal number: the message says what is wrong with it.
    @Test func aNegativeLimitIsToldItMustNotBeNegative() async throws {
        let reply = try await withLiveServer(backend: RecordingBackend()) {
            try await $0.send("PUT", "/v1/customers/C-1/limit", token: testToken, body: #"{"amount":"-5","reason":"r"}"#)
        }
        let error = try #require(reply.json["error"] as? [String: Any])
        #expect(error["message"] as? String == #"amount: "-5" must be 0 or more"#, "\(reply.body)")
    }

    @Test(
        "backend failures keep their status and code; a non-error status becomes 500 internal",
        arguments: [
            (AdminError.notFound("no customer C-1"), 404, "not_found"),
            (AdminError.conflict("order O-1 is not held"), 409, "conflict"),
            (AdminError.unavailable("database busy"), 503, "unavailable"),
            (AdminError.internalError(), 500, "internal"),
            (AdminError(status: 422, code: "limit_too_high", message: "above the policy cap"), 422, "limit_too_high"),
            (AdminError(status: 200, code: "weird", message: "not an error status"), 500, "internal"),
        ]
    )
    func backendFailure(error: AdminError, status: Int, code: String) async throws {
        let backend = RecordingBackend(answer: { _ in .failure(error) })
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send("POST", "/v1/orders/O-1/release", token: testToken, body: #"{"note":"n"}"#)
        }
        #expect(reply.status == status)
        #expect(reply.errorCode == code)
        #expect(backend.commands.count == 1)
    }

    /// A client's Idempotency-Key reaches the backend (which applies a change sent again under
    /// it once); one that is not a plain token is refused before the backend sees the command.
    @Test func theIdempotencyKeyReachesTheBackend() async throws {
        let backend = RecordingBackend()
        let replies = try await withLiveServer(backend: backend) { server in
            [
                try await server.send("POST", "/v1/orders/O-1/release", token: testToken, body: #"{"note":"n"}"#,
                                      headers: [("Idempotency-Key", "3f1c-retry.1")]),
                try await server.send("POST", "/v1/orders/O-1/release", token: testToken, body: #"{"note":"n"}"#),
                try await server.send("POST", "/v1/orders/O-1/release", token: testToken, body: #"{"note":"n"}"#,
                                      headers: [("Idempotency-Key", "not a key")]),
            ]
        }
        #expect(replies.map(\.status) == [200, 200, 400])
        #expect(replies[2].errorCode == "invalid_field" && replies[2].errorField == "Idempotency-Key", "\(replies[2].body)")
        #expect(backend.requestIds == ["3f1c-retry.1", nil])
    }

    @Test("a body over the configured limit is 413 payload_too_large")
    func tooLarge() async throws {
        let backend = RecordingBackend()
        let note = String(repeating: "n", count: 2048)
        let reply = try await withLiveServer(backend: backend, maxRequestBodyBytes: 1024) {
            try await $0.send("POST", "/v1/orders/O-1/release", token: testToken, body: #"{"note":"\#(note)"}"#)
        }
        #expect(reply.status == 413)
        #expect(reply.errorCode == "payload_too_large")
        #expect(backend.commands.isEmpty)
    }
}
