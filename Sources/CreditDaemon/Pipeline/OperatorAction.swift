import CreditCore
import CreditStore
import Foundation
import GRDB

/// A change an operator asks for through the admin API or `creditctl`.
public enum OperatorAction: Sendable, Equatable {
    case releaseOrder(orderId: String, note: String)
    case setLimit(customerId: String, amount: DecimalAmount, until: LocalDate?, reason: String)
    case block(customerId: String, reason: String)
    case unblock(customerId: String, reason: String)
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
                case .setLimit(let id, _, _, _), .block(let id, _), .unblock(let id, _):
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
                    for output in outputs {
                        try Outbox.append(db, OutboxRendering.message(for: output, topics: config.topics), createdAt: stamp)
                    }
                    return .success((outputs, StateExport.customer(state, policy: policy, asOf: context.today)))
                }
            }
        }
    }
}
