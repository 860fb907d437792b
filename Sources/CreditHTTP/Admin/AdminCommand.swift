/// An operator's request, validated and in the credit model's terms, ready for the daemon to apply
/// as the single writer.
///
/// Money is the request's decimal string (checked: digits, at most one `.`, no sign or exponent) and
/// dates are `YYYY-MM-DD` strings naming a real calendar day; the daemon parses them with its own
/// exact types. `by` is who the audit trail records: the body's `by`, else `"admin-api"`.
public enum AdminCommand: Sendable, Equatable {
    /// `POST /v1/orders/{order_id}/release`: release a held order regardless of checks.
    /// `customerID`: the order's customer, needed only when several customers use the order id.
    case releaseOrder(orderID: String, customerID: String? = nil, note: String, by: String)
    /// `PUT /v1/customers/{customer_id}/limit`: an operator limit, temporary when `until` is set.
    /// `amount` may be `"0"`: a zero limit (cash in advance) is a legitimate setting, distinct
    /// from a block.
    case setLimit(customerID: String, amount: String, reason: String, until: String?, by: String)
    /// `DELETE /v1/customers/{customer_id}/limit`: drop the operator limit; rule-based limits apply again.
    case clearLimit(customerID: String, reason: String, by: String)
    /// `POST /v1/customers/{customer_id}/block`.
    case blockCustomer(customerID: String, reason: String, by: String)
    /// `POST /v1/customers/{customer_id}/unblock`: lifts the operator's block only, never a dunning block.
    case unblockCustomer(customerID: String, reason: String, by: String)
    /// `POST /v1/customers/{customer_id}/rescore`: recompute score and class now. `reason` is optional.
    case rescoreCustomer(customerID: String, reason: String?, by: String)
    /// `POST /v1/customers/{customer_id}/review`: the credit review is done (a note is required).
    case completeReview(customerID: String, note: String, by: String)
    /// `POST /v1/bureau/reports`: import bureau reports (at least one).
    case importBureauReports(reports: [BureauReport], by: String)
    /// `GET /v1/customers/{customer_id}`: read-only; the backend's JSON is passed through.
    case showCustomer(customerID: String)
    /// `POST /v1/outbox/retry`: put messages the broker refused for good back into the outbox
    /// (all of them, or those at the positions `seqs`), once their cause is fixed.
    case retryRefusedOutbox(seqs: [Int64]?, reason: String, by: String)

    /// Short stable name for logs and metrics, e.g. `limit.set`.
    public var name: String {
        switch self {
        case .releaseOrder: "order.release"
        case .setLimit: "limit.set"
        case .clearLimit: "limit.clear"
        case .blockCustomer: "customer.block"
        case .unblockCustomer: "customer.unblock"
        case .rescoreCustomer: "customer.rescore"
        case .completeReview: "customer.review"
        case .importBureauReports: "bureau.import"
        case .showCustomer: "customer.show"
        case .retryRefusedOutbox: "outbox.retry"
        }
    }

    /// Who asked, for the log (the audit trail is the daemon's); nil for reads.
    public var actor: String? {
        switch self {
        case .releaseOrder(_, _, _, let by), .setLimit(_, _, _, _, let by), .clearLimit(_, _, let by),
            .blockCustomer(_, _, let by), .unblockCustomer(_, _, let by), .rescoreCustomer(_, _, let by),
            .completeReview(_, _, let by), .importBureauReports(_, let by), .retryRefusedOutbox(_, _, let by):
            by
        case .showCustomer:
            nil
        }
    }

    /// Whether the command changes state (everything but `showCustomer`).
    public var isWrite: Bool {
        if case .showCustomer = self { return false }
        return true
    }
}
