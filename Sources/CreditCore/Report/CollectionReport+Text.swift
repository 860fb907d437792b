/// The report as plain text tables for a terminal (`creditctl report`), aligned in columns:
/// numbers right-aligned, text left-aligned. Control characters in customer data are replaced so
/// a hostile name cannot move the cursor or clear the screen.
extension CollectionReport {
    public func textTable(trend: [CollectionTrendPoint] = []) -> String {
        let trend = trend.fromFirstActivity
        let day = ReportNumber.dayDecimals
        var out = "Collection report as of \(asOf.text), period \(periodDays) days, \(currency.code)"
        if let customerId { out += ", customer \(PlainText.clean(customerId))" }
        out += "\n\n"
        out += TextTable.render(title: "Aging", header: ["Bucket", "Amount"], rightAligned: [1],
            rows: zip(AgingBuckets.labels, aging.amounts).map { [$0.0, displayMoney($0.1)] } + [["Total", displayMoney(aging.total)]])
        out += TextTable.render(title: "Ratios", header: ["Figure", "Value"], rightAligned: [1], rows: [
            ["DSO (days)", ReportNumber.fixed(dso, decimals: day)],
            ["Countback DSO (days)", ReportNumber.fixed(countbackDSO, decimals: day)],
            ["Best possible DSO (days)", ReportNumber.fixed(bestPossibleDSO, decimals: day)],
            ["ADD (days)", ReportNumber.fixed(averageDaysDelinquent, decimals: day)],
            ["CEI (%)", ReportNumber.fixed(cei, decimals: ReportNumber.percentDecimals)],
        ])
        out += TextTable.render(title: "Invoices paid in the period", header: ["Figure", "Value"], rightAligned: [1], rows: [
            ["Paid invoices", String(paidInvoices.count)],
            ["Paid late", TextTable.percent(paidInvoices.lateShare)],
            ["Average days late", ReportNumber.fixed(paidInvoices.averageDaysLate, decimals: day)],
            ["Average days late (amount-weighted)", ReportNumber.fixed(paidInvoices.averageDaysLateWeighted, decimals: day)],
            ["Average days to pay", ReportNumber.fixed(paidInvoices.averageDaysToPay, decimals: day)],
        ])
        out += TextTable.render(title: "Credit holds placed in the period", header: ["Figure", "Value"], rightAligned: [1], rows: [
            ["Holds", String(holds.count)],
            ["Value held", displayMoney(holds.value)],
            ["Released automatically", String(holds.autoReleased)],
            ["Released by an operator", String(holds.operatorReleased)],
            ["Cancelled or shipped", String(holds.endedUnreleased)],
            ["Still held", String(holds.stillHeld)],
            ["Share released automatically", TextTable.percent(holds.autoReleasedShare)],
            ["Median hours to release", ReportNumber.fixed(holds.medianHoursToRelease, decimals: ReportNumber.hourDecimals)],
        ])
        out += TextTable.render(title: "Dunning notices in the period", header: ["Level", "Notices", "Cured within 30 days", "Share"],
            rightAligned: [0, 1, 2, 3],
            rows: dunning.map { [String($0.level), String($0.notices), String($0.cured), TextTable.percent($0.curedShare)] })
        out += TextTable.render(title: "Top risk", header: ["Customer", "Name", "Overdue", "Utilization", "Class"], rightAligned: [2, 3],
            rows: topRisk.map { [PlainText.clean($0.customerId), PlainText.clean($0.name ?? ""), displayMoney($0.overdue),
                                 $0.hasNoLimit ? "no limit" : TextTable.percent($0.utilization), PlainText.clean($0.riskClass ?? "-")] })
        if !trend.isEmpty {
            out += TextTable.render(title: "Month-end trend", header: ["Date", "Receivables", "DSO", "Best DSO", "ADD", "CEI %"],
                rightAligned: [1, 2, 3, 4, 5],
                rows: trend.map { [$0.date.text, displayMoney($0.receivables), ReportNumber.fixed($0.dso, decimals: day),
                                   ReportNumber.fixed($0.bestPossibleDSO, decimals: day),
                                   ReportNumber.fixed($0.averageDaysDelinquent, decimals: day),
                                   ReportNumber.fixed($0.cei, decimals: ReportNumber.percentDecimals)] })
        }
        return out
    }
}

enum TextTable {
    static func render(title: String, header: [String], rightAligned: Set<Int>, rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = Swift.max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(rightAligned.contains(index) ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var out = title + "\n"
        out += line(header)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        if rows.isEmpty { out += "(none)\n" }
        for row in rows { out += line(row) }
        return out + "\n"
    }

    /// A fraction as a percentage with one decimal: 0.6667 → "66.7 %".
    static func percent(_ fraction: Double) -> String {
        ReportNumber.fixed(fraction * 100, decimals: 1) + " %"
    }
}
