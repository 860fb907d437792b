import CreditCore
import CreditStore
import Foundation
import GRDB

/// A change an operator asks for through the admin API or `creditctl`.
public enum OperatorAction: Sendable, Equatable {
    /// `customerId` names the order's customer when its id is not enough (several customers use it).
    case releaseOrder(orderId: String, customerId: String? = nil, note: String)
    case setLimit(customerId: String, amount: DecimalAmount, until: LocalDate?, reason: String)
    /// Removes the operator's limits (temporary and permanent): the class rule or the default applies.
    case clearLimit(customerId: String, reason: String)
    case block(customerId: String, reason: String)
    case unblock(customerId: String, reason: String)
    /// Recomputes the score now (e.g. after a policy change to the scorecard).
    case rescore(customerId: String, reason: String?)
    /// The credit review is done: the next one is a class cycle away, a `REVIEW_OVERDUE` hold lifts.
    case completeReview(customerId: String, note: String)
    /// A bureau report from a batch file (`creditctl bureau import`).
    case importBureauReport(customerId: String, report: BureauReport)

    var customerId: String? {
        switch self {
        case .releaseOrder(_, let customerId, _): customerId
        case .setLimit(let id, _, _, _), .clearLimit(let id, _), .block(let id, _), .unblock(let id, _),
             .rescore(let id, _), .completeReview(let id, _), .importBureauReport(let id, _):
            id
        }
    }
}

