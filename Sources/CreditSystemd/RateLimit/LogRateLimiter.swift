import Logging

/// Keeps a busy daemon from flooding the journal with routine lines: a token bucket per
/// (label, level) for `trace`, `debug` and `info`; `notice` and above always pass, because a
/// dropped warning is a lost incident. What was dropped is counted and reported as
/// "suppressed N messages" once per `summaryInterval`, so an operator knows lines are missing.
///
/// Pure value with time passed in as a `Duration` on a monotonic timeline, so tests drive it
/// without a real clock. The bucket is kept as a "theoretical arrival time" (GCRA), which is exact
/// with `Duration` arithmetic and needs no refill timer.
public struct LogRateLimiter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Sustained rate: `messages` per `per`.
        public var messages: Int
        public var per: Duration
        /// How many lines may pass at once after a quiet spell.
        public var burst: Int
        /// How often, at most, a "suppressed N messages" summary is produced per (label, level).
        public var summaryInterval: Duration

        public init(messages: Int, per: Duration, burst: Int, summaryInterval: Duration) {
            self.messages = max(1, messages)
            self.per = per > .zero ? per : .seconds(1)
            self.burst = max(1, burst)
            self.summaryInterval = max(.zero, summaryInterval)
        }

        /// 50 lines/s with a burst of 200 per label and level; summaries every 10 s.
        public static let routine = Configuration(
            messages: 50, per: .seconds(1), burst: 200, summaryInterval: .seconds(10)
        )
    }

    /// The lines dropped for one (label, level) since its previous summary.
    public struct Suppression: Sendable, Equatable {
        public let label: String
        public let level: Logger.Level
        public let count: Int

        public init(label: String, level: Logger.Level, count: Int) {
            self.label = label
            self.level = level
            self.count = count
        }

        /// The summary line, e.g. `suppressed 12 info messages from creditd.kafka`.
        public var message: String {
            "suppressed \(count) \(level.rawValue) message\(count == 1 ? "" : "s") from \(label)"
        }

        public var metadata: Logger.Metadata {
            [
                "suppressed_count": "\(count)",
                "suppressed_label": "\(label)",
                "suppressed_level": "\(level.rawValue)",
            ]
        }
    }

    public enum Verdict: Sendable, Equatable {
        case emit
        case drop
    }

    /// The verdict on one line plus any summaries that fell due; summaries are logged first.
    public struct Admission: Sendable, Equatable {
        public let verdict: Verdict
        public let summaries: [Suppression]

        public init(verdict: Verdict, summaries: [Suppression]) {
            self.verdict = verdict
            self.summaries = summaries
        }
    }

    private struct Key: Hashable {
        let label: String
        let level: Logger.Level
    }

    private struct Bucket {
        var theoreticalArrival: Duration
        var suppressed = 0
        var suppressedSince: Duration?
    }

    public let configuration: Configuration
    private let emissionInterval: Duration
    private let burstWindow: Duration
    private var buckets: [Key: Bucket] = [:]
    private var nextSummaryDue: Duration?

    public init(configuration: Configuration = .routine) {
        self.configuration = configuration
        self.emissionInterval = configuration.per / configuration.messages
        self.burstWindow = emissionInterval * configuration.burst
    }

    /// Whether lines of this level are subject to limiting at all.
    public static func isLimited(_ level: Logger.Level) -> Bool {
        level < .notice
    }

    /// The number of lines currently counted as suppressed and not yet summarised.
    public var pendingSuppressed: Int {
        buckets.values.reduce(0) { $0 + $1.suppressed }
    }

    public mutating func admit(label: String, level: Logger.Level, at now: Duration) -> Admission {
        let summaries = dueSummaries(at: now)
        guard Self.isLimited(level) else { return Admission(verdict: .emit, summaries: summaries) }

        let key = Key(label: label, level: level)
        var bucket = buckets[key] ?? Bucket(theoreticalArrival: now)
        let arrival = max(bucket.theoreticalArrival, now)
        let verdict: Verdict
        if arrival + emissionInterval - now <= burstWindow {
            bucket.theoreticalArrival = arrival + emissionInterval
            verdict = .emit
        } else {
            bucket.suppressed += 1
            if bucket.suppressedSince == nil {
                bucket.suppressedSince = now
                let due = now + configuration.summaryInterval
                nextSummaryDue = min(nextSummaryDue ?? due, due)
            }
            verdict = .drop
        }
        buckets[key] = bucket
        if buckets.count > 1_024 { forgetIdleBuckets(at: now) }
        return Admission(verdict: verdict, summaries: summaries)
    }

    /// Every pending suppression, due or not (for shutdown, or a test that wants them now).
    public mutating func flush() -> [Suppression] {
        collectSummaries { _ in true }
    }

    private mutating func dueSummaries(at now: Duration) -> [Suppression] {
        guard let due = nextSummaryDue, due <= now else { return [] }
        let interval = configuration.summaryInterval
        return collectSummaries { since in since + interval <= now }
    }

    private mutating func collectSummaries(where isDue: (Duration) -> Bool) -> [Suppression] {
        var summaries: [Suppression] = []
        var nextDue: Duration?
        for (key, var bucket) in buckets {
            guard let since = bucket.suppressedSince else { continue }
            if isDue(since) {
                summaries.append(Suppression(label: key.label, level: key.level, count: bucket.suppressed))
                bucket.suppressed = 0
                bucket.suppressedSince = nil
                buckets[key] = bucket
            } else {
                let due = since + configuration.summaryInterval
                nextDue = min(nextDue ?? due, due)
            }
        }
        nextSummaryDue = nextDue
        return summaries.sorted { ($0.label, $0.level) < ($1.label, $1.level) }
    }

    /// A bucket that is full again and owes no summary is the same as no bucket.
    private mutating func forgetIdleBuckets(at now: Duration) {
        buckets = buckets.filter { _, bucket in bucket.theoreticalArrival > now || bucket.suppressedSince != nil }
    }
}
