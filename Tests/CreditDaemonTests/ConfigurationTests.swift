import CreditCore
@testable import CreditDaemon
import Foundation
import Testing

@Suite struct ConfigurationTests {
    let yaml = """
        instance: creditd-7
        kafka:
          bootstrap_servers: "broker-a:9092,broker-b:9092"
          group_id: credit
          topics: {orders: o, shipments: s, payments: p}
          max_message_bytes: 2048
          properties:
            security.protocol: SASL_SSL
        database:
          path: state/creditd.sqlite
        http:
          listen: "127.0.0.1:9000"
          admin_token_file: null
        clock: event
        policy:
          file: policy.yaml
        """

    func parse(_ text: String, environment: [String: String] = [:]) throws -> DaemonConfig {
        try DaemonConfig.parse(try YAMLLoader.parse(text), file: "/etc/creditd/creditd.yaml", environment: environment)
    }

    @Test func readsEveryKeyAndResolvesRelativePaths() throws {
        let config = try parse(yaml)
        #expect(config.instance == "creditd-7")
        #expect(config.bootstrapServers == "broker-a:9092,broker-b:9092")
        #expect(config.topics.inputs == ["o", "s", "p"])
        #expect(config.topics.decisions == "credit.decisions")
        #expect(config.maxMessageBytes == 2048)
        #expect(config.kafkaProperties == ["security.protocol": "SASL_SSL"])
        #expect(config.databasePath == "/etc/creditd/state/creditd.sqlite")
        #expect(config.policyFile == "/etc/creditd/policy.yaml")
        #expect(config.adminTokenFile == nil)
        #expect(config.clock == .event)
    }

    @Test func environmentVariablesWin() throws {
        let config = try parse(yaml, environment: [
            "CREDITD_KAFKA_BOOTSTRAP_SERVERS": "10.0.0.1:9093",
            "CREDITD_CLOCK": "wall",
            "CREDITD_KAFKA_TOPICS_ORDERS": "orders-eu",
            "CREDITD_KAFKA_PROPERTIES_SASL_MECHANISM": "SCRAM-SHA-512",
            "CREDITD_DATABASE_PATH": "/var/lib/creditd/other.sqlite",
        ])
        #expect(config.bootstrapServers == "10.0.0.1:9093")
        #expect(config.clock == .wall)
        #expect(config.topics.orders == "orders-eu")
        #expect(config.kafkaProperties["sasl.mechanism"] == "SCRAM-SHA-512")
        #expect(config.databasePath == "/var/lib/creditd/other.sqlite")
        // An empty override is the environment's null: the admin API off.
        let yamlWithToken = yaml.replacingOccurrences(of: "admin_token_file: null", with: "admin_token_file: /etc/creditd/token")
        #expect(try parse(yamlWithToken).adminTokenFile == "/etc/creditd/token")
        #expect(try parse(yamlWithToken, environment: ["CREDITD_HTTP_ADMIN_TOKEN_FILE": ""]).adminTokenFile == nil)
        #expect(try parse(yamlWithToken, environment: ["CREDITD_HTTP_ADMIN_TOKEN_FILE": "/run/t"]).adminTokenFile == "/run/t")
    }

    /// The business-time merge of the inputs: on by default with a 200 ms wait and ten batches
    /// held at most; 0 turns it off; the keys are checked like every other.
    @Test func theInputMergeKeys() throws {
        let defaults = try parse(yaml)
        #expect(defaults.alignWaitMs == 200)
        #expect(defaults.alignBufferLimit == 10 * defaults.batchMaxMessages)
        let set = try parse(yaml, environment: ["CREDITD_KAFKA_ALIGN_WAIT_MS": "0", "CREDITD_KAFKA_ALIGN_MAX_MESSAGES": "5000"])
        #expect(set.alignWaitMs == 0)
        #expect(set.alignBufferLimit == 5000)
        #expect(throws: DaemonConfig.Problems.self) { try parse(yaml, environment: ["CREDITD_KAFKA_ALIGN_WAIT_MS": "-1"]) }
        #expect(throws: DaemonConfig.Problems.self) { try parse(yaml, environment: ["CREDITD_KAFKA_ALIGN_MAX_MESSAGES": "0"]) }
    }

