/// The textbook collection ratios as pure functions of their inputs (credit-model.md, "Collection
/// analytics"). Every ratio with a zero denominator is defined as 0, so an empty book reports zeros.
public enum CollectionRatios {
    /// Months in a period, as the CEI and the countback count them.
    public static let daysPerMonth = 30

    /// DSO = receivables at period end ÷ credit sales in the period × P.
    public static func dso(receivables: DecimalAmount, creditSales: DecimalAmount, periodDays: Int) -> Double {
        guard creditSales.isPositive, receivables.isPositive else { return 0 }
        return Ratio.of(receivables, creditSales) * Double(periodDays)
    }

    /// Countback DSO: walk back through the sales of 30-day months (newest first) until they add up
    /// to the receivables: each month fully covered adds 30 days, the last one its covered share.
    /// A month without sales adds 30 days (the receivables are older). When the receivables exceed
    /// all the months given, the result is every month walked (the history ends there).
    public static func countbackDSO(receivables: DecimalAmount, monthlySalesNewestFirst sales: [DecimalAmount]) -> Double {
        guard receivables.isPositive else { return 0 }
        var remaining = receivables
        var days = 0.0
        for monthSales in sales {
            if monthSales.isPositive && remaining <= monthSales {
                return days + Ratio.of(remaining, monthSales) * Double(daysPerMonth)
            }
            days += Double(daysPerMonth)
            if monthSales.isPositive { remaining -= monthSales }
        }
        return days
    }

    /// Best possible DSO = receivables not yet due ÷ credit sales × P: the DSO if everyone paid on time.
    public static func bestPossibleDSO(notDue: DecimalAmount, creditSales: DecimalAmount, periodDays: Int) -> Double {
        dso(receivables: notDue, creditSales: creditSales, periodDays: periodDays)
    }

    /// ADD (average days delinquent) = DSO − best possible DSO.
    public static func averageDaysDelinquent(dso: Double, bestPossibleDSO: Double) -> Double {
        dso - bestPossibleDSO
    }

    /// CEI in the Credit Research Foundation form, N = P / 30 months:
    /// (start + sales / N − end) ÷ (start + sales / N − not yet due at end) × 100.
    /// Computed exactly by multiplying numerator and denominator by P (sales / N = sales × 30 / P).
    /// 0 when there was nothing collectible (denominator ≤ 0).
    public static func cei(receivablesAtStart start: DecimalAmount, creditSales: DecimalAmount,
                           receivablesAtEnd end: DecimalAmount, notDueAtEnd notDue: DecimalAmount,
                           periodDays: Int) -> Double {
        guard periodDays > 0 else { return 0 }
        let p = DecimalAmount(periodDays)
        let salesShare = creditSales * DecimalAmount(daysPerMonth)
        let numerator = start * p + salesShare - end * p
        let denominator = start * p + salesShare - notDue * p
        guard denominator.isPositive else { return 0 }
        return Ratio.of(numerator, denominator) * 100
    }
}
