import CreditKafka
import Testing

/// A line repeated with every reconnect attempt: the first passes, then one per interval with the
/// count held back; another line is judged on its own; the lines tracked stay bounded.
@Suite struct RepeatedLineFilterTests {
    @Test func theFirstPassesThenOnePerIntervalWithTheCount() {
        var filter = RepeatedLineFilter(interval: .seconds(30), capacity: 2)
        let start = ContinuousClock.now
        #expect(filter.admit("Connect failed", at: start) == 0)
        for second in 1..<30 { #expect(filter.admit("Connect failed", at: start + .seconds(second)) == nil) }
        #expect(filter.admit("another", at: start + .seconds(5)) == 0, "another line is judged on its own")
        #expect(filter.admit("Connect failed", at: start + .seconds(30)) == 29, "29 held back since the first")
        #expect(filter.admit("Connect failed", at: start + .seconds(31)) == nil)
        // A third line evicts the oldest tracked one ("another"), which then passes again at once.
        #expect(filter.admit("third", at: start + .seconds(32)) == 0)
        #expect(filter.admit("another", at: start + .seconds(33)) == 0)
    }
}
