import ArgumentParser
import CreditCore
import CreditDaemon
import CreditStore
import Foundation

/// The audit trail: every decision, release, block, limit change, dunning step, alert and operator
/// action, hash-chained. Read-only: it opens the database like the other read commands.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit trail.", subcommands: [Show.self, Verify.self, Export.self])

    static func open(_ options: ReadOptions) throws -> CreditDatabase {
        let path = try options.databasePath()
        do {
            return try CreditDatabase(readOnlyPath: path)
        } catch {
            FileHandle.standardError.write(Data("creditctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func filter(customer: String?, since: String?) throws -> AuditLog.Filter {
        var start: Timestamp?
        if let since {
            guard let date = LocalDate(since) else { throw ValidationError("--since must be a date YYYY-MM-DD, not \(since)") }
            start = Timestamp(rfc3339: "\(date)T00:00:00Z")
        }
        return AuditLog.Filter(customerId: customer, since: start)
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit entries, oldest first (a customer's story with --customer).")
        @OptionGroup var options: ReadOptions
        @Option(help: "Only this customer's entries.") var customer: String?
        @Option(help: "Only entries from this day on, YYYY-MM-DD (UTC).") var since: String?
        @Option(help: "At most this many entries (the newest are cut).") var limit: Int?

        func run() throws {
            let database = try AuditCommand.open(options)
            let filter = try AuditCommand.filter(customer: customer, since: since)
            let entries = try database.read { db in try AuditLog.entries(db, filter, limit: limit) }
            if options.json {
                return printJSON(AuditExport.document(entries))
            }
            print(AuditExport.table(entries), terminator: "")
            print("\(entries.count) audit entries")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Checks the hash chain; names the first altered, missing or cut entry and exits 1 if there is one.")
        @OptionGroup var options: ReadOptions

        func run() throws {
            let database = try AuditCommand.open(options)
            let verification = try database.read { db in try AuditLog.verify(db) }
            if options.json {
                printJSON(.object([
                    JSONMember("intact", .bool(verification.isIntact)),
                    JSONMember("entries_checked", .integer(verification.entriesChecked)),
                    JSONMember("first_break", verification.firstBreak.map { .object([
                        JSONMember("sequence", .integer(Int($0.sequence))),
                        JSONMember("kind", .string($0.kind.rawValue)),
                        JSONMember("detail", .string($0.detail)),
                    ]) } ?? .null),
                ]))
            } else {
                print(verification.description)
            }
            if !verification.isIntact { throw ExitCode(1) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every entry for auditors, as JSON lines or CSV, on stdout.")
        @OptionGroup var options: ReadOptions
        @Option(help: "jsonl or csv.") var format: String = "jsonl"
        @Option(help: "Only this customer's entries.") var customer: String?
        @Option(help: "Only entries from this day on, YYYY-MM-DD (UTC).") var since: String?

        func run() throws {
            guard let format = AuditExport.Format(rawValue: format) else {
                throw ValidationError("--format must be jsonl or csv, not \(format)")
            }
            let database = try AuditCommand.open(options)
            let filter = try AuditCommand.filter(customer: customer, since: since)
            if format == .csv { print(AuditExport.csvHeader, terminator: "") }
            try database.read { db in
                try AuditLog.forEachEntry(db, filter) { entry in
                    print(AuditExport.line(entry, as: format), terminator: "")
                }
            }
        }
    }
}
