import AsyncHTTPClient
import Foundation
import NIOCore

/// A scripted bureau adapter on loopback: a Python 3 `http.server` started per test. What it
/// answers depends on the customer id's prefix, and on a "down" switch the test flips:
///
/// - `C-OK…`: 200 with a report (as of `2026-11-20`, plus an extra member adapters may send)
/// - `C-SLOW…`: the same report after 5 s
/// - `C-500…`: 500; `C-401…`: 401; `C-NONE…`: 404
/// - `C-BAD…`: 200 with `"score": "high"` (a string)
/// - anything while down: 500
///
/// `GET /log` returns every request it received (path, headers, body fields), so tests assert on
/// what reached the server, not only on what the client says.
final class BureauTestServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: URL

    var reportsURL: String { "http://127.0.0.1:\(port)/v1/reports" }

    struct Seen: Decodable, Equatable {
        var method: String
        var path: String
        var customer_id: String?
        var customer_name: String?
        var authorization: String?
        var content_type: String?
        var accept: String?
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bureau-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("bureau_server.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The script prints the port it bound (port 0: the kernel picks a free one).
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw ServerError.noPort(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    enum ServerError: Error { case noPort(String), badAnswer(Int) }

    /// Terminates the server. Polls instead of `waitUntilExit`, which can hang on Linux off the
    /// main run loop.
    /// Kills the server (SIGKILL: the child inherits the test process's blocked signals, so a
    /// SIGTERM may never arrive). Polls instead of `waitUntilExit`, which can hang on Linux off
    /// the main run loop.
    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<100 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A token file as systemd writes credentials (with a trailing newline).
    func writeToken(_ token: String) throws -> String {
        let file = directory.appendingPathComponent("token")
        try (token + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func requests(using http: HTTPClient) async throws -> [Seen] {
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/log"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 22)
        return try JSONDecoder().decode([Seen].self, from: Data(body.readableBytesView))
    }

    func setDown(_ down: Bool, using http: HTTPClient) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/control")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: down ? #"{"down": true}"# : #"{"down": false}"#))
        let response = try await http.execute(request, timeout: .seconds(5))
        guard response.status.code == 204 else { throw ServerError.badAnswer(Int(response.status.code)) }
    }

    static let script = #"""
import json, os, signal, sys, threading, time

# The test process may block signals, and children inherit that: take SIGTERM back, and never
# outlive a test run by more than two minutes whatever happens to the test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, signal.SIG_DFL)
threading.Timer(120, lambda: os._exit(0)).start()
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

lock = threading.Lock()
seen = []
state = {"down": False}

def report(cid):
    return {"customer_id": cid, "score": 72, "recommended_limit": "150000.00", "currency": "EUR",
            "derogatory": False, "as_of": "2026-11-20", "rating_text": "low risk"}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b""):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        if self.path == "/log":
            with lock:
                body = json.dumps(seen).encode()
            self.reply(200, body)
        else:
            self.reply(404)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/control":
            with lock:
                state.update(json.loads(raw))
            return self.reply(204)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        cid = body.get("customer_id") or ""
        with lock:
            seen.append({"method": "POST", "path": self.path, "customer_id": body.get("customer_id"),
                         "customer_name": body.get("customer_name"),
                         "authorization": self.headers.get("Authorization"),
                         "content_type": self.headers.get("Content-Type"), "accept": self.headers.get("Accept")})
            down = state["down"]
        if self.path != "/v1/reports":
            return self.reply(400)
        if down or cid.startswith("C-500"):
            return self.reply(500, b'{"error": "bureau unavailable"}')
        if cid.startswith("C-401"):
            return self.reply(401)
        if cid.startswith("C-NONE"):
            return self.reply(404)
        if cid.startswith("C-BAD"):
            return self.reply(200, json.dumps({"customer_id": cid, "score": "high"}).encode())
        if cid.startswith("C-SLOW"):
            time.sleep(5)
        self.reply(200, json.dumps(report(cid)).encode())

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
}
