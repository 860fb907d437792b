/// One business credit report imported by an operator (the `creditctl bureau import` path), with
/// the fields the credit model requires of a bureau report.
///
/// Money and dates stay the validated strings from the request: the daemon converts them with its
/// own exact decimal and date types, which this module deliberately does not depend on.
public struct BureauReport: Sendable, Equatable {
    public var customerID: String
    /// Bureau score, 0...100, higher is better.
    public var score: Int
    /// Decimal string, ≥ 0 (a bureau may recommend no credit at all).
    public var recommendedLimit: String
    /// Three upper-case letters; whether the policy has a rate for it is the daemon's check.
    public var currency: String
    /// Bankruptcy, liens or judgments on file.
    public var derogatory: Bool
    /// `YYYY-MM-DD`.
    public var asOf: String

    public init(
        customerID: String,
        score: Int,
        recommendedLimit: String,
        currency: String,
        derogatory: Bool,
        asOf: String
    ) {
        self.customerID = customerID
        self.score = score
        self.recommendedLimit = recommendedLimit
        self.currency = currency
        self.derogatory = derogatory
        self.asOf = asOf
    }
}
