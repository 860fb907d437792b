/// Lets the first of a repeated log line through and then one every `interval`, with the count
/// of those held back: a broker that refuses connections makes librdkafka report every
/// reconnect attempt (about 45 lines a second in a walkthrough), which would bury the journal,
/// while the first line and a periodic "still happening, N more" say all there is to say.
///
/// A value with the clock passed in, so tests drive it; a bounded number of lines is tracked
/// (the oldest forgotten first), so memory stays flat whatever the texts.
public struct RepeatedLineFilter: Sendable {
    public let interval: Duration
    public let capacity: Int
    private var lines: [String: (logged: ContinuousClock.Instant, heldBack: Int)] = [:]

    public init(interval: Duration = .seconds(30), capacity: Int = 64) {
        self.interval = interval
        self.capacity = max(1, capacity)
    }

    /// Whether to log `line` now: nil to hold it back, else how many repeats were held back
    /// since it was last logged (0 the first time).
    public mutating func admit(_ line: String, at now: ContinuousClock.Instant) -> Int? {
        if let seen = lines[line], now - seen.logged < interval {
            lines[line]!.heldBack += 1
            return nil
        }
        let heldBack = lines[line]?.heldBack ?? 0
        if lines[line] == nil, lines.count >= capacity,
           let oldest = lines.min(by: { $0.value.logged < $1.value.logged })?.key {
            lines.removeValue(forKey: oldest)
        }
        lines[line] = (now, 0)
        return heldBack
    }
}
