import ArgumentParser
import AsyncHTTPClient
import CreditCore
import CreditDaemon
import Foundation
import NIOCore

enum Verb { case post, put, delete }

/// Options of the commands that change something: they go through the daemon's admin API, so the
/// daemon stays the only writer of its database.
struct WriteOptions: ParsableArguments {
    @Option(help: "The daemon's configuration file (http.listen and http.admin_token_file are read).")
    var config = "/etc/creditd/creditd.yaml"
    @Option(help: "The admin API's base URL (default: from http.listen).") var url: String?
    @Option(help: "A file holding the admin token (default: http.admin_token_file, or $CREDITD_ADMIN_TOKEN).")
    var tokenFile: String?
    @Option(help: "Who is making the change, for the audit trail (default: $SUDO_USER, else $USER, else creditctl).") var by: String?
    @Flag(help: "Print the daemon's JSON answer.") var json = false
    @Option(help: "A key naming this change (sent as Idempotency-Key): run again with the same key, the change is applied once.")
    var requestId: String?

    var operatorName: String {
        let env = ProcessInfo.processInfo.environment
        return by ?? env["SUDO_USER"] ?? env["USER"] ?? "creditctl"
    }

    func endpoint() throws -> (base: String, token: String) {
        let env = ProcessInfo.processInfo.environment
        var listen: String?
        var configuredTokenFile: String?
        if url == nil || (tokenFile == nil && env["CREDITD_ADMIN_TOKEN"] == nil) {
            do {
                let daemon = try DaemonConfig.load(file: config)
                listen = daemon.httpListen
                configuredTokenFile = daemon.adminTokenFile
            } catch {
                throw fail("\(error)\n(pass --url and --token-file, or --config FILE)", code: 2)
            }
        }
        let base = url ?? "http://\(listen ?? "127.0.0.1:8470")"
        let token: String
        if let file = tokenFile ?? (env["CREDITD_ADMIN_TOKEN"] == nil ? configuredTokenFile : nil) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw fail("cannot read the admin token file \(file) (run as a user who can, or pass --token-file)", code: 2)
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = env["CREDITD_ADMIN_TOKEN"] {
            token = value
        } else {
            throw fail("no admin token: set http.admin_token_file, pass --token-file or set CREDITD_ADMIN_TOKEN", code: 2)
        }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base, token)
    }

    /// Sends one request; prints the outcome; exits 1 with the daemon's error code on failure.
    func send(_ verb: Verb, _ path: String, body: [String: Any]) async throws {
        let bytes: Data
        let object: [String: Any]?
        do {
            (bytes, object) = try await request(verb, path, body: body)
        } catch let refusal as AdminRefusal {
            try reportAlreadyApplied(refusal)
            return
        }
        if json {
            FileHandle.standardOutput.write(bytes + Data([0x0A]))
            return
        }
        printOutcome(object)
    }

    /// The same change sent again under its --request-id was done before, which is success: says
    /// so and returns; any other refusal exits 1 with the daemon's code.
    func reportAlreadyApplied(_ refusal: AdminRefusal) throws {
        guard refusal.code == "already_applied" else { throw fail("\(refusal.code): \(refusal.message)") }
        if json {
            let answer: [String: Any] = ["already_applied": true, "request_id": requestId ?? "", "message": refusal.message]
            FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]) + Data([0x0A]))
        } else {
            print("already applied: \(refusal.message)")
        }
    }

    func printOutcome(_ object: [String: Any]?) {
        let outputs = object?["outputs"] as? [[String: Any]] ?? []
        print("done (request \(object?["request_id"] as? String ?? "-"))")
        for output in outputs {
            let data = output["data"] as? [String: Any] ?? [:]
            let fields = [output["type"] as? String ?? "?", data["customer_id"] as? String ?? "", data["order_id"] as? String ?? ""]
            print("  " + fields.filter { !$0.isEmpty }.map(PlainText.clean).joined(separator: "  "))
        }
    }

    /// Sends one request and returns the daemon's answer; a refusal throws `AdminRefusal`.
    /// `part` tells apart the requests of one command that sends several (a bureau file in chunks).
    /// Why a request did not get through, in the system's words: NIO's own text of a refused
    /// connection ("connection reset (error set): Connection refused) (errno: 111)") misleads.
    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            let text = String(cString: strerror(io.errnoCode))
            return io.errnoCode == ECONNREFUSED ? "\(text); is creditd running, with http.listen at this address?" : text
        }
        return "\(error)"
    }

    func request(_ verb: Verb, _ path: String, body: [String: Any], part: Int? = nil) async throws -> (bytes: Data, object: [String: Any]?) {
        let (base, token) = try endpoint()
        var request = HTTPClientRequest(url: base + path)
        switch verb {
        case .post: request.method = .POST
        case .put: request.method = .PUT
        case .delete: request.method = .DELETE
        }
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if let requestId { request.headers.add(name: "Idempotency-Key", value: part.map { "\(requestId)-\($0)" } ?? requestId) }
        var payload = body
        payload["by"] = operatorName
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: payload)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(120))
            data = try await response.body.collect(upTo: 256 << 20)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw fail("cannot reach the daemon's admin API at \(base): \(Self.reason(error))")
        }
        let bytes = Data(buffer: data)
        let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any]
        if response.status.code >= 400 {
            let error = object?["error"] as? [String: Any]
            throw AdminRefusal(code: error?["code"] as? String ?? "http_\(response.status.code)",
                               message: error?["message"] as? String ?? String(decoding: bytes, as: UTF8.self))
        }
        return (bytes, object)
    }
}

/// The daemon refused a request: its stable code and message.
struct AdminRefusal: Error {
    var code: String
    var message: String
}

/// Percent-encodes an id for a URL path segment.
func pathSegment(_ id: String) -> String {
    id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
}
