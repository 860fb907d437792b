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
        try database.read { db in
            guard let recorded = try Self.recordedCurrency(db), recorded != policy.currency.code else { return nil }
            let customers = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0
            guard customers > 0 else { return nil }
            return CreditCurrencyChanged(recorded: recorded, proposed: policy.currency.code, customers: customers,
                                         databasePath: config.databasePath)
        }
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
