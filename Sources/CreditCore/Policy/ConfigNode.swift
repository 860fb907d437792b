/// A configuration tree, independent of any YAML library.
///
/// The YAML layer converts its nodes into this so that the core's policy rules (and their error
/// paths) are tested without a parser. `quoted` tells `"0.92"` (text) from `0.92` (a YAML float):
/// money must be quoted so that no reader ever takes it for a binary float.
public indirect enum ConfigNode: Sendable, Equatable {
    case scalar(String, quoted: Bool)
    case sequence([ConfigNode])
    case mapping([(String, ConfigNode)])
    case null

    public static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.scalar(a, qa), .scalar(b, qb)): return a == b && qa == qb
        case let (.sequence(a), .sequence(b)): return a == b
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A plain (unquoted) scalar, e.g. a number or a boolean.
    public static func plain(_ text: String) -> ConfigNode { .scalar(text, quoted: false) }
    /// A quoted scalar, e.g. money.
    public static func quoted(_ text: String) -> ConfigNode { .scalar(text, quoted: true) }

    /// The kind of node as a person would say it, for problem messages.
    var kindName: String {
        switch self {
        case .scalar: "a single value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .null: "empty"
        }
    }
}
