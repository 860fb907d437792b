import ArgumentParser
import CreditCore
import CreditDaemon
import CreditStore
import Foundation

struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "Customers' credit positions.",
        subcommands: [Show.self, List.self, BlockCustomer.self, UnblockCustomer.self, RescoreCustomer.self, ReviewCustomer.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One customer: limit, exposure, open orders, held orders, open invoices.")
        @OptionGroup var options: ReadOptions
        @Argument(help: "The customer id.") var id: String

        func run() throws {
            let reader = try options.stateReader()
            guard let state = try reader.customer(id) else { throw fail("no customer \(id) in the database") }
            let doc = StateExport.customer(state, policy: reader.policy, asOf: reader.asOf)
            if options.json { return printJSON(doc) }
            let summary = CustomerSummary(state, reader: reader)
            var out = "Customer      \(id)\(state.name.map { "  (\(PlainText.clean($0)))" } ?? "")\n"
            out += "Credit limit  \(summary.limit) \(reader.policy.currency.code)  (\(CustomerCommand.limitSource(state, reader: reader)))\n"
            out += "Exposure      \(summary.exposure)  (open orders \(text(doc["exposure"]?["open_orders"])), "
            out += "receivables \(text(doc["exposure"]?["open_receivables"])), unapplied cash \(text(doc["exposure"]?["unapplied_cash"])))\n"
            out += "Available     \(summary.available)   utilisation \(summary.utilization)\n"
            out += "Risk          class \(state.riskClass ?? "-"), score \(state.score.map(String.init) ?? "-")"
            out += state.scoreReasons.isEmpty ? "\n" : "  (\(state.scoreReasons.joined(separator: ", ")))\n"
            if let review = state.reviewDate {
                out += "Review due    \(review.text)\(review < reader.asOf ? "   OVERDUE" : "")\n"
            }
            if let report = state.bureauReport {
                out += "Bureau        score \(report.score), recommends \(report.recommendedLimit.formatted(decimals: report.currency.minorUnit)) "
                out += "\(report.currency.code)\(report.derogatory ? ", DEROGATORY" : ""), as of \(report.asOf.text) "
                out += "(\(reader.asOf.days(since: report.asOf)) days old)\(report.source.map { ", \($0)" } ?? "")\n"
            }
            out += "Dunning       level \(state.dunningLevel)\(state.isBlocked ? "   BLOCKED" : "")\n"
            out += "As of         \(reader.asOf.text)\n\n"
            FileHandle.standardOutput.write(Data(out.utf8))
            var orders = Table(headers: ["order", "open amount", "status", "reasons"], rightAligned: [1])
            for order in list(doc["open_orders"]) {
                let held = order["held"] == .bool(true)
                let reasons = list(doc["held_orders"]).first { $0["order_id"] == order["order_id"] }.map { list($0["reasons"]).map(text).joined(separator: ",") } ?? ""
                orders.add([text(order["order_id"]), text(order["open_amount"]), held ? "HELD" : "approved", reasons])
            }
            if !orders.rows.isEmpty { orders.print(); print("") }
            var invoices = Table(headers: ["invoice", "open amount", "due", "days past due", "disputed"], rightAligned: [1, 3])
            for invoice in list(doc["open_invoices"]) {
                let due = invoice["due_date"]?.stringValue.flatMap(LocalDate.init)
                let dpd = due.map { max(0, reader.asOf.days(since: $0)) }.map(String.init) ?? "-"
                invoices.add([text(invoice["invoice_id"]), text(invoice["open_amount"]), due?.text ?? "-", dpd,
                              invoice["disputed"] == .bool(true) ? "yes" : ""])
            }
            if !invoices.rows.isEmpty { invoices.print() }
        }
    }

    /// Which rule of precedence gives the limit in force (credit-model.md, Credit limits).
    static func limitSource(_ state: CustomerState, reader: StateReader) -> String {
        if let temporary = state.temporaryLimit, temporary.expiresOn >= reader.asOf {
            return "temporary, set by \(temporary.setBy), until \(temporary.expiresOn.text)"
        }
        if state.permanentLimit != nil { return "permanent, set by \(state.permanentLimitSetBy ?? "an operator")" }
        if state.classLimit != nil { return "rule for class \(state.riskClass ?? "-")" }
        return reader.policy.customers.defaultLimit == nil ? "no limit: NO_CREDIT_LIMIT" : "policy default"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "All customers, or those held, blocked or overdue.")
        @OptionGroup var options: ReadOptions
        @Flag(help: "Only customers with held orders.") var held = false
        @Flag(help: "Only blocked customers.") var blocked = false
        @Flag(help: "Only customers with overdue invoices.") var overdue = false

        func run() throws {
            let reader = try options.stateReader()
            var states = try reader.customers(filter: .init(held: held, blocked: blocked))
            if overdue { states = states.filter { $0.overdue(on: reader.asOf).count > 0 } }
            let summaries = states.map { CustomerSummary($0, reader: reader) }
            if options.json {
                return printJSON(.object([JSONMember("as_of", .string(reader.asOf.text)),
                                          JSONMember("customers", .array(summaries.map(\.json)))]))
            }
            var table = Table(headers: ["customer", "name", "limit", "exposure", "available", "util", "class", "dunning", "blocked", "held", "overdue"],
                              rightAligned: [2, 3, 4, 5, 7, 9, 10])
            for s in summaries {
                table.add([s.id, s.name, s.limit, s.exposure, s.available, s.utilization, s.riskClass, String(s.dunningLevel),
                           s.blocked ? "yes" : "", String(s.heldOrders), s.overdue])
            }
            table.print()
            print("\(summaries.count) customer\(summaries.count == 1 ? "" : "s"), amounts in \(reader.policy.currency.code), as of \(reader.asOf.text)")
        }
    }
}

