import CreditSystemd
import Logging
import Testing

@Suite struct LogRateLimiterTests {
    /// 50/s (one every 20 ms), burst 200, summaries every 10 s.
    let configuration = LogRateLimiter.Configuration.routine

    @Test func theBurstPassesThenRoutineLinesAreDropped() {
        var limiter = LogRateLimiter(configuration: configuration)
        let verdicts = (0..<250).map { _ in limiter.admit(label: "creditd.kafka", level: .info, at: .zero).verdict }
        #expect(verdicts.filter { $0 == .emit }.count == 200)
        #expect(verdicts.prefix(200).allSatisfy { $0 == .emit })
        #expect(limiter.pendingSuppressed == 50)
    }

    @Test func theBucketRefillsAtTheConfiguredRate() {
        var limiter = LogRateLimiter(configuration: configuration)
        for _ in 0..<200 { _ = limiter.admit(label: "l", level: .info, at: .zero) }
        #expect(limiter.admit(label: "l", level: .info, at: .milliseconds(19)).verdict == .drop)
        #expect(limiter.admit(label: "l", level: .info, at: .milliseconds(20)).verdict == .emit)
        #expect(limiter.admit(label: "l", level: .info, at: .milliseconds(20)).verdict == .drop)
        #expect(limiter.admit(label: "l", level: .info, at: .milliseconds(40)).verdict == .emit)
    }

    @Test func aSustainedFloodGetsTheBurstPlusTheRate() {
        var limiter = LogRateLimiter(configuration: configuration)
        var emitted = 0
        // 1 000 lines/s for 10 s.
        for millisecond in 0..<10_000 {
            if limiter.admit(label: "l", level: .debug, at: .milliseconds(millisecond)).verdict == .emit {
                emitted += 1
            }
        }
        // 200 at once, then one per 20 ms for the remaining 9.999 s.
        #expect(emitted == 200 + 499)
    }

    @Test func noticeAndAboveAreNeverDropped() {
        var limiter = LogRateLimiter(configuration: LogRateLimiter.Configuration(
            messages: 1, per: .seconds(60), burst: 1, summaryInterval: .seconds(10)
        ))
        for level in [Logger.Level.notice, .warning, .error, .critical] {
            for _ in 0..<1_000 {
                #expect(limiter.admit(label: "l", level: level, at: .zero).verdict == .emit)
            }
        }
        #expect(limiter.admit(label: "l", level: .info, at: .zero).verdict == .emit)
        #expect(limiter.admit(label: "l", level: .info, at: .zero).verdict == .drop)
        #expect(limiter.admit(label: "l", level: .trace, at: .zero).verdict == .emit)
        #expect(limiter.admit(label: "l", level: .trace, at: .zero).verdict == .drop)
        #expect(!LogRateLimiter.isLimited(.notice))
        #expect(LogRateLimiter.isLimited(.info))
    }

    @Test func eachLabelAndLevelHasItsOwnBudget() {
        var limiter = LogRateLimiter(configuration: LogRateLimiter.Configuration(
            messages: 1, per: .seconds(60), burst: 2, summaryInterval: .seconds(10)
        ))
        for _ in 0..<2 { _ = limiter.admit(label: "creditd.kafka", level: .info, at: .zero) }
        #expect(limiter.admit(label: "creditd.kafka", level: .info, at: .zero).verdict == .drop)
        #expect(limiter.admit(label: "creditd.kafka", level: .debug, at: .zero).verdict == .emit)
        #expect(limiter.admit(label: "creditd.http", level: .info, at: .zero).verdict == .emit)
    }

    @Test func suppressedLinesAreSummarisedOncePerInterval() {
        var limiter = LogRateLimiter(configuration: LogRateLimiter.Configuration(
            messages: 1, per: .seconds(60), burst: 1, summaryInterval: .seconds(10)
        ))
        #expect(limiter.admit(label: "k", level: .info, at: .zero).verdict == .emit)
        for second in 1...4 {
            let admission = limiter.admit(label: "k", level: .info, at: .seconds(Int64(second)))
            #expect(admission == .init(verdict: .drop, summaries: []))
        }
        // Before the interval since the first drop (at 1 s) has passed: nothing yet.
        #expect(limiter.admit(label: "other", level: .warning, at: .seconds(10)).summaries.isEmpty)
        // Due at 11 s; any line (here a warning from another label) carries the summary out.
        let due = limiter.admit(label: "other", level: .warning, at: .seconds(11))
        #expect(due.verdict == .emit)
        #expect(due.summaries == [.init(label: "k", level: .info, count: 4)])
        #expect(due.summaries.first?.message == "suppressed 4 info messages from k")
        #expect(limiter.pendingSuppressed == 0)
        #expect(limiter.admit(label: "other", level: .warning, at: .seconds(30)).summaries.isEmpty)
    }

    @Test func flushReturnsWhatIsPendingSortedAndClearsIt() {
        var limiter = LogRateLimiter(configuration: LogRateLimiter.Configuration(
            messages: 1, per: .seconds(60), burst: 1, summaryInterval: .seconds(3_600)
        ))
        for label in ["b", "a"] {
            for _ in 0..<3 { _ = limiter.admit(label: label, level: .debug, at: .zero) }
        }
        #expect(limiter.flush() == [
            .init(label: "a", level: .debug, count: 2), .init(label: "b", level: .debug, count: 2),
        ])
        #expect(limiter.flush().isEmpty)
    }

    @Test func aSingleSuppressedLineReadsNaturally() {
        #expect(LogRateLimiter.Suppression(label: "x", level: .debug, count: 1).message == "suppressed 1 debug message from x")
    }
}
