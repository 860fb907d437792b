import CreditCore
import CreditHTTP
import CreditStore
import Foundation
import Logging

/// The admin API's view of the daemon: each command becomes an operator action applied by the
/// single writer, with its outputs in the outbox and a log line naming who did it and why.
struct DaemonAdmin: AdminBackend {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell
    let logger: Logger
    /// Counts the decisions an operator's action published, as the consumer counts its own.
    var metrics: CreditMetrics?

    func perform(_ command: AdminCommand, requestId clientKey: String?) async -> AdminResult {
        let actions: [OperatorAction]
        let reason: String
        switch command {
        case .showCustomer(let id):
            return showCustomer(id)
        case .retryRefusedOutbox(let seqs, let why, let by):
            return retryRefused(seqs, reason: why, by: by, requestId: clientKey)
        case .releaseOrder(let orderId, let customerId, let note, _):
            actions = [.releaseOrder(orderId: orderId, customerId: customerId, note: note)]
            reason = note
        case .setLimit(let customerId, let amountText, let why, let untilText, _):
            let amount: DecimalAmount
            switch DecimalAmount.parse(amountText) {
            case .success(let value): amount = value
            case .failure(let error):
                return .failure(AdminError(status: 400, code: "invalid_amount", message: "amount: \(error.message)", field: "amount"))
            }
            var until: LocalDate?
            if let untilText {
                guard let date = LocalDate(untilText) else {
                    return .failure(AdminError(status: 400, code: "invalid_field", message: "until must be YYYY-MM-DD", field: "until"))
                }
                until = date
            }
            actions = [.setLimit(customerId: customerId, amount: amount, until: until, reason: why)]
            reason = why
        case .blockCustomer(let customerId, let why, _):
            actions = [.block(customerId: customerId, reason: why)]
            reason = why
        case .unblockCustomer(let customerId, let why, _):
            actions = [.unblock(customerId: customerId, reason: why)]
            reason = why
        case .clearLimit(let customerId, let why, _):
            actions = [.clearLimit(customerId: customerId, reason: why)]
            reason = why
        case .rescoreCustomer(let customerId, let why, _):
            actions = [.rescore(customerId: customerId, reason: why)]
            reason = why ?? "rescore"
        case .completeReview(let customerId, let note, _):
            actions = [.completeReview(customerId: customerId, note: note)]
            reason = note
        case .importBureauReports(let reports, let by):
            switch Self.bureauActions(reports, by: by) {
            case .success(let list): actions = list
            case .failure(let error): return .failure(error)
            }
            reason = "bureau import of \(reports.count) report\(reports.count == 1 ? "" : "s")"
        }
        let by = command.actor ?? "admin-api"
        // The client's Idempotency-Key names the change, so that a retry is applied once; the
        // command's hash tells a retry from another change sent under the same key.
        let requestId = clientKey ?? UUID().uuidString.lowercased()
        // Over the actions, not the command: a retry by someone else (`by`) is the same change.
        let fingerprint = clientKey == nil ? "" : EventDecoder.canonicalHash(of: .string("\(actions)"))
        do {
            switch try processor.performAll(actions, by: by, requestId: requestId, fingerprint: fingerprint, wallNow: Timestamp.wallClockNow()) {
            case .failure(let failure):
                logger.notice("operator action refused", metadata: [
                    "action": "\(command.name)", "by": "\(by)", "error.code": "\(failure.code)", "error": "\(failure.message)"])
                return .failure(AdminError(status: failure.status, code: failure.code, message: failure.message))
            case .success(let (outputs, customers)):
                doorbell.ring()
                let ids = customers.compactMap { $0["customer_id"]?.stringValue }
                var metadata: Logger.Metadata = [
                    "action": "\(command.name)", "by": "\(by)", "reason": "\(reason)", "request_id": "\(requestId)",
                    "customers": "\(ids.prefix(5).joined(separator: ","))",
                    "decisions": "\(outputs.map(\.type.rawValue).joined(separator: ","))"]
                // An action on one customer is part of its story (`journalctl CUSTOMER_ID=`), even one
                // that published nothing (a review without a hold, a rescore that moved nothing).
                if ids.count == 1 { metadata["customer_id"] = "\(ids[0])" }
                logger.notice("operator action applied", metadata: metadata)
                DecisionLog(logger: logger).record(outputs)
                for output in outputs { metrics?.decision(type: output.type.rawValue) }
                var members = [
                    JSONMember("request_id", .string(requestId)),
                    JSONMember("outputs", .array(outputs.map(\.cloudEvent))),
                ]
                if case .importBureauReports = command {
                    members.append(JSONMember("imported", .integer(customers.count)))
                } else if let customer = customers.first {
                    members.append(JSONMember("customer", customer))
                }
                return .success(body: JSONValue.object(members).serialized())
            }
        } catch {
            logger.error("operator action failed in the database", metadata: ["action": "\(command.name)", "error": "\(error)"])
            return .failure(AdminError(status: 503, code: "unavailable", message: "the database refused the change: \(error)"))
        }
    }

