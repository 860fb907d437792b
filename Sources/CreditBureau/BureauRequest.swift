import CreditCore

/// One customer to look up at the bureau: the request body of docs/bureau.md.
public struct BureauRequest: Sendable, Equatable {
    /// The order-management system's customer id (the Kafka key).
    public var customerId: String
    /// The name last seen on an `order.created`, when there is one: it helps the adapter match.
    public var customerName: String?

    public init(customerId: String, customerName: String? = nil) {
        self.customerId = customerId
        self.customerName = customerName
    }

    /// `{"customer_id": ..., "customer_name": ...}` (`customer_name` is null when unknown).
    public var jsonBody: [UInt8] {
        JSONValue.object([
            JSONMember("customer_id", .string(customerId)),
            JSONMember("customer_name", .optionalString(customerName)),
        ]).serialized()
    }
}
