/// When to say that no input partition has been assigned for long: the consumer group may be
/// stuck on the broker (Tansu kept a group whose member failed mid-join for over 9 minutes), and
/// without a line in the journal the daemon just looks not ready. A value with the clock passed
/// in: it answers with the time waited when a warning is due, and the caller logs it.
struct UnassignedWatch {
    var warnAfter: Duration = .seconds(120)
    var repeatEvery: Duration = .seconds(300)
    private var since: ContinuousClock.Instant?
    private var warned: ContinuousClock.Instant?

    /// Starts counting at `start` (the daemon has no partitions before it joins).
    init(start: ContinuousClock.Instant) {
        since = start
    }

    /// The time without partitions when a warning is due (after `warnAfter`, then every
    /// `repeatEvery`), else nil; an assignment starts the count afresh at the next loss.
    mutating func observe(hasPartitions: Bool, at now: ContinuousClock.Instant) -> Duration? {
        if hasPartitions {
            since = nil
            warned = nil
            return nil
        }
        guard let since else {
            self.since = now
            return nil
        }
        let waited = now - since
        guard waited >= warnAfter, warned.map({ now - $0 >= repeatEvery }) ?? true else { return nil }
        warned = now
        return waited
    }
}
