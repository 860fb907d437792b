import ArgumentParser
import CreditCore
import CreditDaemon
import Foundation

/// Maps failures to the documented exit codes and prints configuration problems readably.
enum ExitCodes {
    /// ArgumentParser exits with 64 for usage errors; operations.md promises 2.
    static func normalise(_ error: any Error, fullMessage: String, exitCode: ExitCode) -> any Error {
        if error is ExitCode || exitCode == .success { return error }
        if !fullMessage.isEmpty { FileHandle.standardError.write(Data((fullMessage + "\n").utf8)) }
        return exitCode == .validationFailure ? ExitCode(2) : exitCode
    }

    /// Loads the configuration and its policy, or prints every problem and exits 2.
    static func loadConfiguration(_ file: String) throws -> (DaemonConfig, Policy, String) {
        do {
            let config = try DaemonConfig.load(file: file)
            let (policy, source) = try PolicyLoader.loadWithSource(file: config.policyFile)
            return (config, policy, source)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
