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

    func perform(_ command: AdminCommand) async -> AdminResult {
        let action: OperatorAction
        let reason: String
        switch command {
        case .showCustomer(let id):
            return showCustomer(id)
        case .releaseOrder(let orderId, let note, _):
            action = .releaseOrder(orderId: orderId, note: note)
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
            action = .setLimit(customerId: customerId, amount: amount, until: until, reason: why)
            reason = why
        case .blockCustomer(let customerId, let why, _):
            action = .block(customerId: customerId, reason: why)
            reason = why
        case .unblockCustomer(let customerId, let why, _):
            action = .unblock(customerId: customerId, reason: why)
            reason = why
        case .clearLimit(let customerId, let why, _):
            action = .clearLimit(customerId: customerId, reason: why)
            reason = why
        case .rescoreCustomer, .importBureauReports:
            return .failure(AdminError(status: 501, code: "not_implemented",
                                       message: "\(command.name) arrives with the scoring and bureau work; nothing was changed"))
        }
        let by = command.actor ?? "admin-api"
        let requestId = UUID().uuidString.lowercased()
        do {
            switch try processor.perform(action, by: by, requestId: requestId, wallNow: Timestamp.wallClockNow()) {
            case .failure(let failure):
                logger.notice("operator action refused", metadata: [
                    "action": "\(command.name)", "by": "\(by)", "error.code": "\(failure.code)", "error": "\(failure.message)"])
                return .failure(AdminError(status: failure.status, code: failure.code, message: failure.message))
            case .success(let (outputs, customer)):
                doorbell.ring()
                logger.notice("operator action applied", metadata: [
                    "action": "\(command.name)", "by": "\(by)", "reason": "\(reason)", "request_id": "\(requestId)",
                    "customer_id": "\(customer["customer_id"]?.stringValue ?? "")",
                    "decisions": "\(outputs.map(\.type.rawValue).joined(separator: ","))"])
                let body = JSONValue.object([
                    JSONMember("request_id", .string(requestId)),
                    JSONMember("outputs", .array(outputs.map(\.cloudEvent))),
                    JSONMember("customer", customer),
                ])
                return .success(body: body.serialized())
            }
        } catch {
            logger.error("operator action failed in the database", metadata: ["action": "\(command.name)", "error": "\(error)"])
            return .failure(AdminError(status: 503, code: "unavailable", message: "the database refused the change: \(error)"))
        }
    }

    private func showCustomer(_ id: String) -> AdminResult {
        do {
            guard let bytes = try processor.database.read({ db in try CustomerStore.load(db, id: id) }) else {
                return .failure(AdminError(status: 404, code: "not_found", message: "no customer \(id) is known"))
            }
            let state = try StateCodec.decode(bytes, customer: id)
            let today = Timestamp.wallClockNow().utcDate
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
        let partitions = !status.assignedPartitions.isEmpty
        let writable = status.databaseWritable
        let broker = status.brokerProblemText == nil
        var detail: [String] = []
        if !partitions { detail.append("no partitions assigned yet") }
        if !writable { detail.append("the database is not writable") }
        if let problem = status.brokerProblemText { detail.append("broker: \(problem)") }
        return ReadinessReport(partitionsAssigned: partitions, databaseWritable: writable, brokerReachable: broker,
                               detail: detail.joined(separator: "; "))
    }
}
