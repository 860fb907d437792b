import CreditHTTP
import Testing

@Suite("Health and readiness over a real socket", .timeLimit(.minutes(1)))
struct HealthEndpointTests {
    @Test("/healthz answers alive")
    func alive() async throws {
        let reply = try await withLiveServer { try await $0.send("GET", "/healthz") }
        #expect(reply.status == 200)
        #expect(reply.body == #"{"status":"alive"}"#)
        #expect(reply.header("content-type") == "application/json")
    }

    @Test("/readyz is 200 with every check true when ready")
    func ready() async throws {
        let reply = try await withLiveServer { try await $0.send("GET", "/readyz") }
        #expect(reply.status == 200)
        #expect(reply.json["status"] as? String == "ready")
        let checks = try #require(reply.json["checks"] as? [String: Bool])
        #expect(checks == ["partitions_assigned": true, "database_writable": true, "broker_reachable": true])
        #expect(reply.json["detail"] as? String == "ok")
    }

    @Test("/readyz is 503 and names the failing checks when not ready")
    func notReady() async throws {
        let probe = FixedReadiness(
            report: ReadinessReport(
                partitionsAssigned: false,
                databaseWritable: true,
                brokerReachable: false,
                detail: "rebalance in progress"
            )
        )
        let reply = try await withLiveServer(readiness: probe) { try await $0.send("GET", "/readyz") }
        #expect(reply.status == 503)
        #expect(reply.json["status"] as? String == "not_ready")
        let checks = try #require(reply.json["checks"] as? [String: Bool])
        #expect(checks == ["partitions_assigned": false, "database_writable": true, "broker_reachable": false])
        #expect(reply.json["detail"] as? String == "rebalance in progress")
    }

    @Test("health and metrics are served without a token even when the admin API is disabled")
    func servedWithoutAdmin() async throws {
        let (health, metrics) = try await withLiveServer(adminToken: nil) { client in
            (try await client.send("GET", "/healthz"), try await client.send("GET", "/metrics"))
        }
        #expect(health.status == 200)
        #expect(metrics.status == 200)
    }

    @Test("unknown paths and wrong methods get JSON errors")
    func notFoundAndMethod() async throws {
        let (missing, wrongMethod) = try await withLiveServer { client in
            (try await client.send("GET", "/nope"), try await client.send("POST", "/healthz", body: "{}"))
        }
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "method_not_allowed")
        #expect(wrongMethod.header("allow") == "GET")
    }
}

@Suite("Server lifecycle", .timeLimit(.minutes(1)))
struct HTTPServerLifecycleTests {
    @Test("port 0 binds a free port, reported by boundAddress() and onListening alike")
    func boundAddress() async throws {
        let reported = AsyncStream.makeStream(of: HTTPBoundAddress.self)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            readiness: FixedReadiness.ready,
            backend: RecordingBackend(),
            metrics: CreditMetrics(),
            logger: quietLogger,
            onListening: { reported.continuation.yield($0) }
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            let address = try await server.boundAddress()
            #expect(address.host == "127.0.0.1")
            #expect(address.port > 0)
            var iterator = reported.stream.makeAsyncIterator()
            #expect(await iterator.next() == address)
            let reply = try await LiveClient(address: address).send("GET", "/healthz")
            #expect(reply.status == 200)
            tasks.cancelAll()
        }
        // Once stopped, there is no address to give.
        await #expect(throws: HTTPServerError.self) { try await server.boundAddress() }
    }

    @Test("a port already in use fails run() and boundAddress() instead of hanging")
    func portInUse() async throws {
        try await withLiveServer { client in
            let second = HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: client.address.port),
                readiness: FixedReadiness.ready,
                backend: RecordingBackend(),
                metrics: CreditMetrics(),
                logger: quietLogger
            )
            let waiting = Task { try await second.boundAddress() }
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: HTTPServerError.self) { try await waiting.value }
        }
    }

    @Test("run() is once per server")
    func runOnce() async throws {
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            readiness: FixedReadiness.ready,
            backend: RecordingBackend(),
            metrics: CreditMetrics(),
            logger: quietLogger
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            _ = try await server.boundAddress()
            await #expect(throws: HTTPServerError.alreadyStarted) { try await server.run() }
            tasks.cancelAll()
        }
    }
}
