import ArgumentParser
import CreditCore
import CreditDaemon
import CreditStore
import Foundation

/// `creditctl report`: the collection analytics of the whole book or one customer, as of a date,
/// from the daemon's history tables (read-only, like every read command).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Collection analytics: aging, DSO, CEI, paid-invoice behaviour, holds, dunning, top risk.")
    @OptionGroup var options: ReadOptions
    @Option(help: "The period in days ending on the as-of date (DSO, CEI, paid invoices, holds, dunning).")
    var periodDays = 90
    @Option(help: "Only this customer's figures.") var customer: String?
    @Flag(help: "CSV (one section per table) instead of tables.") var csv = false
    @Option(help: "Write the self-contained HTML report (charts included) to this file.") var html: String?

    func validate() throws {
        guard periodDays >= 1 && periodDays <= 3660 else { throw ValidationError("--period-days must be between 1 and 3660, not \(periodDays)") }
        guard !(csv && options.json) else { throw ValidationError("--csv and --json exclude each other") }
    }

    func run() throws {
        let reader = try options.reader()
        // A mistyped id would read as a customer with a clean record: refused, as `customer show` does.
        if let customer, try reader.customer(customer) == nil { throw fail("no customer \(customer) in the database") }
        let policy = reader.policy
        let book = try reader.database.read { db in
            // Before the daemon's today, the top-risk table takes the figures kept for that day.
            try CollectionHistory.book(db, currency: policy.currency, dunningLevels: policy.dunning.levels.map(\.level), customer: customer,
                                       figuresAsOf: reader.asOf < reader.today ? reader.asOf : nil)
        }
        let (report, trend) = CollectionAnalytics.reportWithTrend(book, asOf: reader.asOf, periodDays: periodDays, customer: customer)
        if let html {
            do {
                try report.html(trend: trend, generatedAt: Timestamp.wallClockNow()).write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("creditctl: cannot write \(html): \(error)\n".utf8))
                throw ExitCode(1)
            }
            if !options.json && !csv {
                print("report written to \(html)")
                return
            }
        }
        if options.json {
            printJSON(report.json)
        } else if csv {
            print(report.csv(trend: trend), terminator: "")
        } else {
            print(report.textTable(trend: trend), terminator: "")
        }
    }
}
