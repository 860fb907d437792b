/// A business credit report as the credit model uses it (credit-model.md, Credit bureau).
///
/// Whatever the bureau, an adapter maps its product to these fields (docs/bureau.md). Stored on
/// the customer's state, so field names are part of the stored format: add, never rename.
public struct BureauReport: Sendable, Codable, Equatable {
    /// 0-100, higher is better (an adapter rescales the bureau's own scale).
    public var score: Int
    /// The credit the bureau recommends, in `currency`; may be zero.
    public var recommendedLimit: DecimalAmount
    public var currency: Currency
    /// Bankruptcy, liens or judgments on file.
    public var derogatory: Bool
    /// The date the bureau's data is as of: the report's age is counted from it.
    public var asOf: LocalDate
    /// Which bureau or file it came from (`"creditsafe"`, `"import:reports.csv"`), for the audit trail.
    public var source: String?

    public init(score: Int, recommendedLimit: DecimalAmount, currency: Currency, derogatory: Bool, asOf: LocalDate, source: String? = nil) {
        self.score = score
        self.recommendedLimit = recommendedLimit
        self.currency = currency
        self.derogatory = derogatory
        self.asOf = asOf
        self.source = source
    }
}