extension OperatorAction {
    /// What was asked, for the audit trail.
    var auditDescription: String {
        switch self {
        case .releaseOrder(let orderId, let customerId, let note): "release order \(orderId)\(customerId.map { " of \($0)" } ?? ""): \(note)"
        case .setLimit(let customerId, let amount, let until, let reason):
            "set the limit of \(customerId) to \(amount)\(until.map { " until \($0)" } ?? ""): \(reason)"
        case .clearLimit(let customerId, let reason): "clear the operator limits of \(customerId): \(reason)"
        case .block(let customerId, let reason): "block \(customerId): \(reason)"
        case .unblock(let customerId, let reason): "unblock \(customerId): \(reason)"
        case .rescore(let customerId, let reason): "rescore \(customerId)\(reason.map { ": \($0)" } ?? "")"
        case .completeReview(let customerId, let note): "credit review of \(customerId) done: \(note)"
        case .importBureauReport(let customerId, let report):
            "import the bureau report of \(customerId) as of \(report.asOf) (score \(report.score), recommended \(report.recommendedLimit) \(report.currency.code)\(report.derogatory ? ", derogatory" : ""))"
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
        try performAll([action], by: operatorName, requestId: requestId, wallNow: wallNow)
            .map { (outputs: $0.outputs, customer: $0.customers[0]) }
    }

    /// Applies several actions (a bureau file) in one transaction: all of them, or none when one
    /// is refused (its failure names which, counting from 1). Action `i` has request id
    /// `requestId#i` when there are several.
    public func performAll(_ actions: [OperatorAction], by operatorName: String, requestId: String, fingerprint: String = "",
                           wallNow: Timestamp) throws -> Result<(outputs: [OutputEvent], customers: [JSONValue]), OperatorFailure> {
        struct Refused: Error {}
        var refusal: OperatorFailure?
        do {
            return try withWriterLock {
                let policy = self.policy
                let config = self.config
                return try writeTransaction { db -> Result<(outputs: [OutputEvent], customers: [JSONValue]), OperatorFailure> in
                    let seen = try ProcessedEvents.check(db, source: Cause.internalSource("operator"), id: requestId, sha256: fingerprint)
                    if let refusal = Self.repeatRefusal(seen, requestId: requestId) { return .failure(refusal) }
                    let now = try nowOutsideTheStream(db, wallNow: wallNow)
                    var arrival = try Meta.int(db, "arrival_seq") ?? 0
                    var allOutputs: [OutputEvent] = []
                    var customers: [JSONValue] = []
                    for (index, action) in actions.enumerated() {
                        arrival += 1
                        let context = DecisionContext(policy: policy, now: now, instance: config.instance, arrivalSequence: arrival)
                        // `#` is in no Idempotency-Key, so an item's id never meets a client's key.
                        let subId = actions.count == 1 ? requestId : "\(requestId)#\(index + 1)"
                        switch try apply(action, db: db, by: operatorName, requestId: subId, context: context, wallNow: wallNow) {
                        case .failure(var failure):
                            if actions.count > 1 { failure.message = "item \(index + 1) of \(actions.count): \(failure.message); nothing was changed" }
                            guard actions.count > 1 else { return .failure(failure) }
                            refusal = failure
                            throw Refused()
                        case .success(let (outputs, customer)):
                            allOutputs += outputs
                            customers.append(customer)
                        }
                    }
                    try ProcessedEvents.record(db, source: Cause.internalSource("operator"), id: requestId, sha256: fingerprint, customerId: actions.first?.customerId ?? "")
                    try Meta.set(db, "arrival_seq", String(arrival))
                    return .success((allOutputs, customers))
                }
            }
        } catch {
            if let refusal { return .failure(refusal) }
            throw error
        }
    }

    /// The 409 for a request id seen before: the same change again (`already_applied`, which a
    /// client takes as done) or another change under a used id (`conflict`); nil for a new one.
    static func repeatRefusal(_ seen: ProcessedEvents.Seen, requestId: String) -> OperatorFailure? {
        switch seen {
        case .new: nil
        case .repeated: OperatorFailure(status: 409, code: "already_applied", message: "request \(requestId) was already applied; nothing was done again")
        case .conflicting: OperatorFailure(status: 409, code: "conflict", message: "request \(requestId) was already used for a different change")
        }
    }

    /// "Now" for a change that does not come from the event stream (an operator, the bureau): the
    /// latest event time under the event clock (the wall clock before any event), else the wall clock.
    func nowOutsideTheStream(_ db: Database, wallNow: Timestamp) throws -> Timestamp {
        guard config.clock == .event else { return wallNow }
        return try Meta.get(db, "watermark").flatMap { Timestamp(rfc3339: $0) } ?? wallNow
    }

    /// One action inside the caller's transaction.
    private func apply(_ action: OperatorAction, db: Database, by operatorName: String, requestId: String,
                       context: DecisionContext, wallNow: Timestamp) throws -> Result<(outputs: [OutputEvent], customer: JSONValue), OperatorFailure> {
        let policy = context.policy
        let customerId: String
        switch action {
        case .releaseOrder(let orderId, let named, _):
            let owners = try OrderIndex.customers(db, orderId: orderId)
            if let named {
                guard owners.contains(named) else {
                    return .failure(OperatorFailure(status: 404, code: "not_found", message: "customer \(named) has no order \(orderId)"
                                                    + (owners.isEmpty ? "" : " (\(owners.joined(separator: ", ")) \(owners.count == 1 ? "has" : "have") one)")))
                }
                customerId = named
            } else {
                guard let owner = owners.first else {
                    return .failure(OperatorFailure(status: 404, code: "not_found", message: "no order \(orderId) is known"))
                }
                guard owners.count == 1 else {
                    return .failure(OperatorFailure(status: 409, code: "ambiguous_order",
                                                    message: "customers \(owners.joined(separator: ", ")) each have an order \(orderId): name one (creditctl order release --customer ID, or customer_id in the request)"))
                }
                customerId = owner
            }
        default:
            customerId = action.customerId ?? ""
        }
        if try CustomerStore.load(db, id: customerId) == nil {
            return .failure(OperatorFailure(status: 404, code: "not_found", message: "no customer \(customerId) is known"))
        }
        var state = try stateCache.state(db, customerId, policy: policy)
        // A changed default limit is announced before the action, so that it starts from the
        // limit in force.
        let followed = CreditEngine.followPolicy(&state, cause: .operatorRequest(requestId), context: context)
        let result: Result<[OutputEvent], OperatorFailure>
        switch action {
        case .releaseOrder(let orderId, _, let note):
            result = Self.failure(CreditEngine.releaseOrder(orderId, by: operatorName, note: note, requestId: requestId, in: &state, context: context))
        case .setLimit(_, let amount, let until, let reason):
            result = Self.failure(CreditEngine.setLimit(amount, until: until, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context))
        case .clearLimit(_, let reason):
            result = Self.failure(CreditEngine.clearLimit(.all, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context))
        case .block(_, let reason):
            result = Self.failure(CreditEngine.setBlocked(true, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context))
        case .unblock(_, let reason):
            result = Self.failure(CreditEngine.setBlocked(false, reason: reason, by: operatorName, requestId: requestId, in: &state, context: context))
        case .rescore:
            result = .success(CreditEngine.rescore(&state, cause: .operatorRequest(requestId), context: context))
        case .completeReview(_, let note):
            result = Self.failure(CreditEngine.completeReview(note: note, by: operatorName, requestId: requestId, in: &state, context: context))
        case .importBureauReport(_, let report):
            // Its outputs' ids come from the request, as every operator change's; their
            // `causationid` says what moved them, as for a fetched report (docs/operations.md).
            let cause = Cause(source: Cause.internalSource("operator"), id: requestId, causationId: "bureau:\(customerId):\(report.asOf)")
            switch CreditEngine.applyBureauReport(report, to: &state, cause: cause, context: context) {
            case .success(let outputs):
                try BureauCache.saveReport(db, customerId: customerId, report: report, at: wallNow.rfc3339)
                result = .success(outputs)
            case .failure(let error):
                // The code is a field of its own: the message does not repeat it.
                result = .failure(OperatorFailure(status: 422, code: error.code.rawValue,
                                                  message: error.field.map { "\($0): \(error.message)" } ?? error.message))
            }
        }
        // What a changed default limit did before the action (an order released by the new
        // limit, say) is stored even when the action is refused, or the refusal would repeat.
        var refusal: OperatorFailure?
        var outputs = followed
        switch result {
        case .failure(let failure): refusal = failure
        case .success(let done): outputs += done
        }
        if let refusal, outputs.isEmpty {
            // Nothing to keep: the state left the cache unchanged and stays out.
            return .failure(refusal)
        }
        stateCache.update(state)
        let stamp = wallNow.rfc3339
        try stateCache.flush(db, updatedAt: stamp, today: context.today, policy: policy)
        try record(db, outputs, state: state, today: context.today, policy: policy, actor: operatorName, stamp: stamp)
        if let refusal { return .failure(refusal) }
        // The action itself is on the record with its reason or note and the figures after it,
        // whether it published decisions (each has an entry of its own) or changed nothing visible.
        try AuditLog.append(db, AuditEntry(
            time: context.now, customerId: customerId, kind: .operatorAction, actor: operatorName,
            causationId: "operator:\(requestId)", policyVersion: policy.version,
            inputs: Self.extraInputs(state, today: context.today, policy: policy),
            reasons: [.string(action.auditDescription)],
            details: .object([JSONMember("action", .string(action.auditDescription)),
                              JSONMember("decisions", .integer(outputs.count))])))
        return .success((outputs, StateExport.customer(state, policy: policy, asOf: context.today)))
    }

    private static func failure(_ result: Result<[OutputEvent], OperatorError>) -> Result<[OutputEvent], OperatorFailure> {
        result.mapError { error in
            let status: Int
            switch error.code {
            case .unknownOrder: status = 404
            case .notHeld, .notBlocked: status = 409
            case .noteRequired, .reasonRequired, .invalidLimit: status = 422
            }
            return OperatorFailure(status: status, code: error.code.rawValue, message: error.detail)
        }
    }
}
