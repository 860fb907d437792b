import Synchronization

/// The instruments of one labelled metric, created on first use and then reused.
///
/// Label values can come from the wire (an event `type`, a dead-letter code), so the number of
/// series per family is capped: past `maxSeries`, new label sets are counted under `"_other"`
/// instead of growing the registry (and every scrape) without bound.
final class MetricFamily<Instrument: Sendable>: Sendable {
    static var overflowLabelValue: String { "_other" }

    let name: String
    let labelNames: [String]
    let maxSeries: Int
    private let make: @Sendable (_ name: String, _ dimensions: [(String, String)]) -> Instrument
    private let series: Mutex<[[String]: Instrument]> = Mutex([:])

    init(
        name: String,
        labelNames: [String],
        maxSeries: Int = 500,
        make: @escaping @Sendable (_ name: String, _ dimensions: [(String, String)]) -> Instrument
    ) {
        self.name = name
        self.labelNames = labelNames
        self.maxSeries = maxSeries
        self.make = make
    }

    /// The instrument for these label values, in `labelNames` order.
    func callAsFunction(_ values: String...) -> Instrument {
        precondition(values.count == labelNames.count, "\(name) takes labels \(labelNames)")
        return series.withLock { series in
            var key = values
            if series[key] == nil && series.count >= maxSeries {
                key = Array(repeating: Self.overflowLabelValue, count: labelNames.count)
            }
            if let existing = series[key] {
                return existing
            }
            let instrument = make(name, Array(zip(labelNames, key)))
            series[key] = instrument
            return instrument
        }
    }
}
