/// Credit limits beyond the operator's `setLimit` (credit-model.md, Credit limits): clearing
/// operator limits, the expiry of temporary ones, and the rule-based limit per risk class.
///
/// Precedence stays in `CustomerState.creditLimit(policy:today:)`: temporary (until its expiry
/// date, inclusive), permanent, class rule, policy default.
extension CreditEngine {
    /// Who the event names when the limit changed without an operator.
    public static let classRuleChangedBy = "policy"
    public static let expiryChangedBy = "expiry"

    /// Removes an operator limit; the next source in the order of precedence applies again.
    /// A permanent limit cleared stays cleared when the policy is reloaded (its seed is not re-applied).
    public static func clearLimit(_ kind: OperatorLimitKind = .all, reason: String, by operatorName: String, requestId: String,
                                  in state: inout CustomerState, context: DecisionContext) -> Result<[OutputEvent], OperatorError> {
        guard !reason.trimmingSpaces.isEmpty else { return .failure(OperatorError(code: .reasonRequired, detail: "a limit change needs a reason")) }
        let clearsTemporary = kind != .permanent && state.temporaryLimit != nil
        let clearsPermanent = kind != .temporary && state.permanentLimit != nil
        guard clearsTemporary || clearsPermanent else {
            let what = kind == .all ? "an operator" : "a \(kind.rawValue)"
            return .failure(OperatorError(code: .invalidLimit, detail: "customer \(state.customerId) has no \(what) limit to clear"))
        }
        let policy = context.policy
        var out = OutputBuilder(cause: .operatorRequest(requestId), context: context, customerId: state.customerId)
        let old = state.creditLimit(policy: policy, today: context.today)
        if clearsTemporary { state.temporaryLimit = nil }
        if clearsPermanent {
            state.permanentLimit = nil
            state.permanentLimitSetBy = operatorName
        }
        let new = state.creditLimit(policy: policy, today: context.today)
        let cleared: OperatorLimitKind = clearsTemporary && clearsPermanent ? .all : (clearsTemporary ? .temporary : .permanent)
        emitLimitChanged(old: old, new: new, changedBy: operatorName, expiresOn: state.temporaryLimitInForce(today: context.today)?.expiresOn,
                         reason: reason, extra: [JSONMember("cleared", .string(cleared.rawValue))], out: &out)
        afterLimitChange(state: &state, out: &out)
        return .success(out.events)
    }

    /// What follows a change of the limit in force by an operator or a new default: the held
    /// orders re-checked under the new limit, the utilization alerts, then a rescore of the
    /// exposure that results (the limit and the released orders are both in the utilization
    /// factor). Scoring before the releases announced a class the releases then took back.
    static func afterLimitChange(state: inout CustomerState, out: inout OutputBuilder) {
        recheckThenRescore(state: &state, out: &out)
    }

    /// Drops a temporary limit whose expiry date has passed, publishing the change of the limit
    /// in force. For a scheduler tick (`scoringTick` includes it).
    public static func expireTemporaryLimit(_ state: inout CustomerState, cause: Cause, context: DecisionContext) -> [OutputEvent] {
        var out = OutputBuilder(cause: cause, context: context, customerId: state.customerId)
        if expireTemporaryLimit(state: &state, out: &out) {
            recheckHeldOrders(state: &state, out: &out)
            checkUtilization(state: &state, out: &out)
        }
        return out.events
    }

    /// The limit the policy's rule gives `state`'s class and bureau report, in the credit
    /// currency; nil without a class, a rule for it, a report or a rate for its currency.
    public static func classLimit(for state: CustomerState, policy: Policy) -> DecimalAmount? {
        guard let riskClass = state.riskClass, let rule = policy.limits.byClass[riskClass], let report = state.bureauReport,
              let recommended = policy.convert(report.recommendedLimit, from: report.currency.code)
        else { return nil }
        return rule.limit(recommended: recommended, minorUnit: policy.currency.minorUnit)
    }

    /// Returns whether a temporary limit was removed.
    static func expireTemporaryLimit(state: inout CustomerState, out: inout OutputBuilder) -> Bool {
        guard let temporary = state.temporaryLimit, temporary.expiresOn < out.context.today else { return false }
        state.temporaryLimit = nil
        let new = state.creditLimit(policy: out.policy, today: out.context.today)
        if new != temporary.amount {
            emitLimitChanged(old: temporary.amount, new: new, changedBy: expiryChangedBy, expiresOn: nil,
                             reason: "The temporary limit set by \(temporary.setBy) expired after \(temporary.expiresOn).", out: &out)
        }
        return true
    }

