#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import CreditCore
import Logging
import NIOCore
import NIOHTTP1

/// Fetches one customer's report from the endpoint of docs/bureau.md.
///
/// Every HTTP attempt (retries included) is first admitted by the shared `BureauGateKeeper` and
/// its outcome recorded there, so the breaker and the budget see exactly what the bureau saw. A
/// failed attempt that may be retried (timeout, refused connection, 408, 429, 5xx) waits the
/// policy's jittered back-off. The client never throws: every outcome is a `BureauFetchResult`.
public struct BureauClient: Sendable {
    public let policy: BureauPolicy
    public let gate: BureauGateKeeper
    private let http: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let source: String
    /// Larger bodies are refused as malformed: a report is a few hundred bytes.
    private let maxBodyBytes: Int

    /// - Parameters:
    ///   - http: owned by the caller (who shuts it down).
    ///   - source: written to `BureauReport.source` for the audit trail.
    public init(policy: BureauPolicy, gate: BureauGateKeeper, http: HTTPClient, logger: Logger,
                source: String = "bureau", maxBodyBytes: Int = 1 << 20,
                now: @escaping @Sendable () -> Timestamp = WallClock.now) {
        self.policy = policy
        self.gate = gate
        self.http = http
        self.logger = logger
        self.source = source
        self.maxBodyBytes = maxBodyBytes
        self.now = now
    }

    public func fetch(_ request: BureauRequest) async -> BureauFetchResult {
        guard policy.enabled else {
            return .failed(BureauFetchError(code: .notConfigured, attempts: 0, message: "bureau.enabled is false"))
        }
        guard let url = policy.url, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            return .failed(BureauFetchError(code: .notConfigured, attempts: 0, message: "bureau.url is not an http(s) URL"))
        }
        let token: String?
        switch readToken() {
        case .success(let value): token = value
        case .failure(let error): return .failed(error)
        }
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        var lastFailure: BureauFetchError?
        while true {
            if Task.isCancelled { return .failed(Self.cancelled(attempts: attempt)) }
            let decision = await gate.admit(now: now())
            // A retry the gate refuses ends the fetch with the failure that called for it.
            if decision != .call, var lastFailure {
                if case .budgetSpent = decision {
                    lastFailure.message += "; no further attempt: today's budget is spent"
                } else {
                    lastFailure.message += "; no further attempt: the circuit breaker is open"
                }
                return .failed(lastFailure)
            }
            switch decision {
            case .call: break
            case .breakerOpen(let retryAt):
                return .failed(BureauFetchError(code: .breakerOpen, retryAt: retryAt, attempts: attempt,
                                                message: retryAt.map { "the circuit breaker is open until \($0)" }
                                                    ?? "the circuit breaker's probe is in flight"))
            case .budgetSpent(let nextDay):
                return .failed(BureauFetchError(code: .budgetSpent, nextDay: nextDay, attempts: attempt,
                                                message: "today's budget of \(policy.dailyBudget) requests is spent"))
            }
            attempt += 1
            let answer = await send(request, url: url, token: token)
            let result: BureauFetchResult
            let outcome: BureauResponse.Outcome
            switch answer {
            case .cancelled:
                await gate.abandon(now: now())
                return .failed(Self.cancelled(attempts: attempt))
            case .failed(let code, let message):
                // An oversized body would come back the same: not retried.
                outcome = code == .malformedBody ? .reject : .retry
                result = .failed(BureauFetchError(code: code, attempts: attempt, message: message))
            case .answered(let status, let body):
                outcome = BureauResponse.outcome(status: status)
                switch outcome {
                case .report:
                    switch BureauResponse.parse(body, customerId: request.customerId, source: source) {
                    case .success(let report): result = .report(report)
                    case .failure(let error):
                        result = .failed(BureauFetchError(code: .malformedBody, status: status, bodyError: error, attempts: attempt,
                                                          message: "the report is refused: \(error)"))
                    }
                case .noReport:
                    result = .noReport
                case .retry, .reject:
                    result = .failed(BureauFetchError(code: .httpStatus, status: status, attempts: attempt,
                                                      message: "the endpoint answered HTTP \(status)"))
                }
            }
            let succeeded: Bool
            switch result {
            case .report, .noReport: succeeded = true
            case .failed: succeeded = false
            }
            await gate.record(succeeded: succeeded, now: now())
            guard case .failed(let error) = result,
                  let delay = policy.retryDelay(afterAttempt: attempt, outcome: outcome, using: &random) else {
                return result
            }
            lastFailure = error
            logger.debug("bureau request failed, retrying",
                         metadata: ["customer_id": "\(request.customerId)", "code": "\(error.code.rawValue)",
                                    "attempt": "\(attempt)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                return .failed(Self.cancelled(attempts: attempt))
            }
        }
    }

