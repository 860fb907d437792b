/// Scoring, risk classes and credit reviews in the engine (credit-model.md, Scoring; Credit limits).
///
/// The stored `score`, `riskClass` and `scoreReasons` are the *published* ones: they change only
/// together with a `credit.score.changed`, so every decision shows the figures consumers were told
/// and small moves (within `scoring.change_step`) cannot creep up unannounced.
extension CreditEngine {
    /// Recomputes the score and what follows from it: class, class limit, review date, the
    /// review-overdue alert, and a re-check of held orders when any of those changed. For a
    /// scheduler run, after an input event (use `cause.scoring` so ids do not collide with the
    /// event's own outputs), or at an operator's request.
    public static func rescore(_ state: inout CustomerState, cause: Cause, context: DecisionContext) -> [OutputEvent] {
        var out = OutputBuilder(cause: cause, context: context, customerId: state.customerId)
        rescore(state: &state, out: &out)
        return out.events
    }

    /// Everything scoring does at a scheduler tick: expire temporary limits, follow a changed
    /// policy default limit, rescore, review alert.
    /// Its cause is `Cause.tick(now).scoring`, so it may run at the same tick as the dunning step.
    public static func scoringTick(_ state: inout CustomerState, context: DecisionContext) -> [OutputEvent] {
        let followed = followPolicy(&state, cause: Cause.tick(context.now).scoring, context: context, expireTemporary: false)
        var out = OutputBuilder(cause: Cause.tick(context.now).scoring, context: context, customerId: state.customerId)
        let expired = expireTemporaryLimit(state: &state, out: &out)
        let changed = rescore(state: &state, out: &out, recheck: false)
        if expired || changed {
            recheckHeldOrders(state: &state, out: &out)
            checkUtilization(state: &state, out: &out)
        }
        return followed + out.events
    }

    /// A credit manager has reviewed the customer: the next review is one class cycle from today
    /// (none when the class has no cycle), and a hold for `REVIEW_OVERDUE` lifts.
    public static func completeReview(note: String, by operatorName: String, requestId: String,
                                      in state: inout CustomerState, context: DecisionContext) -> Result<[OutputEvent], OperatorError> {
        guard !note.trimmingSpaces.isEmpty else { return .failure(OperatorError(code: .noteRequired, detail: "a review needs a note")) }
        var out = OutputBuilder(cause: .operatorRequest(requestId), context: context, customerId: state.customerId)
        state.reviewDate = state.riskClass.flatMap { context.policy.scoring.reviewCycleDays[$0] }.map { context.today.adding(days: $0) }
        state.reviewAlertedFor = nil
        recheckThenRescore(state: &state, out: &out)
        return .success(out.events)
    }

    /// Returns whether the class, the limit in force or the review date changed.
    @discardableResult
    static func rescore(state: inout CustomerState, out: inout OutputBuilder, recheck: Bool = true) -> Bool {
        let policy = out.policy
        let today = out.context.today
        let card = Scorecard(state: state, bureauReport: state.bureauReport, policy: policy, today: today)
        state.scoredOn = today
        let oldScore = state.score
        let oldClass = state.riskClass
        let oldReview = state.reviewDate
        let classChanged = card.riskClass != oldClass
        let moved: Bool
        switch (oldScore, card.score) {
        case (nil, nil): moved = false
        case let (old?, new?): moved = abs(new - old) > policy.scoring.changeStep
        default: moved = true
        }
        if classChanged || moved {
            state.score = card.score
            state.riskClass = card.riskClass
            state.scoreReasons = card.reasonCodes
            emitScoreChanged(card, oldScore: oldScore, oldClass: oldClass, out: &out)
            if let oldClass, let newClass = card.riskClass, Scorecard.isBetter(oldClass, than: newClass) {
                let held = policy.creditCheck.holdRiskClasses.contains(newClass)
                out.emitAlert(.riskDowngrade, severity: held ? .critical : .warning,
                              message: "Risk class fell from \(oldClass) to \(newClass) (score \(card.score.map(String.init) ?? "none"); \(card.reasonCodes.joined(separator: ", ")))\(held ? "; new orders are held" : "").",
                              figures: [
                                  JSONMember("old_class", .string(oldClass)),
                                  JSONMember("new_class", .string(newClass)),
                                  JSONMember("old_score", oldScore.map(JSONValue.integer) ?? .null),
                                  JSONMember("new_score", card.score.map(JSONValue.integer) ?? .null),
                                  JSONMember("reason_codes", .array(card.reasonCodes.map(JSONValue.string))),
                              ])
            }
        }
        let limitChanged = updateClassLimit(state: &state, out: &out)
        updateReviewDate(state: &state, oldClass: oldClass, today: today, policy: policy)
        checkReviewOverdue(state: &state, out: &out)
        let changed = classChanged || limitChanged || state.reviewDate != oldReview
        if changed && recheck {
            recheckHeldOrders(state: &state, out: &out)
            checkUtilization(state: &state, out: &out)
        }
        return changed
    }

