import CreditCore
import CreditStore
import Foundation
import GRDB

/// A change an operator asks for through the admin API or `creditctl`.
public enum OperatorAction: Sendable, Equatable {
    case releaseOrder(orderId: String, note: String)
    case setLimit(customerId: String, amount: DecimalAmount, until: LocalDate?, reason: String)
    /// Removes the operator's limits (temporary and permanent): the class rule or the default applies.
    case clearLimit(customerId: String, reason: String)
    case block(customerId: String, reason: String)
    case unblock(customerId: String, reason: String)
}

extension OperatorAction {
    /// What was asked, for the audit trail.
    var auditDescription: String {
        switch self {
        case .releaseOrder(let orderId, let note): "release order \(orderId): \(note)"
        case .setLimit(let customerId, let amount, let until, let reason):
            "set the limit of \(customerId) to \(amount)\(until.map { " until \($0)" } ?? ""): \(reason)"
        case .clearLimit(let customerId, let reason): "clear the operator limits of \(customerId): \(reason)"
        case .block(let customerId, let reason): "block \(customerId): \(reason)"
        case .unblock(let customerId, let reason): "unblock \(customerId): \(reason)"
        }
    }
}

/// Why an operator action was refused: a stable code and an HTTP status for the admin API.
public struct OperatorFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}

extension BatchProcessor {
    /// Applies an operator action in its own transaction, with its outputs in the outbox and the
    /// request id recorded (a retried request with the same id is applied once).
    /// Returns the outputs and the customer's export after the change.
    public func perform(_ action: OperatorAction, by operatorName: String, requestId: String,
                        wallNow: Timestamp) throws -> Result<(outputs: [OutputEvent], customer: JSONValue), OperatorFailure> {
        try withWriterLock {
            let policy = self.policy
            let config = self.config
            return try writeTransaction { db -> Result<(outputs: [OutputEvent], customer: JSONValue), OperatorFailure> in
                if try ProcessedEvents.check(db, source: "operator", id: requestId, sha256: "") != .new {
                    return .failure(OperatorFailure(status: 409, code: "conflict", message: "request \(requestId) was already applied"))
                }
                let customerId: String
                switch action {
                case .releaseOrder(let orderId, _):
                    guard let owner = try OrderIndex.customer(db, orderId: orderId) else {
                        return .failure(OperatorFailure(status: 404, code: "not_found", message: "no order \(orderId) is known"))
                    }
                    customerId = owner
                case .setLimit(let id, _, _, _), .clearLimit(let id, _), .block(let id, _), .unblock(let id, _):
                    customerId = id
                }
                if try CustomerStore.load(db, id: customerId) == nil {
                    return .failure(OperatorFailure(status: 404, code: "not_found", message: "no customer \(customerId) is known"))
                }
                var state = try stateCache.state(db, customerId, policy: policy)
                let watermark = try Meta.get(db, "watermark").flatMap { Timestamp(rfc3339: $0) }
                let now = config.clock == .event ? (watermark ?? wallNow) : wallNow
                let arrival = (try Meta.int(db, "arrival_seq") ?? 0) + 1
                let context = DecisionContext(policy: policy, now: now, instance: config.instance, arrivalSequence: arrival)
                let result: Result<[OutputEvent], OperatorError>
                switch action {
                case .releaseOrder(let orderId, let note):
                    result = CreditEngine.releaseOrder(orderId, by: operatorName, note: note, requestId: requestId, in: &state, context: context)
                case .setLimit(_, let amount, let until, let reason):
                    result = CreditEngine.setLimit(amount, until: until, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context)
                case .clearLimit(_, let reason):
                    result = CreditEngine.clearLimit(.all, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context)
                case .block(_, let reason):
                    result = CreditEngine.setBlocked(true, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context)
                case .unblock(_, let reason):
                    result = CreditEngine.setBlocked(false, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context)
                }
                switch result {
                case .failure(let error):
                    let status: Int
                    switch error.code {
                    case .unknownOrder: status = 404
                    case .notHeld, .notBlocked: status = 409
                    case .noteRequired, .reasonRequired, .invalidLimit: status = 422
                    }
                    return .failure(OperatorFailure(status: status, code: error.code.rawValue, message: error.detail))
                case .success(let outputs):
                    stateCache.update(state, ledgerChanged: false)
                    let stamp = wallNow.rfc3339
                    try stateCache.flush(db, updatedAt: stamp, today: context.today, policy: policy)
                    try ProcessedEvents.record(db, source: "operator", id: requestId, sha256: "", customerId: customerId)
                    try Meta.set(db, "arrival_seq", String(arrival))
                    try record(db, outputs, state: state, today: context.today, policy: policy, actor: operatorName, stamp: stamp)
                    if outputs.isEmpty {
                        // An action that changed nothing visible is still on the record.
                        try AuditLog.append(db, AuditEntry(
                            time: context.now, customerId: customerId, kind: .operatorAction, actor: operatorName,
                            causationId: "operator:\(requestId)", policyVersion: policy.version,
                            body: .object([JSONMember("action", .string(action.auditDescription))])))
                    }
                    return .success((outputs, StateExport.customer(state, policy: policy, asOf: context.today)))
                }
            }
        }
    }
}
