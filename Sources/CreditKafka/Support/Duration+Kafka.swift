extension Duration {
    /// librdkafka takes `int` milliseconds: rounded up so a tiny timeout never becomes "no wait",
    /// clamped so a huge one never wraps into "infinite" (-1).
    var kafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let whole = seconds.multipliedReportingOverflow(by: 1000)
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        guard !whole.overflow, whole.partialValue < Int64(Int32.max) - fraction else { return Int32.max }
        return Int32(whole.partialValue + fraction)
    }

    /// For property values (`session.timeout.ms` and friends), same rounding as above.
    var kafkaMillisecondsString: String { String(kafkaMilliseconds) }

    /// "5 s", "250 ms": how timeouts read in error messages.
    var kafkaDescription: String {
        let ms = kafkaMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
