import CreditHTTP
import Foundation
import Testing

@Suite("Admin API authorization over a real socket", .timeLimit(.minutes(1)))
struct AdminAuthTests {
    @Test("no configured token: 403 admin_disabled, and the backend is never called")
    func disabled() async throws {
        let backend = RecordingBackend()
        let reply = try await withLiveServer(adminToken: nil, backend: backend) {
            try await $0.send("POST", "/v1/customers/C-1/block", token: testToken, body: #"{"reason":"x"}"#)
        }
        #expect(reply.status == 403)
        #expect(reply.errorCode == "admin_disabled")
        #expect(backend.commands.isEmpty)
    }

    @Test("no Authorization header: 401 unauthorized with a Bearer challenge")
    func missingHeader() async throws {
        let backend = RecordingBackend()
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send("POST", "/v1/customers/C-1/block", body: #"{"reason":"x"}"#)
        }
        #expect(reply.status == 401)
        #expect(reply.errorCode == "unauthorized")
        #expect(reply.header("www-authenticate") == "Bearer")
        #expect(backend.commands.isEmpty)
    }

    @Test("another scheme is not a bearer token: 401 unauthorized")
    func otherScheme() async throws {
        let reply = try await withLiveServer {
            try await $0.send("GET", "/v1/customers/C-1", authorization: "Basic \(testToken)")
        }
        #expect(reply.status == 401)
        #expect(reply.errorCode == "unauthorized")
    }

    @Test(
        "a wrong token, including a prefix or an extension of the right one: 403 forbidden",
        arguments: ["wrong", String(testToken.dropLast()), testToken + "x", testToken + testToken]
    )
    func wrongToken(token: String) async throws {
        let backend = RecordingBackend()
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send("POST", "/v1/customers/C-1/block", token: token, body: #"{"reason":"x"}"#)
        }
        #expect(reply.status == 403)
        #expect(reply.errorCode == "forbidden")
        #expect(backend.commands.isEmpty)
    }

    @Test("unknown /v1 paths are refused before routing, so they reveal nothing without a token")
    func authBeforeRouting() async throws {
        let (anonymous, authorized) = try await withLiveServer { client in
            (
                try await client.send("GET", "/v1/secret/place"),
                try await client.send("GET", "/v1/secret/place", token: testToken)
            )
        }
        #expect(anonymous.status == 401)
        #expect(authorized.status == 404)
        #expect(authorized.errorCode == "not_found")
    }

    @Test(
        "another spelling of an admin path is refused without a token and never reaches the backend",
        arguments: ["//v1/customers/C-1/block", "/%76%31/customers/C-1/block", "/v1//customers/C-1/block"]
    )
    func respelledAdminPath(path: String) async throws {
        let backend = RecordingBackend()
        let reply = try await withLiveServer(backend: backend) {
            try await $0.send("POST", path, body: #"{"reason":"x"}"#)
        }
        #expect(reply.status == 401)
        #expect(backend.commands.isEmpty)
    }

    @Test("the right token (configured with a trailing newline, as read from a file) is accepted")
    func goodToken() async throws {
        let backend = RecordingBackend(answer: { _ in .success(json: #"{"customer_id":"C-1"}"#) })
        let reply = try await withLiveServer(adminToken: testToken + "\n", backend: backend) {
            try await $0.send("GET", "/v1/customers/C-1", token: testToken)
        }
        #expect(reply.status == 200)
        #expect(reply.body == #"{"customer_id":"C-1"}"#)
        #expect(backend.commands == [.showCustomer(customerID: "C-1")])
    }
}

@Suite("Admin token file")
struct AdminTokenFileTests {
    @Test("the token is read trimmed; a blank file disables; a missing file is an error")
    func load() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        let tokenFile = directory + "/admin-token"
        let blankFile = directory + "/blank"
        try "  s3cret\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try "\n".write(toFile: blankFile, atomically: true, encoding: .utf8)
        #expect(try AdminToken.load(fromFile: tokenFile) == "s3cret")
        #expect(try AdminToken.load(fromFile: blankFile) == nil)
        #expect(throws: AdminToken.LoadError.unreadable(path: directory + "/missing")) {
            try AdminToken.load(fromFile: directory + "/missing")
        }
    }
}
