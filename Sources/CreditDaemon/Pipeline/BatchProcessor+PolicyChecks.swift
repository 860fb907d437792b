import CreditCore
import CreditStore
import Foundation
import GRDB

/// A database keeps limits, exposure and the ledger as bare amounts in the policy's credit
/// currency. A policy in another currency would read them as its own (10,000 EUR becoming
/// 10,000 USD), so it is refused, at start-up and on reload, once the database knows customers.
public struct CreditCurrencyChanged: Error, CustomStringConvertible, Sendable {
    public let recorded: String
    public let proposed: String
    public let customers: Int
    public let databasePath: String

    public var description: String {
        "the policy's currency \(proposed) differs from \(recorded), the currency the \(customers) customer"
            + "\(customers == 1 ? "" : "s") in \(databasePath) are kept in, and stored amounts cannot be converted: "
            + "keep `currency: \(recorded)` (give \(proposed) a rate in fx_rates to take orders in it), or start a new database"
    }
}

extension BatchProcessor {
    /// The refusal for `policy` when its credit currency differs from the recorded policy's and
    /// the database holds customers; nil when the policy may come into force.
    public func currencyChange(to policy: Policy) throws -> CreditCurrencyChanged? {
        try database.read { db in try Self.currencyChange(db, to: policy, databasePath: config.databasePath) }
    }

    /// The same question for `creditd check-config`, on the database file read-only: nil when
    /// there is no file yet (nothing recorded, any currency may come into force).
    public static func currencyChange(databasePath: String, to policy: Policy) throws -> CreditCurrencyChanged? {
        guard FileManager.default.fileExists(atPath: databasePath) else { return nil }
        let database = try CreditDatabase(readOnlyPath: databasePath)
        return try database.read { db in try currencyChange(db, to: policy, databasePath: databasePath) }
    }

    /// What `creditd run` would refuse in the database a configuration names, for `check-config`:
    /// a policy whose credit currency is not the one the stored customers are kept in. A file or
    /// folder this user cannot see gives a note, not a problem: under systemd the service
    /// creates and owns it.
    public static func databaseProblems(_ path: String, policy: Policy, policyFile: String) -> (problems: [String], notes: [String]) {
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: path) else {
            guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return ([], []) }
            return ([], ["database.path \(path): the folder \(folder) does not exist here; `creditd run` needs it (StateDirectory= creates it under systemd)"])
        }
        do {
            guard let refusal = try currencyChange(databasePath: path, to: policy) else { return ([], []) }
            return (["\(policyFile): currency: \(refusal)"], [])
        } catch {
            return ([], ["database.path \(path) cannot be read here (\(error)); its currency was not checked"])
        }
    }

    static func currencyChange(_ db: Database, to policy: Policy, databasePath: String) throws -> CreditCurrencyChanged? {
        guard let recorded = try recordedCurrency(db), recorded != policy.currency.code else { return nil }
        let customers = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0
        guard customers > 0 else { return nil }
        return CreditCurrencyChanged(recorded: recorded, proposed: policy.currency.code, customers: customers,
                                     databasePath: databasePath)
    }

    /// True when `source` differs from the policy text recorded last but carries the same
    /// `version`: decisions under both would record one version, and the audit trail could not
    /// tell which rules applied. Worth a warning; the policy still comes into force.
    public func versionUnchanged(by policy: Policy, source: String) throws -> Bool {
        try database.read { db in
            guard let text = try Meta.get(db, "policy_yaml"), text != source else { return false }
            return try Meta.get(db, "policy_version") == policy.version
        }
    }

    /// The credit currency of the policy recorded last: the `currency` meta row, or for a database
    /// recorded before that row existed, the recorded policy's text read again.
    static func recordedCurrency(_ db: Database) throws -> String? {
        if let code = try Meta.get(db, "currency") { return code }
        guard let text = try Meta.get(db, "policy_yaml") else { return nil }
        return (try? PolicyLoader.parse(text, file: "recorded policy"))?.currency.code
    }
}

/// The journal line for a changed policy text under an unchanged `version`.
public enum PolicyVersionWarning {
    public static let text = "the policy changed but its version did not: decisions before and after record the same version; give every change a version of its own"
}
