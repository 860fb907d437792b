import CreditCore
import CreditSystemd
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the policy file. A policy that does not validate is refused with every problem
/// logged, and the one in force stays; a good one is picked up by the loop between two batches,
/// so no batch is ever decided under two policies.
public final class ReloadService: Service, Sendable {
    let policyFile: String
    let status: DaemonStatus
    let notifier: SystemdNotifier
    let logger: Logger

    public init(policyFile: String, status: DaemonStatus, notifier: SystemdNotifier, logger: Logger) {
        self.policyFile = policyFile
        self.status = status
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = notifier.reloading()
            do {
                let (policy, source) = try PolicyLoader.loadWithSource(file: policyFile)
                status.offer(policy: policy, source: source)
                logger.notice("policy reloaded; in force from the next batch",
                              metadata: ["policy_version": "\(policy.version)", "policy_file": "\(policyFile)"])
            } catch {
                logger.error("policy reload refused; the policy in force is kept",
                             metadata: ["policy_file": "\(policyFile)", "problems": "\(error.problems.joined(separator: "; "))"])
            }
            // READY=1 ends the reload; before start-up is complete it would also claim a start
            // that has not happened (the supervisor sends it once the group is joined).
            if status.isJoined { _ = notifier.ready() }
        }
    }
}
