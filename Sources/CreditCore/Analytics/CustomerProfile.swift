/// What the top-risk table needs to know of a customer as of the report's date: its exposure,
/// limit and class then (the daemon keeps them by day), and its name.
public struct CustomerProfile: Sendable, Equatable {
    public var customerId: String
    /// Shown next to the id when known; free text from master data, so always escaped on output.
    public var name: String?
    public var creditLimit: DecimalAmount
    public var exposure: DecimalAmount
    public var riskClass: String?

    public init(customerId: String, name: String? = nil, creditLimit: DecimalAmount,
                exposure: DecimalAmount, riskClass: String? = nil) {
        self.customerId = customerId
        self.name = name
        self.creditLimit = creditLimit
        self.exposure = exposure
        self.riskClass = riskClass
    }

    /// Exposure ÷ limit as a fraction (can pass 1). A customer with no limit and some exposure
    /// gets `CustomerProfile.noLimitUtilization`, so they sort to the top instead of dividing by 0.
    public var utilization: Double {
        if creditLimit.isPositive { return Ratio.of(exposure, creditLimit) }
        return exposure.isPositive ? CustomerProfile.noLimitUtilization : 0
    }

    /// Utilization shown for exposure without any credit limit (9999 %).
    public static let noLimitUtilization = 99.99
}
