import Hummingbird
import Logging

/// Answers every request of the HTTP surface: health, readiness, metrics and the admin API.
///
/// The admin API is checked before routing (disabled → 403, no token → 401, wrong token → 403), so
/// a caller without the token learns nothing about which `/v1/` paths exist. Every error answer is
/// `{"error":{"code":...,"message":...}}` with a stable code, including 404 and 405.
struct CreditResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let authorizer: AdminAuthorizer
    let readiness: any ReadinessProbe
    let backend: any AdminBackend
    let metrics: CreditMetrics
    let maxRequestBodyBytes: Int
    let logger: Logger

    static let jsonContentType = "application/json"
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let resolution = RouteTable.resolve(method: request.method.rawValue, path: path)
        // The path's prefix (so unknown /v1 paths reveal nothing) or the endpoint it reaches.
        if RouteTable.isAdminPath(path) || resolution.requiresToken,
           let refusal = authorizer.check(authorizationHeader: request.headers[.authorization])
        {
            logger.notice(
                "admin request refused",
                metadata: ["code": "\(refusal.code)", "method": "\(request.method.rawValue)", "path": "\(path)"]
            )
            var response = Self.error(refusal)
            if refusal.status == 401 {
                response.headers[.wwwAuthenticate] = "Bearer"
            }
            return response
        }

        switch resolution {
        case .notFound:
            return Self.error(AdminError(status: 404, code: AdminError.Code.notFound, message: "no route for \(path)"))
        case .badPath:
            return Self.error(
                AdminError(status: 400, code: AdminError.Code.invalidField, message: "malformed percent-encoding in path")
            )
        case .methodNotAllowed(let allowed):
            var response = Self.error(
                AdminError(
                    status: 405,
                    code: AdminError.Code.methodNotAllowed,
                    message: "\(request.method.rawValue) is not allowed on \(path); use \(allowed.joined(separator: ", "))"
                )
            )
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        case .endpoint(.health):
            return Self.json(status: 200, body: JSONBody.alive())
        case .endpoint(.readiness):
            let report = await readiness.readiness()
            return Self.json(status: report.isReady ? 200 : 503, body: JSONBody.readiness(report))
        case .endpoint(.metrics):
            var headers = HTTPFields()
            headers[.contentType] = Self.metricsContentType
            let body = metrics.exposition()
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .endpoint(.admin(let route, let identifier)):
            return await admin(route: route, identifier: identifier, request: request)
        case .endpoint(.report(let html)):
            return await report(html: html, request: request)
        }
    }

    /// `GET /report` (the HTML page a credit manager opens) and `GET /v1/report` (JSON), with the
    /// query parameters `as_of=YYYY-MM-DD`, `period_days=N` and `customer=ID`.
    private func report(html: Bool, request: Request) async -> Response {
        guard let reporter = backend as? any ReportBackend else {
            return Self.error(AdminError(status: 501, code: "not_implemented", message: "this daemon cannot render reports"))
        }
        let parameters = request.uri.queryParameters
        var periodDays: Int?
        if let text = parameters["period_days"] {
            guard let value = Int(String(text)), (1...3660).contains(value) else {
                return Self.error(AdminError(status: 400, code: AdminError.Code.invalidField,
                                             message: "period_days must be a whole number of days from 1 to 3660, not \(text)"))
            }
            periodDays = value
        }
        let query = ReportQuery(asOf: parameters["as_of"].map(String.init), periodDays: periodDays,
                                customer: parameters["customer"].map(String.init), html: html)
        switch await reporter.report(query) {
        case .success(let body):
            guard html else { return Self.json(status: 200, body: body) }
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .failure(let failure):
            return Self.error(failure)
        }
    }

    private func admin(route: AdminRoute, identifier: String, request: Request) async -> Response {
        let body: [UInt8]
        do {
            var buffer = try await request.body.collect(upTo: maxRequestBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            return Self.error(
                AdminError(
                    status: 413,
                    code: AdminError.Code.payloadTooLarge,
                    message: "request body larger than \(maxRequestBodyBytes) bytes"
                )
            )
        }

        let command: AdminCommand
        do {
            command = try AdminRequestDecoder.decode(route: route, identifier: identifier, body: body)
        } catch {
            logger.info("admin request rejected", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            return Self.error(error)
        }

        var requestId: String?
        if let key = request.headers.first(where: { $0.name.canonicalName == IdempotencyKey.header.lowercased() })?.value {
            guard IdempotencyKey.isValid(key) else {
                return Self.error(AdminError(status: 400, code: "invalid_field",
                                             message: "\(IdempotencyKey.header) must be 1-128 letters, digits or . _ : -",
                                             field: IdempotencyKey.header))
            }
            requestId = key
        }
        let result = await backend.perform(command, requestId: requestId)
        var metadata: Logger.Metadata = ["command": "\(command.name)"]
        if let actor = command.actor { metadata["by"] = "\(actor)" }
        if case .failure(let failure) = result { metadata["code"] = "\(failure.code)" }
        if command.isWrite {
            logger.info("admin command", metadata: metadata)
        } else {
            logger.debug("admin read", metadata: metadata)
        }
        switch result {
        case .success(let json):
            return Self.json(status: 200, body: json)
        case .failure(var failure):
            if !(400...599).contains(failure.status) {
                logger.error("admin backend returned a non-error status", metadata: ["status": "\(failure.status)"])
                failure = AdminError.internalError()
            }
            return Self.error(failure)
        }
    }

    static func error(_ error: AdminError) -> Response {
        json(status: error.status, body: JSONBody.error(error))
    }

    static func json(status: Int, body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = jsonContentType
        headers[.cacheControl] = "no-store"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
