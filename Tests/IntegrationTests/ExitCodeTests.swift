import Foundation
import Testing

/// The exit codes of operations.md on the real binaries: 2 for bad usage or bad configuration,
/// whichever command meets it, so a deployment script can tell "fix the file" from "retry".
@Suite struct ExitCodeTests {
    @Test func aWriteCommandWithAnUnreadableConfigurationExitsTwo() throws {
        let missing = try run(TestDaemon.creditctl, ["customer", "block", "C-1", "--reason", "x", "--config", "/nonexistent/creditd.yaml"],
                              environment: [:])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("/nonexistent/creditd.yaml"))
        let tokenless = try run(TestDaemon.creditctl, ["customer", "block", "C-1", "--reason", "x", "--url", "http://127.0.0.1:9",
                                                       "--token-file", "/nonexistent/token"], environment: [:])
        #expect(tokenless.status == 2, "\(tokenless.stderr)")
    }

    /// A command group without one of its commands is bad usage: the help goes to stderr, exit 2.
    @Test func aGroupWithoutItsCommandIsBadUsage() throws {
        for (program, arguments) in [(TestDaemon.creditd, [String]()), (TestDaemon.creditctl, []), (TestDaemon.creditctl, ["outbox"])] {
            let result = try run(program, arguments, environment: [:])
            #expect(result.status == 2, "\(program) \(arguments)")
            #expect(result.stderr.contains("USAGE"), "\(result.stderr)")
        }
        #expect(try run(TestDaemon.creditctl, ["outbox", "--help"], environment: [:]).status == 0)
    }

    /// One run of check-config lists the configuration's problems and the policy's.
    @Test func checkConfigReportsThePolicyEvenWhenTheConfigurationHasProblems() throws {
        let fixture = try ReplayFixture("exit-check")
        defer { fixture.remove() }
        let policy = fixture.folder.appendingPathComponent("policy.yaml").path
        let original = try String(contentsOfFile: "\(repositoryRoot)/config/policy.yaml", encoding: .utf8)
        try original.replacingOccurrences(of: "currency: EUR", with: "currency: XXQ").write(toFile: policy, atomically: true, encoding: .utf8)
        try """
            bogus_key: 1
            database: {path: \(fixture.folder.path)/live.sqlite}
            policy: {file: \(policy)}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let result = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bogus_key"), "\(result.stderr)")
        #expect(result.stderr.contains("\(policy): currency"), "\(result.stderr)")
    }

    /// A misspelt log level is bad usage, not a silent `info`, from the flag or the environment.
    @Test func anUnknownLogLevelExitsTwo() throws {
        let fixture = try ReplayFixture("exit-level")
        defer { fixture.remove() }
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            http: {admin_token_file: null}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let flag = try run(TestDaemon.creditd, ["run", "--config", fixture.config, "--log-level", "verbose"], environment: [:])
        #expect(flag.status == 2, "\(flag.stderr)")
        #expect(flag.stderr.contains("--log-level: unknown log level verbose") && flag.stderr.contains("debug"), "\(flag.stderr)")
        let variable = try run(TestDaemon.creditd, ["run", "--config", fixture.config], environment: ["CREDITD_LOG_LEVEL": "loud"])
        #expect(variable.status == 2, "\(variable.stderr)")
        #expect(variable.stderr.contains("CREDITD_LOG_LEVEL: unknown log level loud"), "\(variable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.folder.path)/live.sqlite"), "refused before the database is opened")
    }

    /// What only `run` can find out about the configuration is still a configuration error: an
    /// admin token file it cannot read (check-config, run outside the service, notes it only).
    @Test func runWithAnUnreadableTokenFileExitsTwo() throws {
        let fixture = try ReplayFixture("exit-token")
        defer { fixture.remove() }
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            http: {admin_token_file: \(fixture.folder.path)/missing-token}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let started = try run(TestDaemon.creditd, ["run", "--config", fixture.config], environment: [:])
        #expect(started.status == 2, "\(started.stderr)")
        #expect(started.stderr.contains("http.admin_token_file") && started.stderr.contains("missing-token"), "\(started.stderr)")
        let checked = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stderr.contains("missing-token"), "\(checked.stderr)")
    }

    /// A policy without a `dunning` section is valid, and check-config says what it turns off.
    @Test func aPolicyLeavingDunningOutIsNoted() throws {
        let fixture = try ReplayFixture("exit-no-dunning")
        defer { fixture.remove() }
        let policy = try String(contentsOfFile: "\(repositoryRoot)/config/policy.yaml", encoding: .utf8)
        let start = try #require(policy.range(of: "\ndunning:")), end = try #require(policy.range(of: "\nalerts:"))
        let policyFile = "\(fixture.folder.path)/no-dunning.yaml"
        try policy.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "").write(toFile: policyFile, atomically: true, encoding: .utf8)
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            http: {admin_token_file: null}
            policy: {file: \(policyFile)}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let checked = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stderr.contains("note: \(policyFile): dunning: left out, so no dunning notices"), "\(checked.stderr)")
        #expect(checked.stderr.contains("`dunning: {levels: []}`"), "\(checked.stderr)")
        // The whole example policy: nothing to note.
        try policy.write(toFile: policyFile, atomically: true, encoding: .utf8)
        let whole = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(whole.status == 0 && !whole.stderr.contains("left out"), "\(whole.stderr)")
    }

    /// A Kafka secret file that exists only inside the service: `run` refuses to start (exit 2),
    /// check-config notes it, and creditctl's read commands and replay are not stopped by it.
    @Test func secretFilesAreNeededOnlyByRun() throws {
        let fixture = try ReplayFixture("exit-secret")
        defer { fixture.remove() }
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            kafka: {secret_files: {sasl.password: /run/credentials/creditd.service/sasl-password}}
            http: {admin_token_file: null}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let started = try run(TestDaemon.creditd, ["run", "--config", fixture.config], environment: [:])
        #expect(started.status == 2, "\(started.stderr)")
        #expect(started.stderr.contains("kafka.secret_files.sasl.password: cannot read the secret file"), "\(started.stderr)")
        let checked = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stderr.contains("note: kafka.secret_files.sasl.password"), "\(checked.stderr)")
        var events = Events()
        let (replayed, database) = try fixture.replay([events.order("C-1", "O-1", "10.00", at: 0)])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let configured = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try configured.replacingOccurrences(of: "\(fixture.folder.path)/live.sqlite", with: database)
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let listed = try run(TestDaemon.creditctl, ["customer", "list", "--config", fixture.config], environment: [:])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("C-1"), "\(listed.stdout)")
    }

    /// A librdkafka property librdkafka rejects is a configuration error found by check-config,
    /// and `run` exits 2 on it (not 1, which systemd would restart).
    @Test func aBadLibrdkafkaPropertyIsAConfigurationError() throws {
        let fixture = try ReplayFixture("exit-property")
        defer { fixture.remove() }
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            http: {admin_token_file: null}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let bogus = ["CREDITD_KAFKA_PROPERTIES_SECURITY_PROTOCOL": "bogus"]
        for command in ["check-config", "run"] {
            let result = try run(TestDaemon.creditd, [command, "--config", fixture.config], environment: bogus)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("kafka.properties.security.protocol"), "\(command): \(result.stderr)")
        }
    }

    @Test func replayIntoADatabaseThatHoldsDataIsBadUsage() throws {
        let fixture = try ReplayFixture("exit-replay")
        defer { fixture.remove() }
        let (first, database) = try fixture.replay([])
        #expect(first.status == 0, "\(first.stderr)")
        let events = fixture.folder.appendingPathComponent("events.jsonl").path
        let again = try run(TestDaemon.creditd, ["replay", "--config", fixture.config, "--database", database, events], environment: [:])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds data"), "\(again.stderr)")
        let live = try run(TestDaemon.creditd, ["replay", "--config", fixture.config, "--database", "\(fixture.folder.path)/live.sqlite", events],
                           environment: [:])
        #expect(live.status == 2)
        #expect(live.stderr.contains("live database"), "\(live.stderr)")
        // An events file that does not exist is a wrong argument too.
        let missing = try run(TestDaemon.creditd, ["replay", "--config", fixture.config, "\(fixture.folder.path)/no-such.jsonl"],
                              environment: [:])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such.jsonl"), "\(missing.stderr)")
    }

    /// A database's amounts are in the credit currency they were decided in: `run` under a
    /// policy in another one is a configuration error, found before anything is read, and
    /// `check-config` finds it first (an operator checks before a restart).
    @Test func runWithAPolicyInAnotherCurrencyExitsTwo() throws {
        let fixture = try ReplayFixture("exit-currency")
        defer { fixture.remove() }
        var events = Events()
        let (replayed, database) = try fixture.replay([events.order("C-1", "O-1", "100.00", at: 0)])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let original = try String(contentsOfFile: "\(repositoryRoot)/config/policy.yaml", encoding: .utf8)
        let policy = fixture.folder.appendingPathComponent("usd.yaml").path
        try original.replacingOccurrences(of: "currency: EUR", with: "currency: USD")
            .replacingOccurrences(of: "  USD: \"0.92\"", with: "  EUR: \"1.09\"")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        try """
            database: {path: \(database)}
            http: {admin_token_file: null}
            policy: {file: \(policy)}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let checked = try run(TestDaemon.creditd, ["check-config", "--config", fixture.config], environment: [:])
        #expect(checked.status == 2, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stderr.contains("usd.yaml: currency: the policy's currency USD differs from EUR") && checked.stderr.contains(database),
                "\(checked.stderr)")
        // The same policy on a new database is fine: nothing is recorded in another currency yet.
        let fresh = fixture.folder.appendingPathComponent("fresh.yaml").path
        try """
            database: {path: \(fixture.folder.path)/new.sqlite}
            http: {admin_token_file: null}
            policy: {file: \(policy)}

            """.write(toFile: fresh, atomically: true, encoding: .utf8)
        let freshCheck = try run(TestDaemon.creditd, ["check-config", "--config", fresh], environment: [:])
        #expect(freshCheck.status == 0, "\(freshCheck.stderr)")
        #expect(freshCheck.stdout.contains("ok (policy"), "\(freshCheck.stdout)")
        let started = try run(TestDaemon.creditd, ["run", "--config", fixture.config], environment: [:])
        #expect(started.status == 2, "\(started.stderr)")
        #expect(started.stderr.contains("currency USD differs from EUR") && started.stderr.contains(database), "\(started.stderr)")
    }

    /// The options every command takes may come before the command's name, as the contract
    /// writes `creditctl --database PATH ...`; a command that does not take one still refuses it.
    @Test func optionsBeforeTheCommandNameReadTheSame() throws {
        var events = Events(start: "2026-01-05T08:00:00Z")
        let fixture = try ReplayFixture("leading-options")
        defer { fixture.remove() }
        let (replay, database) = try fixture.replay([events.order("C-A", "O-1", "600.00", at: 0)])
        #expect(replay.status == 0, "\(replay.stderr)")
        let after = try run(TestDaemon.creditctl, ["customer", "show", "C-A", "--database", database, "--json"], environment: [:])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.contains("\"C-A\""), "\(after.stdout)")
        for leading in [["--database", database, "--json"], ["--json", "--database=\(database)"]] {
            let before = try run(TestDaemon.creditctl, leading + ["customer", "show", "C-A"], environment: [:])
            #expect(before.status == 0, "\(leading): \(before.stderr)")
            #expect(before.stdout == after.stdout, "\(leading)")
        }
        let write = try run(TestDaemon.creditctl, ["--database", database, "customer", "block", "C-A", "--reason", "x"], environment: [:])
        #expect(write.status == 2)
        #expect(write.stderr.contains("--database"), "\(write.stderr)")
        // A negative value of an option reaches the command's own range check.
        let negative = try run(TestDaemon.creditctl, ["report", "--database", database, "--period-days", "-5"], environment: [:])
        #expect(negative.status == 2 && negative.stderr.contains("--period-days must be between 1 and 3660, not -5"), "\(negative.stderr)")
    }

    /// An `http.listen` address another program holds: the message names the key, the address
    /// and the system's reason, and the daemon stops at once (exit 1: the file may be right and
    /// the other program gone at the next start).
    @Test func anAddressInUseIsNamedByItsKey() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0 && listen(fd, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = UInt16(bigEndian: addr.sin_port)
        let fixture = try ReplayFixture("exit-listen")
        defer { fixture.remove() }
        try """
            database: {path: \(fixture.folder.path)/live.sqlite}
            http: {admin_token_file: null, listen: "127.0.0.1:\(port)"}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let result = try run("/usr/bin/timeout", ["60", TestDaemon.creditd, "run", "--config", fixture.config], environment: [:])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("http.listen 127.0.0.1:\(port): Address already in use"), "\(result.stderr)")
        #expect(!result.stderr.contains("WAL checkpoint failed"), "the others stopping is not a failure of theirs: \(result.stderr)")
    }
}
