@testable import CreditCore
import Testing

@Suite("Hold reason codes without allocation (re-check pass)")
struct HoldReasonCodesTests {
    static let today = LocalDate(year: 2026, month: 11, day: 29)!

    /// Customer situations that fail no check, one check, or several at once.
    static let situations: [(name: String, limit: String?, blocked: Bool, riskClass: String?, reviewDaysAgo: Int?, overdueDays: Int?, orderTotal: String)] = [
        ("passes", "10000.00", false, nil, nil, nil, "100.00"),
        ("over limit", "10000.00", false, nil, nil, nil, "20000.00"),
        ("no limit", nil, false, nil, nil, nil, "100.00"),
        ("blocked and over limit", "10.00", true, nil, nil, nil, "100.00"),
        ("past due", "10000.00", false, nil, nil, 60, "100.00"),
        ("high risk, max order value", "100000.00", false, "E", nil, nil, "60000.00"),
        ("review overdue", "10000.00", false, nil, 3, nil, "100.00"),
        ("every check", nil, true, "E", 3, 60, "60000.00"),
    ]

    static func policy() -> Policy {
        var policy = Policy(version: "t", currency: Currency(code: "EUR")!)
        policy.creditCheck = CreditCheckPolicy(maxDaysPastDue: 30, maxOrderValue: ["E": DecimalAmount("50000.00"), "default": DecimalAmount("90000.00")],
                                               holdRiskClasses: ["E"])
        return policy
    }

    @Test(arguments: situations.indices)
    func failingCodesAreTheCodesOfTheFullCheck(index: Int) {
        let s = Self.situations[index]
        var state = CustomerState(customerId: "C-1")
        state.permanentLimit = s.limit.map { DecimalAmount(stringLiteralFree: $0) }
        state.blockedByDunning = s.blocked
        state.riskClass = s.riskClass
        state.reviewDate = s.reviewDaysAgo.map { Self.today.adding(days: -$0) }
        let overdue = (oldestDaysPastDue: s.overdueDays ?? 0, total: DecimalAmount(s.overdueDays == nil ? 0 : 500), count: s.overdueDays == nil ? 0 : 1)
        let total = DecimalAmount(stringLiteralFree: s.orderTotal)
        let reasons = CreditCheck.evaluate(orderId: "O-1", orderTotal: total, openAmount: total, state: state, policy: Self.policy(),
                                           today: Self.today, exposureWithoutOrder: .zero, overdue: overdue)
        let codes = CreditCheck.failingCodes(orderId: "O-1", orderTotal: total, openAmount: total, state: state, policy: Self.policy(),
                                             today: Self.today, exposureWithoutOrder: .zero, overdue: overdue)
        #expect(codes.isEmpty == reasons.isEmpty, "\(s.name)")
        #expect(codes.matches(reasons), "\(s.name)")
        for code in HoldReasonCode.allCases {
            #expect(codes.contains(code) == reasons.contains { $0.code == code }, "\(s.name): \(code)")
        }
        if index == Self.situations.count - 1 { #expect(reasons.count == 6) }  // every code but OVER_LIMIT (no limit) at once
    }

    @Test(arguments: [
        ([HoldReasonCode](), [HoldReasonCode](), true),
        ([.overLimit], [.overLimit], true),
        ([.customerBlocked, .overLimit, .pastDue], [.customerBlocked, .overLimit, .pastDue], true),
        ([.overLimit], [], false),
        ([], [.overLimit], false),
        ([.overLimit, .pastDue], [.overLimit], false),
        ([.overLimit], [.overLimit, .pastDue], false),
        ([.overLimit, .pastDue], [.pastDue, .overLimit], false),  // another order is another list
        ([.overLimit], [.overLimit, .overLimit], false),
        ([.overLimit], [.noCreditLimit], false),
    ])
    func matchesIsEqualityOfTheCodeLists(set: [HoldReasonCode], stored: [HoldReasonCode], expected: Bool) {
        var codes = HoldReasonCodes()
        for code in set { codes.insert(code) }
        let reasons = stored.map { HoldReason(code: $0, message: "") }
        #expect(codes.matches(reasons) == expected)
        // The byte the open-order book keeps beside a held order says the same.
        #expect((HoldReasonCodes(exactly: reasons) == codes) == expected)
    }
}
