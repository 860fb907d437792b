import ArgumentParser
import CreditCore
import CreditDaemon
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data.", subcommands: [State.self])

    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The whole credit state, canonical and sorted, so two databases compare with diff.")
        @OptionGroup var options: ReadOptions

        func run() throws {
            let reader = try options.stateReader()
            let doc = StateExport.document(try reader.customers(), policy: reader.policy, asOf: reader.asOf)
            if options.json { return printJSON(doc) }
            // The readable form: one line per customer and per item, in the same canonical order.
            var out = ""
            for customer in list(doc["customers"]) {
                let e = customer["exposure"]
                out += "customer \(text(customer["customer_id"])) limit \(text(customer["credit_limit"])) \(text(customer["currency"]))"
                out += " exposure \(text(e?["total"])) (orders \(text(e?["open_orders"])) receivables \(text(e?["open_receivables"]))"
                out += " unapplied \(text(e?["unapplied_cash"]))) class \(text(customer["risk_class"])) score \(text(customer["score"]))"
                out += " dunning \(text(customer["dunning_level"])) blocked \(text(customer["blocked"]))\n"
                for order in list(customer["open_orders"]) {
                    out += "  order \(text(order["order_id"])) open \(text(order["open_amount"])) held \(text(order["held"]))\n"
                }
                for order in list(customer["held_orders"]) {
                    out += "  held \(text(order["order_id"])) open \(text(order["open_amount"])) reasons \(list(order["reasons"]).map(text).joined(separator: ","))\n"
                }
                for invoice in list(customer["open_invoices"]) {
                    out += "  invoice \(text(invoice["invoice_id"])) open \(text(invoice["open_amount"])) due \(text(invoice["due_date"])) disputed \(text(invoice["disputed"]))\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
