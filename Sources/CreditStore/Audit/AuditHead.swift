/// The last entry written, kept in `meta` (key `audit_head`, value `"<sequence> <hash>"`) in the
/// same transaction as the entry. The chain alone cannot show that its newest entries were cut
/// off; comparing the table's last row with this record can.
public struct AuditHead: Sendable, Equatable, CustomStringConvertible {
    public var sequence: Int64
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    static let metaKey = "audit_head"

    init?(metaValue: String) {
        let parts = metaValue.split(separator: " ")
        guard parts.count == 2, let sequence = Int64(parts[0]) else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]))
    }

    var metaValue: String { "\(sequence) \(hash)" }

    public var description: String { "entry \(sequence), hash \(hash)" }
}
