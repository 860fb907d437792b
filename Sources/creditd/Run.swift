import ArgumentParser
import CreditDaemon
import CreditSystemd
import Foundation
import Logging

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Consume, decide and publish until SIGTERM or SIGINT (Type=notify under systemd).")

    @Option(help: "The configuration file.") var config = "/etc/creditd/creditd.yaml"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String?

    /// The refusal of a log level `Logger` does not know (also checked by check-config).
    static func logLevelProblem(_ text: String, source: String) -> String {
        let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        return "\(source): unknown log level \(text); use one of \(names)"
    }

    func run() async throws {
        let (daemonConfig, policy, source) = try ExitCodes.loadConfiguration(config)
        // A token file that cannot be read is a configuration error (exit 2), found before start-up.
        if let tokenFile = daemonConfig.adminTokenFile, !FileManager.default.isReadableFile(atPath: tokenFile) {
            FileHandle.standardError.write(Data("creditd: http.admin_token_file: cannot read \(tokenFile); create it (under systemd, LoadCredential= provides it) or set http.admin_token_file: null to disable the admin API\n".utf8))
            throw ExitCode(2)
        }
        do {
            _ = try daemonConfig.kafkaPropertiesWithSecrets()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        let level: Logger.Level
        switch (logLevel, ProcessInfo.processInfo.environment["CREDITD_LOG_LEVEL"]) {
        case (let text?, _), (nil, let text?):
            guard let parsed = Logger.Level(rawValue: text) else {
                let problem = Self.logLevelProblem(text, source: logLevel != nil ? "--log-level" : "CREDITD_LOG_LEVEL")
                FileHandle.standardError.write(Data("creditd: \(problem)\n".utf8))
                throw ExitCode(2)
            }
            level = parsed
        case (nil, nil):
            level = .info
        }
        CreditLogging.bootstrap(level: level)
        let logger = Logger(label: "creditd")
        logger.info("allocator set up", metadata: ["malloc": "\(AllocatorTuning.summary)"])
        do {
            try await DaemonRunner.run(config: daemonConfig, policy: policy, policySource: source, logger: logger)
        } catch let refusal as CreditCurrencyChanged {
            // A configuration problem (exit 2), found before any work.
            logger.critical("creditd refused the policy", metadata: ["error": "\(refusal)"])
            FileHandle.standardError.write(Data("creditd: \(daemonConfig.policyFile): currency: \(refusal)\n".utf8))
            throw ExitCode(2)
        } catch {
            logger.critical("creditd stopped on an error", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("creditd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
