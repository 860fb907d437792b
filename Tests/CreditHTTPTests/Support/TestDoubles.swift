import CreditHTTP
import Synchronization

/// A readiness probe that answers a fixed report.
struct FixedReadiness: ReadinessProbe {
    let report: ReadinessReport

    static let ready = FixedReadiness(
        report: ReadinessReport(partitionsAssigned: true, databaseWritable: true, brokerReachable: true, detail: "ok")
    )

    func readiness() async -> ReadinessReport { report }
}

/// An admin backend that records every command it receives and answers with `answer`.
final class RecordingBackend: AdminBackend {
    private let received = Mutex<[AdminCommand]>([])
    private let keys = Mutex<[String?]>([])
    private let answer: @Sendable (AdminCommand) -> AdminResult

    init(answer: @escaping @Sendable (AdminCommand) -> AdminResult = { _ in .success(json: #"{"ok":true}"#) }) {
        self.answer = answer
    }

    func perform(_ command: AdminCommand, requestId: String?) async -> AdminResult {
        received.withLock { $0.append(command) }
        keys.withLock { $0.append(requestId) }
        return answer(command)
    }

    var commands: [AdminCommand] { received.withLock { $0 } }
    /// The `Idempotency-Key` each command came with.
    var requestIds: [String?] { keys.withLock { $0 } }
}
