import CreditCore
import Logging

/// Writes each decision, alert and dead letter to the log with the journal fields operators search
/// by (`CUSTOMER_ID`, `ORDER_ID`, `DECISION`, `REASON`, `EVENT_ID` ...). Holds, blocks and alerts are
/// warnings or worse; routine approvals are `debug`, so a busy daemon does not flood the journal.
struct DecisionLog: Sendable {
    let logger: Logger

    func record(_ outcome: BatchProcessor.Outcome) {
        for output in outcome.outputs { record(output) }
        for letter in outcome.deadLetters {
            logger.warning("dead-lettered an input message", metadata: [
                "decision": "dead_letter", "reason": "\(letter.code.rawValue)", "detail": "\(letter.detail)",
                "topic": "\(letter.message.topic)", "partition": "\(letter.message.partition)",
                "offset": "\(letter.message.offset)",
            ])
        }
    }

    /// Outputs of an operator action or other work outside a batch, one journal entry each.
    func record(_ outputs: [OutputEvent]) {
        for output in outputs { record(output) }
    }

    /// The data members `record` reads.
    static let loggedData: Set<String> = ["order_id", "invoice_id", "reasons", "code", "severity", "message"]

    /// `output` with only the data this log and the metrics read: what a batch's outcome keeps
    /// in the daemon (`BatchProcessor.keepsWholeOutputs`).
    static func logged(_ output: OutputEvent) -> OutputEvent {
        guard case .object(let members) = output.data, members.contains(where: { !loggedData.contains($0.key) }) else { return output }
        var kept = output
        kept.data = .object(members.filter { loggedData.contains($0.key) })
        return kept
    }

    private func record(_ output: OutputEvent) {
        var metadata: Logger.Metadata = [
            "customer_id": "\(output.customerId)", "decision": "\(output.type.rawValue)",
            "event_id": "\(output.id)", "causation_id": "\(output.causationId)",
        ]
        if let order = output.data["order_id"]?.stringValue { metadata["order_id"] = "\(order)" }
        if let invoice = output.data["invoice_id"]?.stringValue { metadata["invoice_id"] = "\(invoice)" }
        if case .array(let reasons)? = output.data["reasons"] {
            let codes = reasons.compactMap { $0["code"]?.stringValue }
            if !codes.isEmpty { metadata["reason"] = "\(codes.joined(separator: ","))" }
        }
        if let code = output.data["code"]?.stringValue { metadata["reason"] = "\(code)" }
        let level: Logger.Level
        let message: String
        switch output.type {
        case .orderApproved:
            level = .debug
            message = "order approved"
        case .orderHeld:
            level = .warning
            message = "order held"
        case .orderReleased:
            level = .notice
            message = "order released"
        case .customerBlocked:
            level = .warning
            message = "customer blocked"
        case .customerUnblocked:
            level = .notice
            message = "customer unblocked"
        case .limitChanged, .scoreChanged:
            level = .notice
            message = output.type.rawValue
        case .dunningNotice:
            level = .notice
            message = "dunning notice"
        case .alert:
            // At the alert's own severity (events.md): `info` alerts are journal `info` lines.
            switch output.alertSeverity {
            case .critical: level = .critical
            case .warning: level = .warning
            case .info, nil: level = .info
            }
            message = "alert \(output.data["code"]?.stringValue ?? ""): \(output.data["message"]?.stringValue ?? "")"
        }
        logger.log(level: level, "\(message)", metadata: metadata)
    }
}