    @Test func everyProblemIsReportedWithItsKeyPath() throws {
        let bad = """
            kafka:
              max_message_bytes: 12
              topcs: {orders: o}
            clock: sundial
            database:
              synchronous: sometimes
            http:
              listen: "not-a-listen"
            """
        do {
            _ = try parse(bad)
            Issue.record("a bad configuration must be refused")
        } catch let error as DaemonConfig.Problems {
            let text = error.problems.joined(separator: "\n")
            #expect(text.contains("kafka.max_message_bytes: must be between 1024"))
            #expect(text.contains("kafka.topcs: unknown key (did you mean topics?)"), "\(text)")
            #expect(text.contains("clock: must be wall or event, not sundial"))
            #expect(text.contains("database.synchronous: must be full or normal"))
            #expect(text.contains("http.listen: \"") && text.contains("is not HOST:PORT") && !text.contains("invalid_listen"), "\(text)")
            #expect(error.problems.count == 5)
        }
    }

    /// An output topic that is also an input topic would feed creditd its own outputs (a dead
    /// letter dead-lettered again, for ever). Inputs may share a topic, and so may outputs.
    @Test func anOutputTopicMustNotBeAnInputTopic() throws {
        let shared = try parse("kafka: {topics: {orders: in, shipments: in, payments: in, decisions: out, dunning: out, alerts: out}}")
        #expect(shared.topics.inputs == ["in"])
        do {
            _ = try parse("kafka: {topics: {orders: in, shipments: in, payments: pay, alerts: pay}}",
                          environment: ["CREDITD_KAFKA_TOPICS_DEAD_LETTER": "in"])
            Issue.record("an output on an input topic must be refused")
        } catch let error as DaemonConfig.Problems {
            #expect(error.problems == [
                "kafka.topics.alerts: pay is also the input topic kafka.topics.payments; creditd would consume its own output: give it a topic of its own",
                "kafka.topics.dead_letter: in is also the input topic kafka.topics.orders; creditd would consume its own output: give it a topic of its own (set by CREDITD_KAFKA_TOPICS_DEAD_LETTER)",
            ])
        }
    }

    /// A key the reader would not find is never taken for a default in silence: a flat dotted
    /// key, a plain value where a section belongs, an empty override.
    @Test func keysTheReaderCannotFindAreProblems() throws {
        func problems(_ text: String, environment: [String: String] = [:]) -> String {
            do {
                _ = try parse(text, environment: environment)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(problems("policy.file: /etc/creditd/policy-v2.yaml\n").contains("policy.file: write it nested"))
        #expect(problems("policy: /etc/creditd/policy-v2.yaml\n").contains("policy: must be a mapping (of file)"))
        #expect(problems("database: /srv/credit.sqlite\n").contains("database: must be a mapping (of path, state_cache_customers, synchronous)"))
        #expect(problems("kafka:\n  topics.orders: o\n").contains("kafka.topics.orders: write it nested"))
        #expect(problems("database:\n").isEmpty, "an empty section is no section")
        let empty = problems("{}\n", environment: ["CREDITD_DATABASE_PATH": ""])
        #expect(empty.contains("database.path: must not be empty (set by CREDITD_DATABASE_PATH)"), "\(empty)")
        let bad = problems("{}\n", environment: ["CREDITD_KAFKA_MAX_MESSAGE_BYTES": "1MB"])
        #expect(bad.contains("kafka.max_message_bytes: must be a whole number, not 1MB (set by CREDITD_KAFKA_MAX_MESSAGE_BYTES)"), "\(bad)")
        #expect(problems("policy:\n  file: /etc/creditd/policy-v2.yaml\n").isEmpty)
    }

    /// Merge keys let a file share a block (two dunning levels with the same gap and amount); the
    /// mapping's own keys win, and a merge of something other than a mapping is a problem.
    @Test func mergeKeysLendTheirPairs() throws {
        let tree = try YAMLLoader.parse("""
            base: &base {min_amount: "50.00", min_days_between: 7, blocks: false}
            levels:
              - <<: *base
                level: 1
              - <<: [*base, {notice: final}]
                level: 2
                blocks: true
            """)
        guard case .mapping(let top) = tree, case .sequence(let levels)? = top.first(where: { $0.0 == "levels" })?.1,
              case .mapping(let first) = levels[0], case .mapping(let second) = levels[1] else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        func text(_ pairs: [(String, ConfigNode)], _ key: String) -> String? {
            if case .scalar(let value, _)? = pairs.first(where: { $0.0 == key })?.1 { return value }
            return nil
        }
        #expect(first.map(\.0) == ["level", "min_amount", "min_days_between", "blocks"])
        #expect(text(first, "min_amount") == "50.00")
        #expect(text(second, "blocks") == "true", "the mapping's own key wins")
        #expect(text(second, "notice") == "final")
        #expect(!second.map(\.0).contains("<<"))
        #expect(throws: YAMLLoader.Failure.self) { try YAMLLoader.parse("a: &x 5\nb:\n  <<: *x\n") }
        #expect(throws: YAMLLoader.Failure.self) { try YAMLLoader.parse("a:\n  k: 1\n  k: 2\n") }
    }

    /// A key written twice is named by its path and the lines it is on, not answered with the whole file.
    @Test func aDuplicateKeyIsNamedWithItsLines() {
        func failure(_ text: String) -> String {
            do { _ = try YAMLLoader.parse(text, file: "policy.yaml"); return "" } catch { return "\(error)" }
        }
        let filler = (1...40).map { "k\($0): \($0)" }.joined(separator: "\n")
        let top = failure("version: \"1\"\n\(filler)\nversion: \"2\"\n")
        #expect(top == "policy.yaml: key 'version' appears twice (lines 1, 42); keep one", "\(top)")
        let nested = failure("""
            dunning:
              levels:
                - level: 1
                  name: friendly
                  level: 2
                - level: 3
            other:
              level: 4
            """)
        #expect(nested == "policy.yaml: key 'dunning.levels[0].level' appears twice (lines 3, 5); keep one", "\(nested)")
        let quoted = failure("a: 1\nb:\n  x: 1\n  \"x\": 2\n")
        #expect(quoted == "policy.yaml: key 'b.x' appears twice (lines 3, 4); keep one", "\(quoted)")
        // The third item of an unindented list, a mapping inside it, comments and blanks between.
        let deep = failure("""
            customers:
              overrides:
              - customer_id: C-1
              # the second
              - customer_id: C-2

              - customer_id: C-3
                limits:
                  permanent: "10.00"
                  permanent: "20.00"
            """)
        #expect(deep == "policy.yaml: key 'customers.overrides[2].limits.permanent' appears twice (lines 9, 10); keep one", "\(deep)")
    }

    /// A misspelt override under one of the file's sections is a problem with the name it was
    /// probably meant to be; other `CREDITD_` variables (the tools' own) are left alone.
    @Test func overridesThatNameNoSettingAreProblems() throws {
        func problems(_ environment: [String: String]) -> String {
            do { _ = try parse(yaml, environment: environment); return "" } catch { return "\(error)" }
        }
        let typo = problems(["CREDITD_KAFKA_BOOTSRAP_SERVERS": "broker:9092"])
        #expect(typo.contains("environment variable CREDITD_KAFKA_BOOTSRAP_SERVERS names no setting (did you mean CREDITD_KAFKA_BOOTSTRAP_SERVERS?)"), "\(typo)")
        #expect(problems(["CREDITD_DATABASE_PAHT": "/srv/c.sqlite"]).contains("did you mean CREDITD_DATABASE_PATH?"))
        #expect(problems(["CREDITD_HTTP_SOMETHING_ELSE_ENTIRELY": "1"]).contains("CREDITD_HTTP_SOMETHING_ELSE_ENTIRELY names no setting: an override"))
        // Outside a section, a near miss of a top-level key.
        #expect(problems(["CREDITD_CLOK": "event"]).contains("CREDITD_CLOK names no setting (did you mean CREDITD_CLOCK?)"))
        #expect(problems(["CREDITD_INSTANCES": "x"]).contains("did you mean CREDITD_INSTANCE?"))
        #expect(problems([
            "CREDITD_ADMIN_TOKEN": "t", "CREDITD_LOG_LEVEL": "debug", "CREDITD_TOOLS": "/x",
            "CREDITD_KAFKA_PROPERTIES_SASL_MECHANISM": "PLAIN", "CREDITD_KAFKA_SECRET_FILES_SASL_PASSWORD": "/run/p",
            "CREDITD_KAFKA_TOPICS_DEAD_LETTER": "dl", "CREDITD_CLOCK": "event", "CREDITD_INSTANCE": "a",
        ]).isEmpty)
    }

    @Test func secretsAreReadFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("sasl-password").path
        try "hunter2\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let config = try parse("kafka:\n  secret_files:\n    sasl.password: \(secret)\n")
        #expect(config.kafkaProperties["sasl.password"] == nil, "read only when the clients are built")
        #expect(try config.kafkaPropertiesWithSecrets()["sasl.password"] == "hunter2")
        #expect(config.unreadableSecretFiles.isEmpty)
        // A file that exists only inside the service (LoadCredential=) does not stop creditctl,
        // replay or check-config from loading the configuration; `run` refuses it.
        let outside = try parse("kafka:\n  secret_files:\n    sasl.password: /nonexistent\n")
        #expect(outside.unreadableSecretFiles.map(\.path) == ["/nonexistent"])
        #expect(throws: DaemonConfig.Problems.self) { _ = try outside.kafkaPropertiesWithSecrets() }
    }

    @Test func librdkafkaJudgesThePropertiesAtLoad() throws {
        let problems = #expect(throws: DaemonConfig.Problems.self) {
            _ = try parse("kafka:\n  properties: {}\n", environment: ["CREDITD_KAFKA_PROPERTIES_SECURITY_PROTOCOL": "bogus"])
        }
        #expect(problems?.description.contains("kafka.properties.security.protocol") == true, "\(String(describing: problems))")
        #expect(throws: DaemonConfig.Problems.self) { _ = try parse("kafka:\n  properties:\n    no.such.property: \"1\"\n") }
        let typo = #expect(throws: DaemonConfig.Problems.self) { _ = try parse("kafka:\n  secret_files:\n    sasl.pasword: /run/x\n") }
        #expect(typo?.description.contains("kafka.secret_files.sasl.pasword") == true, "\(String(describing: typo))")
        let good = try parse("kafka:\n  properties:\n    security.protocol: plaintext\n")
        #expect(good.kafkaProperties["security.protocol"] == "plaintext")
    }

    @Test func theShippedExamplesAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try DaemonConfig.load(file: root.appendingPathComponent("config/creditd.yaml").path, environment: [:])
        #expect(config.groupId == "creditd")
        let policy = try PolicyLoader.load(file: root.appendingPathComponent("config/policy.yaml").path)
        #expect(policy.version == "2026-11-28.1")
    }

    @Test func aBrokenPolicyNamesItsKeyPaths() throws {
        let text = """
            version: "x"
            currency: EUR
            credit_check:
              max_days_past_due: thirty
            dunning:
              levels:
                - { level: 1, name: a, days_past_due: 10, min_amount: "10.00" }
                - { level: 2, name: b, days_past_due: 5, min_amount: "10.00" }
            """
        do {
            _ = try PolicyLoader.parse(text, file: "policy.yaml")
            Issue.record("a broken policy must be refused")
        } catch {
            let all = error.problems.joined(separator: "\n")
            #expect(all.contains("credit_check.max_days_past_due"))
            #expect(all.contains("dunning.levels[1].days_past_due"))
        }
    }
}