    static func emitScoreChanged(_ card: Scorecard, oldScore: Int?, oldClass: String?, out: inout OutputBuilder) {
        let factors: [JSONValue] = card.factors.map { line in
            .object([
                JSONMember("name", .string(line.name.rawValue)),
                JSONMember("value", line.value.map { .number($0.text) } ?? .null),
                JSONMember("points", line.points.map(JSONValue.integer) ?? .null),
                JSONMember("max_points", .integer(line.maxPoints)),
                JSONMember("weight", .number(line.weight.text)),
            ])
        }
        out.emit(.scoreChanged, [
            JSONMember("old_score", oldScore.map(JSONValue.integer) ?? .null),
            JSONMember("new_score", card.score.map(JSONValue.integer) ?? .null),
            JSONMember("old_class", .optionalString(oldClass)),
            JSONMember("new_class", .optionalString(card.riskClass)),
            JSONMember("reason_codes", .array(card.reasonCodes.map(JSONValue.string))),
            JSONMember("factors", .array(factors)),
        ])
    }

    /// A first class sets the review date one cycle ahead; a worse class with a shorter cycle
    /// brings it forward. A better class never postpones a review already due.
    static func updateReviewDate(state: inout CustomerState, oldClass: String?, today: LocalDate, policy: Policy) {
        guard let riskClass = state.riskClass, let cycle = policy.scoring.reviewCycleDays[riskClass] else { return }
        let next = today.adding(days: cycle)
        guard let current = state.reviewDate else {
            state.reviewDate = next
            return
        }
        if let oldClass, Scorecard.isBetter(oldClass, than: riskClass), next < current { state.reviewDate = next }
    }

    /// `REVIEW_OVERDUE` once per review date, the first time it is found passed.
    static func checkReviewOverdue(state: inout CustomerState, out: inout OutputBuilder) {
        let today = out.context.today
        guard let reviewDate = state.reviewDate, reviewDate < today, state.reviewAlertedFor != reviewDate else { return }
        state.reviewAlertedFor = reviewDate
        out.emitAlert(.reviewOverdue, severity: .warning,
                      message: "The credit review was due on \(reviewDate); new orders are held until it is done.",
                      figures: [
                          JSONMember("review_date", .string(reviewDate.text)),
                          JSONMember("days_overdue", .integer(today.days(since: reviewDate))),
                          JSONMember("risk_class", .optionalString(state.riskClass)),
                          JSONMember("score", state.score.map(JSONValue.integer) ?? .null),
                      ])
    }
}

extension Cause {
    /// The same cause seen by the scoring step: the same `causationid`, but its own id space, so
    /// outputs of scoring and of the event (or of dunning at the same tick) never share an id.
    public var scoring: Cause { Cause(source: Cause.internalSource("scoring:\(source)"), id: id, causationId: causationId) }
}
