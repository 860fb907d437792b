/// Applying a bureau report to a customer (credit-model.md, Credit bureau): the fetcher and
/// `creditctl bureau import` both end here.
extension CreditEngine {
    /// Stores `report` as the customer's report in force and rescores. `BUREAU_DEROGATORY` when
    /// the report turns derogatory (not again for every refresh that stays derogatory). Refused:
    /// a report in a currency the policy has no rate for, and one older than the report held.
    public static func applyBureauReport(_ report: BureauReport, to state: inout CustomerState, cause: Cause,
                                         context: DecisionContext) -> Result<[OutputEvent], BureauReportError> {
        let policy = context.policy
        guard policy.rate(for: report.currency.code) != nil else {
            return .failure(BureauReportError(code: .unknownCurrency, field: "currency",
                                              message: "the policy has no rate for \(report.currency.code)"))
        }
        guard Timestamp.supportedRange.contains(report.asOf.startOfDay) else {
            return .failure(BureauReportError(code: .invalidField, field: "as_of",
                                              message: "as_of \(report.asOf) is outside the supported years \(Timestamp.supportedYears)"))
        }
        if let current = state.bureauReport, report.asOf < current.asOf {
            return .failure(BureauReportError(code: .staleReport, field: "as_of",
                                              message: "the report as of \(report.asOf) is older than the one held, as of \(current.asOf)"))
        }
        var out = OutputBuilder(cause: cause, context: context, customerId: state.customerId)
        let wasDerogatory = state.bureauReport?.derogatory == true
        state.bureauReport = report
        if report.derogatory && !wasDerogatory {
            out.emitAlert(.bureauDerogatory, severity: .critical,
                          message: "The bureau report as of \(report.asOf) shows bankruptcy, liens or judgments.",
                          figures: [
                              JSONMember("bureau_score", .integer(report.score)),
                              JSONMember("recommended_limit", .string(report.recommendedLimit.formatted(decimals: report.currency.minorUnit))),
                              JSONMember("currency", .string(report.currency.code)),
                              JSONMember("as_of", .string(report.asOf.text)),
                              JSONMember("source", .optionalString(report.source)),
                          ])
        }
        rescore(state: &state, out: &out)
        return .success(out.events)
    }
}
