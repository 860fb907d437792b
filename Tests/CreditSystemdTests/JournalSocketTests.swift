import CreditTestSupport
import Foundation
import Synchronization
import Testing

extension ProtocolPeerTests {
    /// journald's side of the native protocol. libsystemd always sends to the fixed path
    /// `/run/systemd/journal/socket`, so the probe runs under `unshare --mount` with this test's
    /// socket directory bind-mounted over `/run/systemd/journal`; the host's journal is untouched.
    @Suite struct JournalSocket {
        @Test func structuredEntriesReachJournaldWithUpperCasedMetadataFields() async throws {
            let entries = try await runJournalProbe()
            try #require(entries.count == 9, "entries: \(entries.map { $0["MESSAGE"] ?? "?" })")

            let held = entries[0]
            #expect(held["MESSAGE"] == "order held for credit review")
            #expect(held["PRIORITY"] == "6")
            #expect(held["SYSLOG_IDENTIFIER"] == "creditd")
            #expect(held["CODE_FILE"] == "journal_probe/main.swift")
            #expect(held["CODE_FUNC"] == "logStructuredEntries(to:)")
            #expect(Int(held["CODE_LINE"] ?? "").map { $0 > 0 } == true)
            #expect(held["LOGGER"] == "creditd.decisions")
            #expect(held["CUSTOMER_ID"] == "C-1001")
            #expect(held["ORDER_ID"] == "O-7")
            #expect(held["INVOICE_ID"] == "I-3")
            #expect(held["DECISION"] == "hold")
            #expect(held["REASON"] == "OVER_LIMIT")
            #expect(held["EVENT_ID"] == "evt-42")
            #expect(held["TOPIC"] == "orders")
            #expect(held["PARTITION"] == "3")
            #expect(held["OFFSET"] == "1042")
            #expect(held.names.allSatisfy(isValidJournalFieldName), "names: \(held.names)")

            // A multi-line message travels in the length-prefixed form; odd keys are sanitised;
            // a metadata key named like a fixed field cannot forge it.
            let warning = entries[1]
            #expect(warning["MESSAGE"] == "line one\nline two")
            #expect(warning.binaryFieldNames.contains("MESSAGE"))
            #expect(warning.values("PRIORITY") == ["4"])
            #expect(warning["META_PRIORITY"] == "forged")
            #expect(warning["WEIRD_KEY_NAME"] == "x")
            #expect(warning["PRIVATE"] == "y")
            #expect(warning["FIELD_9LIVES"] == "z")
            #expect(warning["ORDER_ID"] == "O-8")
            #expect(warning.names.allSatisfy(isValidJournalFieldName), "names: \(warning.names)")

            #expect(entries[2]["MESSAGE"] == "storage failed")
            #expect(entries[2]["PRIORITY"] == "2")
            #expect(entries[3]["MESSAGE"] == "poll detail")
            #expect(entries[3]["PRIORITY"] == "7")

            // Through the rate limiter (burst 3): three routine lines, the warning, then the summary.
            let limited = entries[4...].map { $0["MESSAGE"] ?? "" }
            #expect(limited == [
                "poll returned 1 records", "poll returned 2 records", "poll returned 3 records",
                "broker slow", "suppressed 5 info messages from creditd.kafka",
            ])
            let summary = entries[8]
            #expect(summary["PRIORITY"] == "5")
            #expect(summary["SUPPRESSED_COUNT"] == "5")
            #expect(summary["SUPPRESSED_LABEL"] == "creditd.kafka")
            #expect(summary["LOGGER"] == "creditd.kafka")
        }
    }
}

private func isValidJournalFieldName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, name.count <= 64 else { return false }
    guard first != "_", !("0"..."9").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
}

/// Starts `journal-probe` in a private mount namespace whose `/run/systemd/journal` is a directory
/// holding this test's socket, and returns the entries it sent, in order.
private func runJournalProbe() async throws -> [NativeJournalEntry] {
    let probe = try probeExecutable()
    let directory = try TemporaryDirectory()
    let socket = try DatagramSocket(boundTo: directory.path + "/socket")

    // A tmpfs over /run/systemd (or /run if that is missing) so nothing is created on the host.
    let script = """
        set -e
        if [ -d /run/systemd ]; then mount -t tmpfs -o mode=0755 tmpfs /run/systemd
        else mount -t tmpfs -o mode=0755 tmpfs /run; fi
        mkdir -p /run/systemd/journal
        mount --bind "$1" /run/systemd/journal
        exec "$2"
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    process.arguments = ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", directory.path, probe]
    var environment = ProcessInfo.processInfo.environment
    for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] {
        environment[name] = nil
    }
    process.environment = environment
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let exited = ExitFlag()
    process.terminationHandler = { _ in exited.set() }
    try process.run()

    // Read while the probe runs: libsystemd blocks once the small datagram queue is full.
    let datagrams = await socket.collect(until: { exited.isSet }, deadline: .now + .seconds(30))
    guard exited.isSet else {
        process.terminate()
        throw TestSetupError("journal-probe did not exit within 30 s")
    }
    process.waitUntilExit()
    let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard process.terminationStatus == 0, stdout.contains("journal-probe: done") else {
        throw TestSetupError("journal-probe under unshare failed (\(process.terminationStatus)): \(stderr)")
    }
    // Nothing fell back to stderr: every entry reached the socket.
    #expect(stderr.isEmpty, "fallback lines on stderr: \(stderr)")
    return try datagrams.map { try NativeJournalEntry.parse($0.bytes) }
}

/// The probe is built next to the test bundle (`.build-*/debug/`).
private func probeExecutable() throws -> String {
    let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let probe = URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("journal-probe").path
    guard FileManager.default.isExecutableFile(atPath: probe) else {
        throw TestSetupError("journal-probe not built at \(probe)")
    }
    return probe
}

private final class ExitFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
