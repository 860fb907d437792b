import Foundation

/// The fixed JSON documents the HTTP layer writes itself (errors, health, readiness).
/// Keys are sorted so the bodies are byte-stable for scripts and tests.
enum JSONBody {
    private struct ErrorEnvelope: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }

    private struct Health: Encodable {
        let status: String
    }

    private struct Readiness: Encodable {
        struct Checks: Encodable {
            let partitionsAssigned: Bool
            let databaseWritable: Bool
            let brokerReachable: Bool

            enum CodingKeys: String, CodingKey {
                case partitionsAssigned = "partitions_assigned"
                case databaseWritable = "database_writable"
                case brokerReachable = "broker_reachable"
            }
        }
        let status: String
        let checks: Checks
        let detail: String
    }

    /// `{"error":{"code":...,"message":...[,"field":...]}}`
    static func error(_ error: AdminError) -> [UInt8] {
        encode(ErrorEnvelope(error: .init(code: error.code, message: error.message, field: error.field)))
    }

    /// `{"status":"alive"}`
    static func alive() -> [UInt8] {
        encode(Health(status: "alive"))
    }

    /// `{"checks":{...},"detail":...,"status":"ready"|"not_ready"}`
    static func readiness(_ report: ReadinessReport) -> [UInt8] {
        encode(
            Readiness(
                status: report.isReady ? "ready" : "not_ready",
                checks: .init(
                    partitionsAssigned: report.partitionsAssigned,
                    databaseWritable: report.databaseWritable,
                    brokerReachable: report.brokerReachable
                ),
                detail: report.detail
            )
        )
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // These shapes hold only strings and booleans: encoding cannot fail.
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
    }
}
