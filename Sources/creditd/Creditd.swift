import ArgumentParser
import CreditDaemon
import Foundation
import Logging

/// `creditd`: the credit daemon and its offline tools. Exit codes (operations.md): 0 success,
/// 1 failure at run time, 2 bad usage or bad configuration.
@main
struct Creditd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creditd",
        abstract: "Real-time credit management for order-to-cash, on Kafka.",
        subcommands: [Run.self, CheckConfig.self, Replay.self])

    static func main() async {
        do {
            var command = try parseAsRoot()
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
            exit(withError: ExitCodes.normalise(error, fullMessage: fullMessage(for: error), exitCode: exitCode(for: error)))
        }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and the policy; print every problem with its key path.")

    @Option(help: "The configuration file.") var config = "/etc/creditd/creditd.yaml"

    func run() throws {
        var problems: [String] = []
        var policyFile: String?
        var databasePath: String?
        do {
            let loaded = try DaemonConfig.load(file: config)
            policyFile = loaded.policyFile
            databasePath = loaded.databasePath
            if let tokenFile = loaded.adminTokenFile, !FileManager.default.isReadableFile(atPath: tokenFile) {
                // Not a problem of the file's content: under systemd the credential exists only
                // inside the service. `creditd run` refuses to start without it.
                FileHandle.standardError.write(Data("note: http.admin_token_file \(tokenFile) is not readable here; `creditd run` needs it (LoadCredential= under systemd) or http.admin_token_file: null\n".utf8))
            }
            for (key, path) in loaded.unreadableSecretFiles {
                FileHandle.standardError.write(Data("note: \(key) \(path) is not readable here; `creditd run` needs it (LoadCredential= under systemd)\n".utf8))
            }
        } catch let error as DaemonConfig.Problems {
            problems.append("\(error)")
            policyFile = error.policyFile
        } catch {
            problems.append("\(error)")
        }
        // `run` refuses an unknown level (exit 2, which the unit does not restart): found here first.
        if let level = ProcessInfo.processInfo.environment["CREDITD_LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
            problems.append(Run.logLevelProblem(level, source: "CREDITD_LOG_LEVEL"))
        }
        // The policy is checked even when the configuration has problems: one run lists them all.
        if let policyFile {
            do {
                let (policy, source) = try PolicyLoader.loadWithSource(file: policyFile)
                for note in PolicyLoader.omittedRules(source, file: policyFile) {
                    FileHandle.standardError.write(Data("note: \(policyFile): \(note)\n".utf8))
                }
                if let databasePath {
                    let checked = BatchProcessor.databaseProblems(databasePath, policy: policy, policyFile: policyFile)
                    problems += checked.problems
                    for note in checked.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
                }
                if problems.isEmpty {
                    print("\(config): ok (policy \(policyFile) version \(policy.version), currency \(policy.currency))")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(2)
        }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine over a JSON-lines file of CloudEvents with the event clock (a back-test).",
        discussion: "Output events go to stdout, one CloudEvent per line; dead letters to stderr as JSON lines.")

    @Option(help: "The configuration file (its policy is used; the broker is never touched).")
    var config = "/etc/creditd/creditd.yaml"
    @Option(help: "Keep the resulting state in this new or empty SQLite file (default: a temporary one).")
    var database: String?
    @Argument(help: "The events, one CloudEvent JSON object per line.") var events: String

    func run() throws {
        let (daemonConfig, policy, source) = try ExitCodes.loadConfiguration(config)
        let runner = ReplayRunner(config: daemonConfig, policy: policy, policySource: source, databasePath: database)
        let stdout = FileHandle.standardOutput
        let stderr = FileHandle.standardError
        do {
            _ = try runner.run(eventsFile: events, output: { stdout.write($0) }, deadLetters: { stderr.write($0) })
        } catch let error as ReplayRunner.Failure where error.isUsage {
            // The live database or one that holds data: bad usage, refused before anything ran.
            stderr.write(Data("creditd replay: \(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            stderr.write(Data("creditd replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
