/// Watches dead letters for a burst (`alerts.dead_letter_burst {count, within}`): a producer
/// sending garbage, a schema change nobody announced.
///
/// A pure state machine: feed it each dead letter's time and it says when to raise `DEAD_LETTER`.
/// It fires once when `count` dead letters fall within `within` (the newest and the `count`-th
/// newest at most `within` apart), then stays quiet until the rate has fallen back below `count`
/// per `within`, so a sustained flood gives one alert, not one per message. The rate can fall only
/// while no dead letter arrives, so it is checked when the next one comes: if fewer than `count`
/// of the earlier dead letters are within `within` of it, the rate was below in between.
///
/// Times should be the daemon's wall clock at dead-lettering (a dead letter does not move the
/// event clock); a time earlier than the latest seen counts as the latest, so the window never
/// runs backwards. Only the `count` newest times are kept.
public struct DeadLetterBurstDetector: Sendable, Equatable {
    public let rule: DeadLetterBurst
    /// The newest dead-letter times, oldest first, at most `rule.count` of them.
    public private(set) var recent: [Timestamp] = []
    /// True from an alert until the rate has fallen back below the rule.
    public private(set) var inBurst = false

    public init(rule: DeadLetterBurst) {
        self.rule = rule
    }

    /// Records one dead letter; returns the burst to alert on when this one starts a burst.
    public mutating func record(at time: Timestamp, code: DeadLetterCode) -> DeadLetterBurstEvent? {
        let now = max(time, recent.last ?? time)
        let windowStart = now.adding(microseconds: -rule.within.microseconds)
        // The earlier dead letters still within the window of this one (at most `count` are kept).
        if let firstInside = recent.firstIndex(where: { $0 >= windowStart }) {
            recent.removeFirst(firstInside)
        } else {
            recent.removeAll(keepingCapacity: true)
        }
        if recent.count < rule.count { inBurst = false }
        recent.append(now)
        if recent.count > rule.count { recent.removeFirst(recent.count - rule.count) }
        guard recent.count >= rule.count, !inBurst else { return nil }
        inBurst = true
        return DeadLetterBurstEvent(count: recent.count, within: rule.within, firstAt: recent[0], lastAt: now, lastCode: code)
    }
}

/// A burst to alert on: `count` dead letters between `firstAt` and `lastAt`, within `within`.
public struct DeadLetterBurstEvent: Sendable, Equatable {
    public var count: Int
    public var within: PolicyDuration
    public var firstAt: Timestamp
    public var lastAt: Timestamp
    public var lastCode: DeadLetterCode

    public init(count: Int, within: PolicyDuration, firstAt: Timestamp, lastAt: Timestamp, lastCode: DeadLetterCode) {
        self.count = count
        self.within = within
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.lastCode = lastCode
    }
}
