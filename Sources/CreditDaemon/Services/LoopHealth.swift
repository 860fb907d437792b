/// What the supervisor tells the watchdog on each tick, from what the processing loop and
/// librdkafka's poll thread last showed. A state machine that returns a verdict instead of
/// pinging, so the rule is tested without a clock or a socket.
///
/// The loop vouches for itself with progress (a batch done) or by waiting for messages. Waiting is
/// healthy only while the poll thread behind it still turns: a poll thread wedged inside
/// librdkafka leaves the loop waiting forever, and that too must stop the pings.
struct LoopHealth {
    enum Verdict: Equatable {
        case progressMade
        case idleHealthy
        /// Report once per stall; `pollThread` says which side went quiet.
        case stalled(pollThread: Bool)
        /// Still stalled, already reported: no ping.
        case none
    }

    private var lastSeenProgress: ContinuousClock.Instant
    private var stallReported = false

    init(start: ContinuousClock.Instant) {
        lastSeenProgress = start
    }

    /// `lastPoll` is when the poll thread last came back from a poll (nil: not watched). A loop
    /// that just went idle gives the poll thread an interval from then to show itself, since it
    /// may have been waiting for the loop to take the batches it had fetched.
    mutating func check(now: ContinuousClock.Instant, progressAt: ContinuousClock.Instant, idle: Bool,
                        lastPoll: ContinuousClock.Instant?, interval: Duration) -> Verdict {
        if progressAt > lastSeenProgress {
            lastSeenProgress = progressAt
            stallReported = false
            return .progressMade
        }
        let pollerQuiet = lastPoll.map { now - max($0, progressAt) > interval } ?? false
        if idle && !pollerQuiet {
            stallReported = false
            return .idleHealthy
        }
        guard idle || now - progressAt > interval else { return .none }
        guard !stallReported else { return .none }
        stallReported = true
        return .stalled(pollThread: idle)
    }
}
