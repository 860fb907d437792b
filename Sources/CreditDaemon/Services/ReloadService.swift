import CreditCore
import CreditSystemd
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the policy file. A policy that does not validate is refused with every problem
/// logged, and the one in force stays. A good one is in force at once: it takes the writer's lock,
/// so it comes between two batches (no batch is decided under two policies) and an idle daemon's
/// ticks, operator actions and reports use it without waiting for an input.
public final class ReloadService: Service, Sendable {
    let policyFile: String
    let processor: BatchProcessor
    let status: DaemonStatus
    let notifier: SystemdNotifier
    let logger: Logger
    /// Told after a policy came into force (the bureau refresh restarts on new settings).
    let onReloaded: @Sendable () -> Void

    public init(policyFile: String, processor: BatchProcessor, status: DaemonStatus, notifier: SystemdNotifier, logger: Logger,
                onReloaded: @escaping @Sendable () -> Void = {}) {
        self.policyFile = policyFile
        self.processor = processor
        self.status = status
        self.notifier = notifier
        self.logger = logger
        self.onReloaded = onReloaded
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = notifier.reloading()
            // Off the concurrency pool: putting the policy in force waits for the writer, which
            // may be in the middle of a long batch or tick.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    self.reloadNow()
                    done.resume()
                }
            }
            // READY=1 ends the reload; before start-up is complete it would also claim a start
            // that has not happened (the supervisor sends it once the group is joined).
            if status.isJoined { _ = notifier.ready() }
        }
    }

    private func reloadNow() {
        do {
            let (policy, source) = try PolicyLoader.loadWithSource(file: policyFile)
            if let refusal = try? processor.currencyChange(to: policy) {
                logger.error("policy reload refused; the policy in force is kept",
                             metadata: ["policy_file": "\(policyFile)", "problems": "currency: \(refusal)"])
                return
            }
            if (try? processor.versionUnchanged(by: policy, source: source)) == true {
                logger.warning("\(PolicyVersionWarning.text)", metadata: ["policy_version": "\(policy.version)", "policy_file": "\(policyFile)"])
            }
            for note in PolicyLoader.omittedRules(source, file: policyFile) {
                logger.warning("policy leaves a rule out", metadata: ["policy_file": "\(policyFile)", "note": "\(note)"])
            }
            processor.reload(policy: policy, source: source)
            status.policyInForce(version: policy.version)
            logger.notice("policy reloaded and in force",
                          metadata: ["policy_version": "\(policy.version)", "policy_file": "\(policyFile)"])
            onReloaded()
        } catch {
            logger.error("policy reload refused; the policy in force is kept",
                         metadata: ["policy_file": "\(policyFile)", "problems": "\(error.problems.joined(separator: "; "))"])
        }
    }
}
