/// Where a partition starts when the application has no offset for it.
public enum AutoOffsetReset: String, Sendable, Hashable {
    case earliest
    case latest

    init?(propertyValue: String) {
        switch propertyValue.lowercased() {
        case "earliest", "smallest", "beginning": self = .earliest
        case "latest", "largest", "end": self = .latest
        default: return nil
        }
    }
}
