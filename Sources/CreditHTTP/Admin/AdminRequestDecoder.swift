/// Turns a routed admin request (route, path identifier, body) into an `AdminCommand`, or the
/// first problem found as an `AdminError` with a stable code.
enum AdminRequestDecoder {
    /// The audit "who" when the request names no one.
    static let defaultActor = "admin-api"
    /// One import is bounded so a single request cannot hold the writer for long.
    static let maxBureauReports = 10_000

    /// - Parameter identifier: the percent-decoded `{order_id}` / `{customer_id}` path segment
    ///   (ignored for routes without one).
    static func decode(route: AdminRoute, identifier: String, body: [UInt8]) throws(AdminError) -> AdminCommand {
        switch route {
        case .showCustomer:
            // A read carries no body worth checking; refusing one would only annoy scripts.
            return .showCustomer(customerID: try pathIdentifier(identifier, name: "customer_id"))
        case .releaseOrder:
            let orderID = try pathIdentifier(identifier, name: "order_id")
            let reader = try JSONObjectReader(body: body)
            return .releaseOrder(orderID: orderID, customerID: try reader.optionalText("customer_id"), note: try reader.requiredText("note"),
                                 by: try reader.actor())
        case .setLimit:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .setLimit(
                customerID: customerID,
                amount: try reader.requiredMoney("amount", allowZero: true),
                reason: try reader.requiredText("reason"),
                until: try reader.optionalDate("until"),
                by: try reader.actor()
            )
        case .clearLimit:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .clearLimit(customerID: customerID, reason: try reader.requiredText("reason"), by: try reader.actor())
        case .blockCustomer:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .blockCustomer(customerID: customerID, reason: try reader.requiredText("reason"), by: try reader.actor())
        case .unblockCustomer:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .unblockCustomer(customerID: customerID, reason: try reader.requiredText("reason"), by: try reader.actor())
        case .rescoreCustomer:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .rescoreCustomer(customerID: customerID, reason: try reader.optionalText("reason"), by: try reader.actor())
        case .completeReview:
            let customerID = try pathIdentifier(identifier, name: "customer_id")
            let reader = try JSONObjectReader(body: body)
            return .completeReview(customerID: customerID, note: try reader.requiredText("note"), by: try reader.actor())
        case .importBureauReports:
            let reader = try JSONObjectReader(body: body)
            let elements = try reader.requiredObjectArray("reports")
            guard !elements.isEmpty else {
                throw AdminError.invalidField("reports", "must hold at least one report")
            }
            guard elements.count <= maxBureauReports else {
                throw AdminError.invalidField("reports", "more than \(maxBureauReports) reports in one request")
            }
            var reports: [BureauReport] = []
            reports.reserveCapacity(elements.count)
            for element in elements {
                reports.append(try bureauReport(element))
            }
            return .importBureauReports(reports: reports, by: try reader.actor())
        case .retryRefusedOutbox:
            let reader = try JSONObjectReader(body: body)
            return .retryRefusedOutbox(seqs: try reader.optionalPositiveIntegers("seqs"), reason: try reader.requiredText("reason"),
                                       by: try reader.actor())
        }
    }

    private static func bureauReport(_ reader: JSONObjectReader) throws(AdminError) -> BureauReport {
        BureauReport(
            customerID: try reader.requiredIdentifier("customer_id"),
            score: try reader.requiredInteger("score", in: 0...100),
            recommendedLimit: try reader.requiredMoney("recommended_limit", allowZero: true),
            currency: try reader.requiredCurrency("currency"),
            derogatory: try reader.requiredBool("derogatory"),
            asOf: try reader.requiredDate("as_of")
        )
    }

    private static func pathIdentifier(_ text: String, name: String) throws(AdminError) -> String {
        if let problem = JSONObjectReader.identifierProblem(text) {
            throw AdminError.invalidField(name, problem)
        }
        return text
    }
}
