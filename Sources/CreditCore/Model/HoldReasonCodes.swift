/// A set of hold reason codes in one byte, so that re-checking a held order allocates nothing.
public struct HoldReasonCodes: Sendable, Equatable {
    private var bits: UInt8 = 0

    public init() {}

    /// The codes of `reasons` when they are a list the credit check reports (each code once, in
    /// report order), nil otherwise: then `HoldReasonCodes(exactly: reasons) == codes` exactly
    /// when `codes.matches(reasons)`, and a held order's codes can be kept beside it as one byte.
    public init?(exactly reasons: [HoldReason]) {
        for reason in reasons { insert(reason.code) }
        guard matches(reasons) else { return nil }
    }

    public var isEmpty: Bool { bits == 0 }

    public mutating func insert(_ code: HoldReasonCode) { bits |= Self.bit(code) }

    public func contains(_ code: HoldReasonCode) -> Bool { bits & Self.bit(code) != 0 }

    /// True when `reasons` has exactly these codes in the order the credit check reports them
    /// (the order of `HoldReasonCode`), i.e. equals what `CreditCheck.evaluate` returns, messages aside.
    public func matches(_ reasons: [HoldReason]) -> Bool {
        var seen: UInt8 = 0
        for reason in reasons {
            let bit = Self.bit(reason.code)
            // Each code once, each after the previous one, and one of this set.
            guard bits & bit != 0, bit > seen else { return false }
            seen = bit
        }
        return reasons.count == bits.nonzeroBitCount
    }

    /// One bit per code, in the report order of `HoldReasonCode` (a switch: `allCases` would allocate).
    private static func bit(_ code: HoldReasonCode) -> UInt8 {
        switch code {
        case .customerBlocked: 1 << 0
        case .noCreditLimit: 1 << 1
        case .overLimit: 1 << 2
        case .pastDue: 1 << 3
        case .highRisk: 1 << 4
        case .maxOrderValue: 1 << 5
        case .reviewOverdue: 1 << 6
        }
    }
}
