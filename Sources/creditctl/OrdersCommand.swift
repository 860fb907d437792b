import ArgumentParser
import CreditCore
import CreditDaemon
import Foundation

struct OrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Orders.", subcommands: [Held.self])

    struct Held: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every held order, oldest first, with its reasons.")
        @OptionGroup var options: ReadOptions

        func run() throws {
            let reader = try options.stateReader()
            let policy = reader.policy
            var rows: [(customer: String, decision: OrderDecision, open: String)] = []
            for state in try reader.customers(filter: .init(held: true)) {
                for decision in state.heldOrdersOldestFirst {
                    let open = state.ledger.orders[decision.orderId].map { policy.format($0.openAmount) } ?? "0"
                    rows.append((state.customerId, decision, open))
                }
            }
            rows.sort { ($0.decision.decidedAt, $0.decision.orderId) < ($1.decision.decidedAt, $1.decision.orderId) }
            if options.json {
                return printJSON(.object([JSONMember("held_orders", .array(rows.map { row in
                    .object([
                        JSONMember("customer_id", .string(row.customer)),
                        JSONMember("order_id", .string(row.decision.orderId)),
                        JSONMember("open_amount", .string(row.open)),
                        JSONMember("currency", .string(policy.currency.code)),
                        JSONMember("held_since", .string(row.decision.decidedAt.rfc3339)),
                        JSONMember("reasons", .array(row.decision.reasons.map { .object([
                            JSONMember("code", .string($0.code.rawValue)), JSONMember("message", .string($0.message)),
                        ]) })),
                    ])
                }))]))
            }
            var table = Table(headers: ["held since", "customer", "order", "open amount", "reasons"], rightAligned: [3])
            for row in rows {
                table.add([row.decision.decidedAt.rfc3339, row.customer, row.decision.orderId, row.open,
                           row.decision.reasons.map(\.code.rawValue).joined(separator: ",")])
            }
            table.print()
            print("\(rows.count) held orders, amounts in \(policy.currency.code)")
        }
    }
}