    /// The API's validated strings in the credit model's exact types; the source names who imported.
    static func bureauActions(_ reports: [CreditHTTP.BureauReport], by: String) -> Result<[OperatorAction], AdminError> {
        var actions: [OperatorAction] = []
        actions.reserveCapacity(reports.count)
        for (index, report) in reports.enumerated() {
            let field = "reports[\(index)]"
            // Numbered from 1, as the engine's refusals of an item are.
            let item = reports.count > 1 ? "item \(index + 1) of \(reports.count) (\(report.customerID))" : report.customerID
            guard case .success(let limit) = DecimalAmount.parse(report.recommendedLimit) else {
                return .failure(AdminError(status: 400, code: "invalid_field",
                                           message: "\(item): recommended_limit \(report.recommendedLimit) is not a decimal amount; nothing was changed",
                                           field: "\(field).recommended_limit"))
            }
            guard let asOf = LocalDate(report.asOf) else {
                return .failure(AdminError(status: 400, code: "invalid_field",
                                           message: "\(item): as_of \(report.asOf) is not a date (YYYY-MM-DD); nothing was changed",
                                           field: "\(field).as_of"))
            }
            guard let currency = Currency(code: report.currency) else {
                return .failure(AdminError(status: 422, code: "unknown_currency",
                                           message: "\(item): \(report.currency) is not an ISO 4217 currency code; nothing was changed",
                                           field: "\(field).currency"))
            }
            let model = CreditCore.BureauReport(score: report.score, recommendedLimit: limit, currency: currency,
                                                derogatory: report.derogatory, asOf: asOf, source: "import:\(by)")
            actions.append(.importBureauReport(customerId: report.customerID, report: model))
        }
        return .success(actions)
    }

    /// Refused messages touch only the outbox tables, as the relay does, not the credit state: no
    /// operator action, no audit entry; the log line says who put them back and why. Under an
    /// Idempotency-Key the request is recorded with the requeue, so a client's retry after a lost
    /// answer does not put back what the broker refused again since.
    private func retryRefused(_ seqs: [Int64]?, reason: String, by: String, requestId: String?) -> AdminResult {
        let source = Cause.internalSource("outbox-retry")
        let fingerprint = EventDecoder.canonicalHash(of: .string(seqs.map { "\($0)" } ?? "all"))
        do {
            let outcome = try processor.database.write { db -> Result<Int, AdminError> in
                if let requestId, let refusal = BatchProcessor.repeatRefusal(
                    try ProcessedEvents.check(db, source: source, id: requestId, sha256: fingerprint), requestId: requestId) {
                    return .failure(AdminError(status: refusal.status, code: refusal.code, message: refusal.message))
                }
                let requeued = try RefusedOutbox.retry(db, seqs: seqs)
                if seqs != nil && requeued == 0 {
                    return .failure(AdminError(status: 404, code: "not_found", message: "no refused message at \(seqs ?? [])"))
                }
                if let requestId { try ProcessedEvents.record(db, source: source, id: requestId, sha256: fingerprint, customerId: "") }
                return .success(requeued)
            }
            let requeued: Int
            switch outcome {
            case .failure(let error): return .failure(error)
            case .success(let count): requeued = count
            }
            doorbell.ring()
            var fields: Logger.Metadata = ["action": "outbox.retry", "by": "\(by)", "reason": "\(reason)", "requeued": "\(requeued)"]
            if let requestId { fields["request_id"] = "\(requestId)" }
            logger.notice("refused messages put back into the outbox", metadata: fields)
            var members = [JSONMember("requeued", .integer(requeued))]
            if let requestId { members.append(JSONMember("request_id", .string(requestId))) }
            return .success(body: JSONValue.object(members).serialized())
        } catch {
            logger.error("operator action failed in the database", metadata: ["action": "outbox.retry", "error": "\(error)"])
            return .failure(AdminError(status: 503, code: "unavailable", message: "the database refused the change: \(error)"))
        }
    }

    private func showCustomer(_ id: String) -> AdminResult {
        do {
            // Today as the daemon decides (the watermark under the event clock), as `export state` has it.
            let loaded = try processor.database.read { db in
                (try StateCodec.load(db, id: id), try processor.nowOutsideTheStream(db, wallNow: Timestamp.wallClockNow()))
            }
            guard let state = loaded.0 else {
                return .failure(AdminError(status: 404, code: "not_found", message: "no customer \(id) is known"))
            }
            let today = loaded.1.utcDate
            return .success(body: StateExport.customer(state, policy: processor.currentPolicy, asOf: today).serialized())
        } catch {
            return .failure(AdminError(status: 503, code: "unavailable", message: "\(error)"))
        }
    }
}

/// /readyz from what the daemon already knows (no I/O in the request path).
struct DaemonReadiness: ReadinessProbe {
    let status: DaemonStatus

    func readiness() async -> ReadinessReport {
        let missing = status.missingInputTopics
        let assigned = !status.assignedPartitions.isEmpty
        // Partitions of the other topics do not make up for one that is not read at all.
        let partitions = assigned && missing.isEmpty
        let writable = status.databaseWritable
        let broker = status.brokerProblemText == nil
        var detail: [String] = []
        if !missing.isEmpty {
            detail.append("input topics missing on the broker: \(missing.joined(separator: ", ")) (create them; nothing is read from them until then)")
        }
        if !assigned { detail.append("no partitions assigned yet") }
        if !writable { detail.append("the database is not writable") }
        if let problem = status.brokerProblemText { detail.append("broker: \(problem)") }
        return ReadinessReport(partitionsAssigned: partitions, databaseWritable: writable, brokerReachable: broker,
                               detail: detail.joined(separator: "; "))
    }
}
