/// An exact decimal number: `mantissa × 10^-scale`.
///
/// Money must never pass through binary floating point, so amounts, rates and percentages are all
/// kept as an integer mantissa with a decimal scale. `Int128` leaves room for 18 integer digits times
/// an FX rate with many decimals without overflow.
public struct DecimalAmount: Sendable {
    /// The integer digits of the number, sign included.
    public let mantissa: Int128
    /// How many of the mantissa's digits are decimals.
    public let scale: Int

    /// The largest scale the type accepts; keeps every product of two values inside `Int128`.
    public static let maxScale = 18
    /// The most integer digits a parsed value may have (the event contract's limit).
    public static let maxIntegerDigits = 18

    public static let zero = DecimalAmount(mantissa: 0, scale: 0)

    public init(mantissa: Int128, scale: Int) {
        precondition(scale >= 0 && scale <= 36, "scale out of range")
        self.mantissa = mantissa
        self.scale = scale
    }

    /// A whole number, e.g. a percentage threshold or a count.
    public init(_ integer: Int) {
        self.init(mantissa: Int128(integer), scale: 0)
    }

    public var isZero: Bool { mantissa == 0 }
    public var isNegative: Bool { mantissa < 0 }
    public var isPositive: Bool { mantissa > 0 }

    /// This value expressed with exactly `newScale` decimals, rounding half-even when decimals drop.
    public func rounded(toScale newScale: Int) -> DecimalAmount {
        if newScale == scale { return self }
        if newScale > scale {
            return DecimalAmount(mantissa: mantissa * DecimalAmount.powerOfTen(newScale - scale), scale: newScale)
        }
        let divisor = DecimalAmount.powerOfTen(scale - newScale)
        return DecimalAmount(mantissa: DecimalAmount.divideHalfEven(mantissa, by: divisor), scale: newScale)
    }

    /// `self × rate`, rounded half-even to `scale` decimals; nil when the product does not fit.
    public func multiplied(by rate: DecimalAmount, roundedToScale resultScale: Int) -> DecimalAmount? {
        let (product, overflow) = mantissa.multipliedReportingOverflow(by: rate.mantissa)
        if overflow { return nil }
        let productScale = scale + rate.scale
        if productScale >= resultScale {
            let divisor = DecimalAmount.powerOfTen(productScale - resultScale)
            return DecimalAmount(mantissa: DecimalAmount.divideHalfEven(product, by: divisor), scale: resultScale)
        }
        let (widened, overflow2) = product.multipliedReportingOverflow(by: DecimalAmount.powerOfTen(resultScale - productScale))
        if overflow2 { return nil }
        return DecimalAmount(mantissa: widened, scale: resultScale)
    }

    /// The value with trailing decimal zeros removed, so that equal values hash alike.
    public var normalized: DecimalAmount {
        var m = mantissa
        var s = scale
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        return DecimalAmount(mantissa: m, scale: s)
    }

    /// Integer division with ties going to the even neighbour (banker's rounding), as the policy
    /// requires for currency conversion: it does not drift upwards over many conversions.
    static func divideHalfEven(_ value: Int128, by divisor: Int128) -> Int128 {
        let quotient = value / divisor
        let remainder = value % divisor
        if remainder == 0 { return quotient }
        let twice = remainder.magnitude * 2
        let direction: Int128 = value < 0 ? -1 : 1
        if twice > divisor.magnitude { return quotient + direction }
        if twice < divisor.magnitude { return quotient }
        return quotient % 2 == 0 ? quotient : quotient + direction
    }

    static func powerOfTen(_ exponent: Int) -> Int128 {
        precondition(exponent >= 0 && exponent <= 38)
        return powersOfTen[exponent]
    }

    private static let powersOfTen: [Int128] = {
        var table: [Int128] = [1]
        for _ in 1...38 { table.append(table[table.count - 1] * 10) }
        return table
    }()

    /// Both mantissas brought to the larger of the two scales.
    static func aligned(_ a: DecimalAmount, _ b: DecimalAmount) -> (Int128, Int128, Int) {
        if a.scale == b.scale { return (a.mantissa, b.mantissa, a.scale) }
        if a.scale > b.scale {
            return (a.mantissa, b.mantissa * powerOfTen(a.scale - b.scale), a.scale)
        }
        return (a.mantissa * powerOfTen(b.scale - a.scale), b.mantissa, b.scale)
    }
}

extension DecimalAmount: Equatable, Hashable, Comparable {
    public static func == (lhs: DecimalAmount, rhs: DecimalAmount) -> Bool {
        let (a, b, _) = aligned(lhs, rhs)
        return a == b
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.mantissa)
        hasher.combine(n.scale)
    }

    public static func < (lhs: DecimalAmount, rhs: DecimalAmount) -> Bool {
        let (a, b, _) = aligned(lhs, rhs)
        return a < b
    }
}

extension DecimalAmount {
    public static func + (lhs: DecimalAmount, rhs: DecimalAmount) -> DecimalAmount {
        let (a, b, s) = aligned(lhs, rhs)
        return DecimalAmount(mantissa: a + b, scale: s)
    }

    public static func - (lhs: DecimalAmount, rhs: DecimalAmount) -> DecimalAmount {
        let (a, b, s) = aligned(lhs, rhs)
        return DecimalAmount(mantissa: a - b, scale: s)
    }

    public static prefix func - (value: DecimalAmount) -> DecimalAmount {
        DecimalAmount(mantissa: -value.mantissa, scale: value.scale)
    }

    public static func += (lhs: inout DecimalAmount, rhs: DecimalAmount) { lhs = lhs + rhs }
    public static func -= (lhs: inout DecimalAmount, rhs: DecimalAmount) { lhs = lhs - rhs }

    /// `a × b` exactly (scales add); used for comparisons such as `exposure × 100 ≥ threshold × limit`.
    public static func * (lhs: DecimalAmount, rhs: DecimalAmount) -> DecimalAmount {
        DecimalAmount(mantissa: lhs.mantissa * rhs.mantissa, scale: lhs.scale + rhs.scale)
    }
}

extension DecimalAmount {
    /// `self ÷ divisor` rounded half-even to `resultScale` decimals; nil when dividing by zero.
    /// Used for ratios shown to people (utilization in %), never to move money.
    public func divided(by divisor: DecimalAmount, roundedToScale resultScale: Int) -> DecimalAmount? {
        guard !divisor.isZero else { return nil }
        // self / divisor = (m1 / 10^s1) / (m2 / 10^s2) = m1 × 10^(s2 - s1) / m2
        let shift = resultScale + divisor.scale - scale
        var numerator = mantissa
        var denominator = divisor.mantissa
        if shift >= 0 {
            let (widened, overflow) = numerator.multipliedReportingOverflow(by: DecimalAmount.powerOfTen(shift))
            if overflow { return nil }
            numerator = widened
        } else {
            let (widened, overflow) = denominator.multipliedReportingOverflow(by: DecimalAmount.powerOfTen(-shift))
            if overflow { return nil }
            denominator = widened
        }
        if denominator < 0 {
            numerator = -numerator
            denominator = -denominator
        }
        return DecimalAmount(mantissa: DecimalAmount.divideHalfEven(numerator, by: denominator), scale: resultScale)
    }

    public static func max(_ a: DecimalAmount, _ b: DecimalAmount) -> DecimalAmount { a < b ? b : a }
    public static func min(_ a: DecimalAmount, _ b: DecimalAmount) -> DecimalAmount { a < b ? a : b }
}
