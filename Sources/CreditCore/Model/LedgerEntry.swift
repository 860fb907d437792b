/// One input event as the ledger folds it.
public struct LedgerEntry: Sendable, Codable, Equatable {
    /// Arrival order; breaks ties between equal business times.
    public var sequence: Int64
    /// Business time: the ledger is the fold of its entries in (time, sequence) order.
    public var time: Timestamp
    public var eventId: String
    /// The customer's payment terms when the event arrived, so that folding it again later gives
    /// the same due date even if an operator changed the terms since.
    public var customerTermsDays: Int
    public var payload: InputPayload

    public init(sequence: Int64, time: Timestamp, eventId: String, customerTermsDays: Int, payload: InputPayload) {
        self.sequence = sequence
        self.time = time
        self.eventId = eventId
        self.customerTermsDays = customerTermsDays
        self.payload = payload
    }

    public var key: LedgerEntryKey { LedgerEntryKey(time: time, sequence: sequence) }
}

/// The fold order: business time, then arrival.
public struct LedgerEntryKey: Sendable, Codable, Hashable, Comparable {
    public var time: Timestamp
    public var sequence: Int64

    public init(time: Timestamp, sequence: Int64) {
        self.time = time
        self.sequence = sequence
    }

    public static func < (lhs: LedgerEntryKey, rhs: LedgerEntryKey) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
    }
}
