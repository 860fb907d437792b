/// What a pure decision needs from the outside world: the rules, the time, who we are.
public struct DecisionContext: Sendable {
    public var policy: Policy
    /// The clock's now (wall or event watermark); "today" is its UTC date.
    public var now: Timestamp
    /// The instance name, the `source` of output events.
    public var instance: String
    /// Arrival order of the input (e.g. a store-wide sequence); orders equal business times and
    /// "first seen" for re-checks.
    public var arrivalSequence: Int64
    /// Size of the out-of-order window per customer (see `LedgerJournal`).
    public var journalCapacity: Int

    public init(policy: Policy, now: Timestamp, instance: String, arrivalSequence: Int64,
                journalCapacity: Int = LedgerJournal.defaultCapacity) {
        self.policy = policy
        self.now = now
        self.instance = instance
        self.arrivalSequence = arrivalSequence
        self.journalCapacity = journalCapacity
    }

    public var today: LocalDate { now.utcDate }
}

/// What caused a batch of outputs: names the `causationid` and seeds the deterministic ids.
public struct Cause: Sendable, Hashable {
    public var source: String
    public var id: String
    public var causationId: String

    public init(source: String, id: String, causationId: String) {
        self.source = source
        self.id = id
        self.causationId = causationId
    }

    /// The `source` of a cause inside creditd (a tick, a policy, an operator, the bureau, a
    /// derived cause): marked with a control character, which no producer's `source` may hold
    /// (`EventDecoder` refuses it), so that no input can ever share an output id with them.
    public static func internalSource(_ name: String) -> String { "\u{1}" + name }

    /// An input event: `causationid` is its id.
    public static func event(_ event: InputEvent) -> Cause {
        Cause(source: event.source, id: event.id, causationId: event.id)
    }

    /// A scheduler tick: `causationid` is `tick:<RFC 3339 time>`.
    public static func tick(_ time: Timestamp) -> Cause {
        Cause(source: internalSource("tick"), id: time.rfc3339, causationId: "tick:\(time.rfc3339)")
    }

    /// A new policy in force (start-up or reload) applying `customers.overrides` to a known
    /// customer: `causationid` is `policy:<version>`. `change` counts the policy changes of the
    /// database, so two texts under one version, or a text that comes back, give new ids.
    public static func policy(version: String, change: Int) -> Cause {
        Cause(source: internalSource("policy"), id: "\(version)#\(change)", causationId: "policy:\(version)")
    }

    /// An operator action, identified by a request id the caller makes unique (e.g. an audit sequence).
    public static func operatorRequest(_ requestId: String) -> Cause {
        Cause(source: internalSource("operator"), id: requestId, causationId: "operator:\(requestId)")
    }
}

/// An operator action refused, with a stable code for the admin API.
public struct OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case unknownOrder = "unknown_order"
        case notHeld = "not_held"
        case noteRequired = "note_required"
        case reasonRequired = "reason_required"
        case notBlocked = "not_blocked"
        case invalidLimit = "invalid_limit"
    }

    public var code: Code
    public var detail: String

    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
