/// A partition's oldest retained offset and the offset the next record will get; with the
/// application's stored offset this gives consumer lag (`high - stored`).
public struct KafkaWatermarks: Sendable, Hashable, CustomStringConvertible {
    public var low: Int64
    public var high: Int64

    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }

    /// Records not yet consumed by someone whose next offset is `nextOffset`.
    public func lag(nextOffset: Int64) -> Int64 { max(0, high - max(nextOffset, low)) }

    public var description: String { "[\(low), \(high))" }
}
