import Testing
@testable import CreditCore

/// The collection ratios against hand-worked examples (credit-model.md, "Collection analytics").
@Suite("Collection ratios")
struct CollectionRatioTests {
    @Test func dsoIsReceivablesOverSalesTimesPeriod() {
        // 150,000 / 270,000 × 90 = 50.0 days.
        let dso = CollectionRatios.dso(receivables: DecimalAmount("150000.00"), creditSales: DecimalAmount("270000.00"), periodDays: 90)
        #expect(abs(dso - 50.0) < 1e-9)
    }

    @Test func countbackDSOMatchesTheSpecExample() {
        // Receivables 212,000; monthly sales newest first 100,000 / 80,000 / 70,000:
        // 30 + 30 + 32/70 × 30 = 73.714… → 73.7.
        let days = CollectionRatios.countbackDSO(receivables: DecimalAmount("212000.00"),
            monthlySalesNewestFirst: [DecimalAmount("100000.00"), DecimalAmount("80000.00"), DecimalAmount("70000.00")])
        #expect(abs(days - (60 + 32.0 / 70 * 30)) < 1e-9)
        #expect(ReportNumber.fixed(days, decimals: 1) == "73.7")
    }

    @Test(arguments: [
        // (receivables, monthly sales newest first, expected days)
        ("50000", ["100000"], 15.0),                      // inside the newest month: 50/100 × 30
        ("100000", ["100000", "80000"], 30.0),            // exactly the newest month
        ("150000", ["100000", "0", "100000"], 75.0),      // a month without sales adds 30 days
        ("300000", ["100000", "80000"], 60.0),            // more than all history: every month walked
        ("0", ["100000"], 0.0),                           // nothing open
        ("100", [], 0.0),                                 // no history at all
    ])
    func countbackDSOEdges(receivables: String, sales: [String], expected: Double) throws {
        let days = CollectionRatios.countbackDSO(receivables: try DecimalAmount.parse(receivables).get(),
                                                 monthlySalesNewestFirst: try sales.map { try DecimalAmount.parse($0).get() })
        #expect(abs(days - expected) < 1e-9)
    }

    @Test func bestPossibleDSOAndADD() {
        // Not yet due 60,000 / sales 270,000 × 90 = 20.0; ADD = 50.0 − 20.0 = 30.0.
        let best = CollectionRatios.bestPossibleDSO(notDue: DecimalAmount("60000.00"), creditSales: DecimalAmount("270000.00"), periodDays: 90)
        #expect(abs(best - 20.0) < 1e-9)
        #expect(abs(CollectionRatios.averageDaysDelinquent(dso: 50, bestPossibleDSO: best) - 30.0) < 1e-9)
    }

    /// CEI in the Credit Research Foundation's monthly form, worked by hand:
    /// beginning receivables 100,000; credit sales of the month 60,000; ending receivables 90,000,
    /// of which 50,000 not yet due. N = 30 / 30 = 1.
    ///   collected   = 100,000 + 60,000 / 1 − 90,000 = 70,000
    ///   collectible = 100,000 + 60,000 / 1 − 50,000 = 110,000
    ///   CEI = 70,000 / 110,000 × 100 = 63.636… % → 63.6
    /// The quarterly form (P = 90, N = 3) with three months of 60,000 (180,000) gives the same.
    @Test func ceiCreditResearchFoundationForm() {
        let monthly = CollectionRatios.cei(receivablesAtStart: DecimalAmount("100000.00"), creditSales: DecimalAmount("60000.00"),
                                           receivablesAtEnd: DecimalAmount("90000.00"), notDueAtEnd: DecimalAmount("50000.00"), periodDays: 30)
        #expect(abs(monthly - 7_000_000.0 / 110_000) < 1e-9)
        #expect(ReportNumber.fixed(monthly, decimals: 1) == "63.6")
        let quarterly = CollectionRatios.cei(receivablesAtStart: DecimalAmount("100000.00"), creditSales: DecimalAmount("180000.00"),
                                             receivablesAtEnd: DecimalAmount("90000.00"), notDueAtEnd: DecimalAmount("50000.00"), periodDays: 90)
        #expect(abs(quarterly - monthly) < 1e-9)
        // Everything collected: end receivables equal the not-yet-due part → 100 %.
        let perfect = CollectionRatios.cei(receivablesAtStart: DecimalAmount("1000"), creditSales: DecimalAmount("500"),
                                           receivablesAtEnd: DecimalAmount("200"), notDueAtEnd: DecimalAmount("200"), periodDays: 30)
        #expect(abs(perfect - 100) < 1e-9)
    }

    @Test func emptyInputsGiveZeroNotNaN() {
        #expect(CollectionRatios.dso(receivables: .zero, creditSales: .zero, periodDays: 90) == 0)
        #expect(CollectionRatios.dso(receivables: DecimalAmount("10"), creditSales: .zero, periodDays: 90) == 0)
        #expect(CollectionRatios.bestPossibleDSO(notDue: .zero, creditSales: .zero, periodDays: 90) == 0)
        #expect(CollectionRatios.cei(receivablesAtStart: .zero, creditSales: .zero, receivablesAtEnd: .zero, notDueAtEnd: .zero, periodDays: 90) == 0)
        #expect(CollectionRatios.cei(receivablesAtStart: DecimalAmount("5"), creditSales: .zero, receivablesAtEnd: .zero, notDueAtEnd: .zero, periodDays: 0) == 0)
        #expect(Median.of([]) == 0)
    }

    @Test(arguments: [
        ([5.0], 5.0),
        ([1.0, 3.0], 2.0),                // even count: mean of the two middle values
        ([10.0, 2.0, 6.0, 24.0], 8.0),    // unsorted, even
        ([3.0, 1.0, 2.0], 2.0),
    ])
    func median(values: [Double], expected: Double) {
        #expect(Median.of(values) == expected)
    }

    @Test func reportNumbersRoundAsDocumented() {
        #expect(ReportNumber.json(73.714, decimals: 1) == .number("73.7"))
        #expect(ReportNumber.json(0, decimals: 1) == .number("0.0"))
        #expect(ReportNumber.json(2.0 / 3, decimals: 4) == .number("0.6667"))
        #expect(ReportNumber.json(0.25, decimals: 4) == .number("0.25"))
        #expect(ReportNumber.json(-3.25, decimals: 1) == .number("-3.3"))
        #expect(ReportNumber.json(Double.nan, decimals: 1) == .number("0.0"))
        #expect(ReportNumber.fixed(12, decimals: 1) == "12.0")
    }
}
