import AsyncHTTPClient
import CreditHTTP
import Foundation
import Logging
import ServiceLifecycle

/// One response as the tests look at it.
struct Reply {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object, or an empty dictionary when it is not one.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    /// `error.field` of an error body.
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
}

/// A client bound to one running server, speaking real HTTP over loopback.
struct LiveClient {
    let address: HTTPBoundAddress

    func send(
        _ method: String,
        _ path: String,
        token: String? = nil,
        authorization: String? = nil,
        body: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: address.baseURL + path)
        request.method = .init(rawValue: method)
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(body.utf8))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 8 << 20)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: String(buffer: buffer)
        )
    }
}

let quietLogger = Logger(label: "creditd.http.test") { _ in SwiftLogNoOpLogHandler() }
let testToken = "t0ken-for-tests-only"

/// Runs an `HTTPServer` on 127.0.0.1 port 0 inside a real `ServiceGroup`, hands the test a
/// client once the socket is bound, then shuts the group down gracefully and waits for it.
func withLiveServer<T>(
    adminToken: String? = testToken,
    readiness: any ReadinessProbe = FixedReadiness.ready,
    backend: any AdminBackend = RecordingBackend(),
    metrics: CreditMetrics = CreditMetrics(),
    maxRequestBodyBytes: Int = HTTPServerConfiguration.defaultMaxRequestBodyBytes,
    _ body: (LiveClient) async throws -> T
) async throws -> T {
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            adminToken: adminToken,
            maxRequestBodyBytes: maxRequestBodyBytes
        ),
        readiness: readiness,
        backend: backend,
        metrics: metrics,
        logger: quietLogger
    )
    let group = ServiceGroup(configuration: .init(services: [server], logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let address = try await server.boundAddress()
            let result = try await body(LiveClient(address: address))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