    /// Follows a new policy (a reload) before anything else is decided for the customer (an
    /// event, a tick, an operator action, a bureau report, a new policy's overrides), so that no
    /// decision is made with a limit or class the policy in force would not give:
    /// - a changed `customers.default_limit`: a customer whose limit in force is the default gets
    ///   `credit.limit.changed` (`changed_by: policy`); one with a limit of its own only remembers
    ///   the new default. A state that never saw a default (stored before it was kept) takes the
    ///   one in force silently;
    /// - a class rule (`limits.by_class`, the rates) or class thresholds (`scoring.classes`) that
    ///   give this customer another class limit or class: it is scored again first;
    /// - a temporary limit that ran out since the customer was last visited (`expireTemporary`;
    ///   a tick drops it under its own cause): its expiry is announced before anything is decided
    ///   against the limit that follows it.
    /// Either way its held orders are then re-checked and its utilization alerts looked at. The
    /// outputs have a cause of their own beside `cause` (same `causationid`), so their ids never
    /// meet those of what `cause` then decides.
    public static func followPolicy(_ state: inout CustomerState, cause: Cause, context: DecisionContext,
                                    expireTemporary: Bool = true) -> [OutputEvent] {
        let policy = context.policy
        let defaultMoved = state.defaultLimitSeen != DefaultLimitSeen(policy.customers.defaultLimit)
        let classStale = classLimit(for: state, policy: policy) != state.classLimit
            || Scorecard.riskClass(score: state.score, derogatory: state.bureauReport?.derogatory == true, scoring: policy.scoring) != state.riskClass
        let expired = expireTemporary && state.temporaryLimit.map { $0.expiresOn < context.today } == true
        guard defaultMoved || classStale || expired else { return [] }
        var out = OutputBuilder(cause: Cause(source: Cause.internalSource("default-limit:\(cause.source)"), id: cause.id, causationId: cause.causationId),
                                context: context, customerId: state.customerId)
        // The default first: while a temporary limit is held it is only remembered, and the
        // expiry then announces the move from the temporary limit to the new default, once.
        let followed = defaultMoved && followDefaultLimit(state: &state, out: &out)
        let dropped = expired && expireTemporaryLimit(state: &state, out: &out)
        if followed || dropped || classStale { afterLimitChange(state: &state, out: &out) }
        return out.events
    }

    static func followDefaultLimit(state: inout CustomerState, out: inout OutputBuilder) -> Bool {
        let policy = out.policy
        let current = policy.customers.defaultLimit
        guard let seen = state.defaultLimitSeen else {
            state.defaultLimitSeen = DefaultLimitSeen(current)
            return false
        }
        guard seen.amount != current else { return false }
        state.defaultLimitSeen = DefaultLimitSeen(current)
        // A temporary limit decides: in force, the default changes nothing today; run out but
        // not yet dropped, its expiry (at the tick) announces the move to the new default.
        if state.temporaryLimit != nil { return false }
        let today = out.context.today
        let old = state.creditLimit(defaultLimit: seen.amount, today: today)
        let new = state.creditLimit(policy: policy, today: today)
        guard old != new else { return false }
        let text = { (amount: DecimalAmount?) in amount.map { policy.format($0) } ?? "none" }
        emitLimitChanged(old: old, new: new, changedBy: classRuleChangedBy, expiresOn: nil,
                         reason: "customers.default_limit of policy \(policy.version) changed from \(text(seen.amount)) to \(text(current)).",
                         out: &out)
        return true
    }

    /// Brings `classLimit` in line with the class and the bureau report; publishes
    /// `credit.limit.changed` when the limit in force moves. Returns whether it moved.
    static func updateClassLimit(state: inout CustomerState, out: inout OutputBuilder) -> Bool {
        let policy = out.policy
        let rule = classLimit(for: state, policy: policy)
        guard rule != state.classLimit else { return false }
        let old = state.creditLimit(policy: policy, today: out.context.today)
        state.classLimit = rule
        let new = state.creditLimit(policy: policy, today: out.context.today)
        guard old != new else { return false }
        let reason: String
        if let rule, let riskClass = state.riskClass, let share = policy.limits.byClass[riskClass] {
            let capText = share.cap.map { ", capped at \(policy.format($0))" } ?? ""
            reason = "Risk class \(riskClass) rule: \(share.bureauShare.text) % of the bureau's recommended limit\(capText) = \(policy.format(rule))."
        } else {
            reason = "No class rule applies any more (risk class \(state.riskClass ?? "none"), \(state.bureauReport == nil ? "no bureau report" : "no rule for the class"))."
        }
        emitLimitChanged(old: old, new: new, changedBy: classRuleChangedBy, expiresOn: nil, reason: reason, out: &out)
        return true
    }

    static func emitLimitChanged(old: DecimalAmount?, new: DecimalAmount?, changedBy: String, expiresOn: LocalDate?, reason: String,
                                 extra: [JSONMember] = [], out: inout OutputBuilder) {
        out.emit(.limitChanged, [
            JSONMember("old_limit", out.money(old)),
            JSONMember("new_limit", out.money(new)),
            JSONMember("currency", .string(out.policy.currency.code)),
            JSONMember("changed_by", .string(changedBy)),
            JSONMember("expires_on", .optionalString(expiresOn?.text)),
            JSONMember("reason", .string(reason)),
        ] + extra)
    }
}