/// The figures a credit manager scans in a customer list.
struct CustomerSummary {
    var id: String
    var name: String
    var limit: String
    var exposure: String
    var available: String
    var utilization: String
    var riskClass: String
    var dunningLevel: Int
    var blocked: Bool
    var heldOrders: Int
    var overdue: String
    var json: JSONValue

    init(_ state: CustomerState, reader: StateReader) {
        let policy = reader.policy
        let exposure = state.exposure().total
        let limit = state.creditLimit(policy: policy, today: reader.asOf)
        let overdue = state.overdue(on: reader.asOf)
        id = state.customerId
        name = state.name ?? ""
        self.limit = limit.map(policy.format) ?? "none"
        self.exposure = policy.format(exposure)
        available = limit.map { policy.format($0 - exposure) } ?? "-"
        // A ratio, not money: shown as a percentage and a JSON number (operations.md).
        // Exact decimal arithmetic throughout: the ratio to 4 places, the percentage to whole points.
        let utilizationValue = limit.flatMap { $0.isPositive ? exposure.divided(by: $0, roundedToScale: 4) : nil }
        utilization = utilizationValue.flatMap { $0.multiplied(by: DecimalAmount("100"), roundedToScale: 0) }.map { "\($0.text)%" } ?? "-"
        riskClass = state.riskClass ?? "-"
        dunningLevel = state.dunningLevel
        blocked = state.isBlocked
        heldOrders = state.heldOrdersOldestFirst.count
        self.overdue = policy.format(overdue.total)
        json = .object([
            JSONMember("customer_id", .string(id)),
            JSONMember("name", .optionalString(state.name)),
            JSONMember("credit_limit", limit.map { .string(policy.format($0)) } ?? .null),
            JSONMember("exposure", .string(self.exposure)),
            JSONMember("available_credit", limit.map { .string(policy.format($0 - exposure)) } ?? .null),
            JSONMember("utilization", utilizationValue.map { .number($0.formatted(decimals: 4)) } ?? .null),
            JSONMember("risk_class", .optionalString(state.riskClass)),
            JSONMember("dunning_level", .integer(state.dunningLevel)),
            JSONMember("blocked", .bool(state.isBlocked)),
            JSONMember("held_orders", .integer(heldOrders)),
            JSONMember("overdue", .string(self.overdue)),
            JSONMember("oldest_days_past_due", .integer(overdue.oldestDaysPastDue)),
        ])
    }
}

func text(_ value: JSONValue?) -> String {
    switch value {
    case .string(let s)?: return s
    case .number(let n)?: return n
    case .bool(let b)?: return b ? "true" : "false"
    default: return "-"
    }
}

func list(_ value: JSONValue?) -> [JSONValue] {
    if case .array(let items)? = value { return items }
    return []
}
