extension CollectionReport {
    /// The `creditctl report --json` object, field names and order as in operations.md: money as
    /// decimal strings, ratios and day counts as numbers, shares as fractions 0...1, CEI in percent.
    public var json: JSONValue {
        let day = ReportNumber.dayDecimals
        let share = ReportNumber.shareDecimals
        return .object([
            JSONMember("as_of", .string(asOf.text)),
            JSONMember("period_days", .integer(periodDays)),
            JSONMember("currency", .string(currency.code)),
            JSONMember("aging", .object([
                JSONMember("not_due", .string(money(aging.notDue))),
                JSONMember("d1_30", .string(money(aging.days1to30))),
                JSONMember("d31_60", .string(money(aging.days31to60))),
                JSONMember("d61_90", .string(money(aging.days61to90))),
                JSONMember("over_90", .string(money(aging.over90))),
                JSONMember("total", .string(money(aging.total))),
            ])),
            JSONMember("dso", ReportNumber.json(dso, decimals: day)),
            JSONMember("countback_dso", ReportNumber.json(countbackDSO, decimals: day)),
            JSONMember("best_possible_dso", ReportNumber.json(bestPossibleDSO, decimals: day)),
            JSONMember("add", ReportNumber.json(averageDaysDelinquent, decimals: day)),
            JSONMember("cei", ReportNumber.json(cei, decimals: ReportNumber.percentDecimals)),
            JSONMember("paid_invoices", .object([
                JSONMember("count", .integer(paidInvoices.count)),
                JSONMember("late_share", ReportNumber.json(paidInvoices.lateShare, decimals: share)),
                JSONMember("avg_days_late", ReportNumber.json(paidInvoices.averageDaysLate, decimals: day)),
                JSONMember("avg_days_late_weighted", ReportNumber.json(paidInvoices.averageDaysLateWeighted, decimals: day)),
                JSONMember("avg_days_to_pay", ReportNumber.json(paidInvoices.averageDaysToPay, decimals: day)),
            ])),
            JSONMember("holds", .object([
                JSONMember("count", .integer(holds.count)),
                JSONMember("value", .string(money(holds.value))),
                JSONMember("auto_released_share", ReportNumber.json(holds.autoReleasedShare, decimals: share)),
                JSONMember("median_hours_to_release", ReportNumber.json(holds.medianHoursToRelease, decimals: ReportNumber.hourDecimals)),
            ])),
            JSONMember("dunning", .array(dunning.map { row in
                .object([
                    JSONMember("level", .integer(row.level)),
                    JSONMember("notices", .integer(row.notices)),
                    JSONMember("cured_within_30d_share", ReportNumber.json(row.curedShare, decimals: share)),
                ])
            })),
            JSONMember("top_risk", .array(topRisk.map { row in
                .object([
                    JSONMember("customer_id", .string(row.customerId)),
                    JSONMember("overdue", .string(money(row.overdue))),
                    JSONMember("utilization", ReportNumber.json(row.utilization, decimals: share)),
                    JSONMember("risk_class", .optionalString(row.riskClass)),
                ])
            })),
        ])
    }
}
