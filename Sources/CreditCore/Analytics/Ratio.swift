/// Ratios of money for display: the division is done exactly in decimals, only the result becomes
/// a `Double` (a ratio or a day count is not money).
enum Ratio {
    /// `numerator ÷ denominator`; 0 when the denominator is zero (an empty book has no ratio, and
    /// the report must not show NaN or infinity).
    static func of(_ numerator: DecimalAmount, _ denominator: DecimalAmount) -> Double {
        guard !denominator.isZero else { return 0 }
        if let exact = numerator.divided(by: denominator, roundedToScale: 12) {
            return double(exact)
        }
        return double(numerator) / double(denominator)
    }

    static func double(_ value: DecimalAmount) -> Double {
        var result = Double(value.mantissa)
        var scale = value.scale
        while scale > 0 {
            result /= 10
            scale -= 1
        }
        return result
    }
}

/// Median of a list; the mean of the two middle values for an even count; 0 for an empty list.
enum Median {
    static func of(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        return (sorted[middle - 1] + sorted[middle]) / 2
    }
}
