import ArgumentParser
import CreditCore
import CreditDaemon
import Foundation

/// `creditctl`: the operator's tool. Read commands open the database read-only (they work while
/// the daemon runs and when it is down); commands that change something go through the daemon's
/// admin API so the daemon stays the single writer.
@main
struct Creditctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creditctl",
        abstract: "Inspect and operate creditd.",
        subcommands: [CustomerCommand.self, OrdersCommand.self, OrderCommand.self, LimitCommand.self, BureauCommand.self, ExportCommand.self, AuditCommand.self, ReportCommand.self, OutboxCommand.self])

    static func main() async {
        do {
            var command = try parseAsRoot(LeadingOptions.reorder(Array(CommandLine.arguments.dropFirst())))
            // A group named without one of its commands is bad usage (exit 2), not a help request.
            if !type(of: command).configuration.subcommands.isEmpty {
                FileHandle.standardError.write(Data(helpMessage(for: type(of: command)).utf8 + [0x0A]))
                throw ExitCode(2)
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if error is ExitCode || code == .success { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Options every read command takes.
struct ReadOptions: ParsableArguments {
    @Option(help: "The daemon's configuration file (its database.path is read).")
    var config = "/etc/creditd/creditd.yaml"
    @Option(help: "Read this database file instead of the configured one.")
    var database: String?
    @Option(help: "The day overdue days, limits and reviews are counted on, YYYY-MM-DD: today or later for the state (the database keeps only the latest), any day for report.")
    var asOf: String?
    @Flag(help: "Machine-readable JSON instead of tables.")
    var json = false

    /// The database file: `--database`, else the configuration's `database.path`.
    func databasePath() throws -> String {
        if let database { return database }
        do {
            return try DaemonConfig.load(file: config).databasePath
        } catch {
            FileHandle.standardError.write(Data("creditctl: \(error)\n(use --database PATH to read a database directly)\n".utf8))
            throw ExitCode(2)
        }
    }

    func reader() throws -> StateReader {
        let path = try databasePath()
        var date: LocalDate?
        if let asOf {
            guard let parsed = LocalDate(asOf) else {
                throw ValidationError("--as-of must be a date YYYY-MM-DD, not \(asOf)")
            }
            date = parsed
        }
        do {
            return try StateReader(databasePath: path, asOf: date, today: Timestamp.wallClockNow().utcDate)
        } catch {
            FileHandle.standardError.write(Data("creditctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension ReadOptions {
    /// The reader for the commands that show the customers' state. The database holds only the
    /// latest state: a past `--as-of` would age today's balances to that day and show figures the
    /// customer never had, so it is refused with the command that has a past day's figures.
    func stateReader() throws -> StateReader {
        let reader = try reader()
        guard reader.asOf >= reader.today else {
            FileHandle.standardError.write(Data("""
                creditctl: --as-of \(reader.asOf.text) is before the database's today (\(reader.today.text)): it keeps only the \
                latest state, and today's balances aged to a past day are figures the customers never had. \
                A past day's figures are in `creditctl report --as-of \(reader.asOf.text)`; --as-of here takes today or a later day \
                (which invoices will be overdue by then).

                """.utf8))
            throw ExitCode(2)
        }
        return reader
    }
}

func printJSON(_ value: JSONValue) {
    FileHandle.standardOutput.write(Data(value.serialized() + [0x0A]))
}

/// Prints the message and returns the exit code to throw: 1 for a failure at run time, 2 for bad
/// usage or bad configuration (operations.md).
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("creditctl: \(message)\n".utf8))
    return ExitCode(code)
}
