/// One dunning notice sent, and when (if ever) the customer was cured (paid what was overdue).
public struct DunningNoticeRecord: Sendable, Equatable {
    public var customerId: String
    public var level: Int
    public var date: LocalDate
    public var curedOn: LocalDate?

    public init(customerId: String, level: Int, date: LocalDate, curedOn: LocalDate? = nil) {
        self.customerId = customerId
        self.level = level
        self.date = date
        self.curedOn = curedOn
    }
}
