/// CSV for spreadsheets: one section per table, each section a `# section: NAME` line, a header
/// row and its rows, sections separated by an empty line. Sections, in order: `summary`, `aging`,
/// `paid_invoices`, `holds`, `dunning`, `top_risk`, and `trend` when a trend is given. Column names
/// follow the JSON field names; money is a plain decimal, ratios are rounded as in the JSON.
/// Fields are quoted per RFC 4180; text that a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`.
extension CollectionReport {
    public func csv(trend: [CollectionTrendPoint] = []) -> String {
        let day = ReportNumber.dayDecimals
        let share = ReportNumber.shareDecimals
        var sections: [(String, [String], [[String]])] = []
        sections.append(("summary",
            ["as_of", "period_days", "currency", "customer_id", "dso", "countback_dso", "best_possible_dso", "add", "cei"],
            [[asOf.text, String(periodDays), currency.code, CSV.text(customerId ?? ""),
              ReportNumber.fixed(dso, decimals: day), ReportNumber.fixed(countbackDSO, decimals: day),
              ReportNumber.fixed(bestPossibleDSO, decimals: day), ReportNumber.fixed(averageDaysDelinquent, decimals: day),
              ReportNumber.fixed(cei, decimals: ReportNumber.percentDecimals)]]))
        let bucketKeys = ["not_due", "d1_30", "d31_60", "d61_90", "over_90"]
        var agingRows = zip(bucketKeys, aging.amounts).map { [$0.0, money($0.1)] }
        agingRows.append(["total", money(aging.total)])
        sections.append(("aging", ["bucket", "amount"], agingRows))
        sections.append(("paid_invoices",
            ["count", "late_count", "late_share", "avg_days_late", "avg_days_late_weighted", "avg_days_to_pay"],
            [[String(paidInvoices.count), String(paidInvoices.lateCount),
              ReportNumber.fixed(paidInvoices.lateShare, decimals: share),
              ReportNumber.fixed(paidInvoices.averageDaysLate, decimals: day),
              ReportNumber.fixed(paidInvoices.averageDaysLateWeighted, decimals: day),
              ReportNumber.fixed(paidInvoices.averageDaysToPay, decimals: day)]]))
        sections.append(("holds",
            ["count", "value", "auto_released", "operator_released", "still_held", "auto_released_share", "median_hours_to_release",
             "ended_unreleased"],
            [[String(holds.count), money(holds.value), String(holds.autoReleased), String(holds.operatorReleased),
              String(holds.stillHeld), ReportNumber.fixed(holds.autoReleasedShare, decimals: share),
              ReportNumber.fixed(holds.medianHoursToRelease, decimals: ReportNumber.hourDecimals), String(holds.endedUnreleased)]]))
        sections.append(("dunning", ["level", "notices", "cured_within_30d", "cured_within_30d_share"],
            dunning.map { [String($0.level), String($0.notices), String($0.cured), ReportNumber.fixed($0.curedShare, decimals: share)] }))
        sections.append(("top_risk", ["customer_id", "name", "overdue", "utilization", "risk_class"],
            topRisk.map { [CSV.text($0.customerId), CSV.text($0.name ?? ""), money($0.overdue),
                           ReportNumber.fixed($0.utilization, decimals: share), CSV.text($0.riskClass ?? "")] }))
        if !trend.isEmpty {
            sections.append(("trend", ["date", "receivables", "credit_sales", "dso", "best_possible_dso", "add", "cei"],
                trend.map { [$0.date.text, money($0.receivables), money($0.creditSales),
                             ReportNumber.fixed($0.dso, decimals: day), ReportNumber.fixed($0.bestPossibleDSO, decimals: day),
                             ReportNumber.fixed($0.averageDaysDelinquent, decimals: day),
                             ReportNumber.fixed($0.cei, decimals: ReportNumber.percentDecimals)] }))
        }
        var out = ""
        for (index, (name, header, rows)) in sections.enumerated() {
            if index > 0 { out += "\n" }
            out += "# section: \(name)\n"
            out += header.joined(separator: ",") + "\n"
            for row in rows { out += row.map(CSV.quoted).joined(separator: ",") + "\n" }
        }
        return out
    }
}

/// RFC 4180 field quoting and spreadsheet-formula defusing.
enum CSV {
    static func quoted(_ field: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }

    /// Free text (ids, names, classes): a leading formula character gets a `'` in front.
    static func text(_ value: String) -> String {
        guard let first = value.first, "=+-@\t\r".contains(first) else { return value }
        return "'" + value
    }
}
