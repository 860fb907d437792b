/// The canonical credit state of `creditctl export state --json` (operations.md).
///
/// Customers sorted by id, every list sorted by id, money as decimal strings in the credit
/// currency, dates as `YYYY-MM-DD`: two databases holding the same credit state export the same
/// bytes, so they can be compared with `diff`.
public enum StateExport {
    /// `{"customers": [...]}` for the given customers (in any order).
    public static func document(_ states: [CustomerState], policy: Policy, asOf today: LocalDate) -> JSONValue {
        let sorted = states.sorted { $0.customerId.utf8.lexicographicallyPrecedes($1.customerId.utf8) }
        return .object([JSONMember("customers", .array(sorted.map { customer($0, policy: policy, asOf: today) }))])
    }

    /// One customer's object.
    public static func customer(_ state: CustomerState, policy: Policy, asOf today: LocalDate) -> JSONValue {
        let money = { (amount: DecimalAmount) -> JSONValue in .string(policy.format(amount)) }
        let ledger = state.ledger
        let exposure = state.exposure()
        let limit = state.creditLimit(policy: policy, today: today)
        let byId = { (a: String, b: String) in a.utf8.lexicographicallyPrecedes(b.utf8) }

        var openOrders: [JSONValue] = []
        var heldOrders: [JSONValue] = []
        for orderId in state.orderDecisions.keys.sorted(by: byId) {
            let decision = state.orderDecisions[orderId]!
            guard let order = ledger.orders[orderId], order.openAmount.isPositive else { continue }
            let held = decision.status == .held
            openOrders.append(.object([
                JSONMember("order_id", .string(orderId)),
                JSONMember("open_amount", money(order.openAmount)),
                JSONMember("held", .bool(held)),
            ]))
            if held {
                heldOrders.append(.object([
                    JSONMember("order_id", .string(orderId)),
                    JSONMember("open_amount", money(order.openAmount)),
                    JSONMember("reasons", .array(decision.reasons.map { .string($0.code.rawValue) })),
                ]))
            }
        }
        var openInvoices: [JSONValue] = []
        for invoiceId in ledger.invoices.keys.sorted(by: byId) {
            let invoice = ledger.invoices[invoiceId]!
            guard invoice.issued, invoice.openAmount.isPositive else { continue }
            openInvoices.append(.object([
                JSONMember("invoice_id", .string(invoiceId)),
                JSONMember("open_amount", money(invoice.openAmount)),
                JSONMember("due_date", .optionalString(invoice.dueDate?.text)),
                JSONMember("disputed", .bool(invoice.disputed)),
            ]))
        }
        return .object([
            JSONMember("customer_id", .string(state.customerId)),
            JSONMember("credit_limit", limit.map(money) ?? .null),
            JSONMember("currency", .string(policy.currency.code)),
            JSONMember("exposure", .object([
                JSONMember("open_orders", money(exposure.openOrders)),
                JSONMember("open_receivables", money(exposure.openReceivables)),
                JSONMember("unapplied_cash", money(exposure.unappliedCash)),
                JSONMember("total", money(exposure.total)),
            ])),
            JSONMember("score", state.score.map(JSONValue.integer) ?? .null),
            JSONMember("risk_class", .optionalString(state.riskClass)),
            JSONMember("dunning_level", .integer(state.dunningLevel)),
            JSONMember("blocked", .bool(state.isBlocked)),
            JSONMember("open_orders", .array(openOrders)),
            JSONMember("held_orders", .array(heldOrders)),
            JSONMember("open_invoices", .array(openInvoices)),
        ])
    }
}
