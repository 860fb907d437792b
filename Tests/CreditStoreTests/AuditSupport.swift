import CreditCore
@testable import CreditStore
import Foundation
import GRDB

/// Output events and shell access for the audit suites.
enum AuditFixture {
    static let start = Timestamp(rfc3339: "2026-11-28T09:00:00Z")!

    /// The i-th of a run of order decisions for three customers, one minute apart; every third held.
    static func decision(_ i: Int, customer: String? = nil) -> OutputEvent {
        let held = i % 3 == 2
        var data: [JSONMember] = [
            JSONMember("customer_id", .string(customer ?? "C-\(i % 3)")),
            JSONMember("order_id", .string("O-\(i)")),
            JSONMember("amount", .string("\(100 + i).00")),
            JSONMember("currency", "EUR"),
            JSONMember("exposure", .string("\(1000 + i).00")),
            JSONMember("credit_limit", "5000.00"),
            JSONMember("available_credit", .string("\(4000 - i).00")),
            JSONMember("risk_class", "B"),
            JSONMember("score", .integer(71)),
        ]
        if held {
            data.append(JSONMember("reasons", [
                .object([JSONMember("code", "over_limit"), JSONMember("message", "exposure would exceed the limit")]),
            ]))
        }
        return OutputEvent(id: "out-\(i)", type: held ? .orderHeld : .orderApproved, customerId: customer ?? "C-\(i % 3)",
                           source: "creditd-test", time: start.adding(microseconds: Int64(i) * 60_000_000),
                           causationId: "in-\(i)", policyVersion: "2026-11", data: .object(data))
    }

    static func entries(_ count: Int) -> [AuditEntry] {
        (0..<count).map { AuditEntry(event: decision($0)) }
    }

    /// Runs SQL through the real `sqlite3` shell on the file, as someone with shell access would.
    @discardableResult
    static func sqlite3(_ path: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-bail", path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// What a tamperer does first: remove the append-only triggers.
    static let dropTriggers = """
        DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_rewrite;

        """

    static func executableExists(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }
}