    // MARK: - One attempt

    private enum Answer: Sendable {
        case answered(status: Int, body: [UInt8])
        case failed(BureauFetchError.Code, String)
        case cancelled
    }

    private struct AttemptTimedOut: Error {}

    /// One HTTP exchange, bounded by `policy.timeout` as a whole (connect, send, head and body).
    private func send(_ request: BureauRequest, url: String, token: String?) async -> Answer {
        let body = request.jsonBody
        let timeout = policy.timeout
        let http = self.http
        let maxBodyBytes = self.maxBodyBytes
        do {
            return try await withThrowingTaskGroup(of: Answer.self) { group in
                group.addTask {
                    var httpRequest = HTTPClientRequest(url: url)
                    httpRequest.method = .POST
                    httpRequest.headers.add(name: "Content-Type", value: "application/json")
                    httpRequest.headers.add(name: "Accept", value: "application/json")
                    if let token { httpRequest.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    httpRequest.body = .bytes(ByteBuffer(bytes: body))
                    let response = try await http.execute(httpRequest, timeout: .microseconds(timeout.microseconds))
                    let answer = try await response.body.collect(upTo: maxBodyBytes)
                    return .answered(status: Int(response.status.code), body: Array(buffer: answer))
                }
                group.addTask {
                    // A backstop: the client's own deadline should end the attempt first, with
                    // a more telling error (a refused connection is retried inside it until then).
                    try await Task.sleep(for: timeout + .milliseconds(250))
                    throw AttemptTimedOut()
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { return .cancelled }
                return first
            }
        } catch {
            if Task.isCancelled { return .cancelled }
            return Self.classify(error, timeout: timeout)
        }
    }

    private static func classify(_ error: any Error, timeout: Duration) -> Answer {
        if error is AttemptTimedOut { return .failed(.timeout, "no answer within \(timeout)") }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return .failed(.timeout, "no answer within \(timeout)")
            default:
                break
            }
        }
        if let error = error as? NIOTooManyBytesError {
            return .failed(.malformedBody, "the body is larger than allowed: \(error)")
        }
        return .failed(.connectionFailed, "\(String(reflecting: error))")
    }

    private static func cancelled(attempts: Int) -> BureauFetchError {
        BureauFetchError(code: .cancelled, attempts: attempts, message: "the fetch was cancelled")
    }

    // MARK: - Token

    /// The bearer token from `bureau.token_file`, read at every fetch so a rotated credential is
    /// picked up; trailing newlines are not part of it.
    private func readToken() -> Result<String?, BureauFetchError> {
        guard let path = policy.tokenFile else { return .success(nil) }
        guard let bytes = Self.readFile(path) else {
            return .failure(BureauFetchError(code: .tokenUnreadable, attempts: 0, message: "cannot read bureau.token_file \(path)"))
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while let last = text.last, last == "\n" || last == "\r\n" || last == "\r" { text.removeLast() }
        guard !text.isEmpty else {
            return .failure(BureauFetchError(code: .tokenUnreadable, attempts: 0, message: "bureau.token_file \(path) is empty"))
        }
        return .success(text)
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
