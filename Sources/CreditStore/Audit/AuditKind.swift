import CreditCore

/// What an audit entry records. A string value rather than a closed enum so that a newer daemon's
/// kinds still read (and verify) in an older `creditctl`.
public struct AuditKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let orderApproved = AuditKind("order.approved")
    public static let orderHeld = AuditKind("order.held")
    public static let orderReleased = AuditKind("order.released")
    public static let customerBlocked = AuditKind("customer.blocked")
    public static let customerUnblocked = AuditKind("customer.unblocked")
    public static let limitChanged = AuditKind("limit.changed")
    public static let scoreChanged = AuditKind("score.changed")
    public static let dunningStep = AuditKind("dunning.step")
    public static let alert = AuditKind("alert")
    /// An operator action that published nothing (the others are recorded under their outcome,
    /// with the operator as the actor).
    public static let operatorAction = AuditKind("operator.action")
    /// A held order cancelled: the hold ends without a decision. (One shipped in full while
    /// held ends too; its `SHIPPED_WHILE_HELD` alert, with nothing left open, records it.)
    public static let holdEnded = AuditKind("order.hold_ended")
    /// An order created after its cancellation had arrived (the two came out of order): with
    /// nothing open there is nothing to decide, and no decision is published.
    public static let notDecided = AuditKind("order.not_decided")

    /// The kind an output event is recorded under.
    public init(_ type: OutputEventType) {
        switch type {
        case .orderApproved: self = .orderApproved
        case .orderHeld: self = .orderHeld
        case .orderReleased: self = .orderReleased
        case .customerBlocked: self = .customerBlocked
        case .customerUnblocked: self = .customerUnblocked
        case .limitChanged: self = .limitChanged
        case .scoreChanged: self = .scoreChanged
        case .dunningNotice: self = .dunningStep
        case .alert: self = .alert
        }
    }

    public var description: String { rawValue }
}
