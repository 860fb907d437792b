/// What the customer owes or has committed to, in the credit currency:
/// open approved orders + open receivables − unapplied cash. Can be negative.
public struct Exposure: Sendable, Codable, Equatable {
    public var openOrders: DecimalAmount
    public var openReceivables: DecimalAmount
    public var unappliedCash: DecimalAmount

    public init(openOrders: DecimalAmount, openReceivables: DecimalAmount, unappliedCash: DecimalAmount) {
        self.openOrders = openOrders
        self.openReceivables = openReceivables
        self.unappliedCash = unappliedCash
    }

    public var total: DecimalAmount { openOrders + openReceivables - unappliedCash }
}
