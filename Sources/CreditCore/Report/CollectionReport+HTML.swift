/// The report a credit manager opens: one self-contained HTML page (inline CSS, inline SVG, no
/// script, no external asset) with the key figures, the aging bar chart, DSO and CEI over the
/// month-ends of `trend`, the hold and dunning funnels and the top-risk table. Every chart has
/// its figures in a table next to it, so the page reads printed in black and white and by screen
/// readers. All data is escaped.
extension CollectionReport {
    public func html(trend: [CollectionTrendPoint], generatedAt: Timestamp? = nil) -> String {
        let trend = trend.fromFirstActivity
        let day = ReportNumber.dayDecimals
        let code = currency.code
        var scope = "Whole book"
        if let customerId { scope = "Customer " + customerId }
        let title = "Collection report as of \(asOf.text)"
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(HTMLText.escape(title + " · " + scope))</title>\n<style>\(CollectionReportHTML.css)</style>\n</head>\n<body>\n"
        page += "<header><h1>\(HTMLText.escape(title))</h1><p class=\"meta\">\(HTMLText.escape(scope)) · period \(periodDays) days (\(HTMLText.escape(asOf.adding(days: -periodDays + 1).text)) to \(HTMLText.escape(asOf.text))) · amounts in \(HTMLText.escape(code))"
        if let generatedAt { page += " · generated \(HTMLText.escape(generatedAt.rfc3339))" }
        page += "</p></header>\n<main>\n"

        // Key figures.
        page += "<section class=\"kpis\" aria-label=\"Key figures\">"
        let kpis: [(String, String, String)] = [
            ("Receivables", displayMoney(aging.total), code),
            ("DSO", ReportNumber.fixed(dso, decimals: day), "days"),
            ("Countback DSO", ReportNumber.fixed(countbackDSO, decimals: day), "days"),
            ("Best possible DSO", ReportNumber.fixed(bestPossibleDSO, decimals: day), "days"),
            ("ADD", ReportNumber.fixed(averageDaysDelinquent, decimals: day), "days"),
            ("CEI", ReportNumber.fixed(cei, decimals: ReportNumber.percentDecimals), "%"),
        ]
        for (label, value, unit) in kpis {
            page += "<div class=\"kpi\"><span class=\"label\">\(HTMLText.escape(label))</span><span class=\"value\">\(HTMLText.escape(value))</span><span class=\"unit\">\(HTMLText.escape(unit))</span></div>"
        }
        page += "</section>\n"

        // Aging.
        page += "<section class=\"block\"><h2>Aging of open receivables</h2><div class=\"pair\"><figure>"
        page += SVGChart.bars(title: "Aging on \(asOf.text) (\(code))", categories: AgingBuckets.labels,
                              values: aging.amounts.map(Ratio.double), valueLabels: aging.amounts.map(displayMoney),
                              xAxisLabel: "Days past due", yAxisLabel: "Open amount (\(code))",
                              tickFormat: SVGChart.AxisScale.compact)
        page += "</figure>"
        page += CollectionReportHTML.table(caption: "Aging (\(code))", header: ["Days past due", "Amount", "Share"], numeric: [1, 2],
            rows: zip(AgingBuckets.labels, aging.amounts).map { [$0.0, displayMoney($0.1), CollectionReportHTML.percent(Ratio.of($0.1, aging.total))] }
                + [["Total", displayMoney(aging.total), aging.total.isZero ? "0.0 %" : "100.0 %"]])
        page += "</div></section>\n"

        // Trend.
        page += "<section class=\"block\"><h2>DSO and CEI, last \(trend.count) month-ends</h2><div class=\"pair trend\">"
        let months = trend.map { CollectionReportHTML.monthLabel($0.date) }
        page += "<figure>" + SVGChart.lines(title: "DSO and best possible DSO (days, period \(periodDays) days)", xLabels: months, series: [
            SVGChart.Series(name: "DSO", values: trend.map(\.dso), color: "#2f6f9f", dashed: false),
            SVGChart.Series(name: "Best possible DSO", values: trend.map(\.bestPossibleDSO), color: "#5c8a4a", dashed: true),
        ], xAxisLabel: "Month-end", yAxisLabel: "Days", tickFormat: SVGChart.AxisScale.plain,
           valueFormat: { ReportNumber.fixed($0, decimals: 0) }) + "</figure>"
        page += "<figure>" + SVGChart.lines(title: "Collection effectiveness index (%)", xLabels: months, series: [
            SVGChart.Series(name: "CEI", values: trend.map(\.cei), color: "#b8372f", dashed: false),
        ], xAxisLabel: "Month-end", yAxisLabel: "CEI (%)", tickFormat: SVGChart.AxisScale.plain,
           valueFormat: { ReportNumber.fixed($0, decimals: 0) }) + "</figure>"
        page += "</div>"
        page += CollectionReportHTML.table(caption: "Month-end figures", header: ["Month-end", "Receivables (\(code))", "Credit sales in period (\(code))", "DSO", "Best possible DSO", "ADD", "CEI %"],
            numeric: [1, 2, 3, 4, 5, 6],
            rows: trend.map { [$0.date.text, displayMoney($0.receivables), displayMoney($0.creditSales), ReportNumber.fixed($0.dso, decimals: day),
                               ReportNumber.fixed($0.bestPossibleDSO, decimals: day), ReportNumber.fixed($0.averageDaysDelinquent, decimals: day),
                               ReportNumber.fixed($0.cei, decimals: ReportNumber.percentDecimals)] })
        page += "</section>\n"

        // Holds and dunning funnel.
        page += "<section class=\"block\"><h2>Holds and dunning</h2><div class=\"pair\"><figure>"
        page += SVGChart.funnel(title: "Credit holds placed in the period", stages: [
            ("Placed", Double(holds.count), String(holds.count), 0),
            ("Released automatically", Double(holds.autoReleased), String(holds.autoReleased), 5),
            ("Released by an operator", Double(holds.operatorReleased), String(holds.operatorReleased), 1),
            ("Cancelled or shipped", Double(holds.endedUnreleased), String(holds.endedUnreleased), 2),
            ("Still held", Double(holds.stillHeld), String(holds.stillHeld), 3),
        ], xAxisLabel: "Holds", yAxisLabel: "Stage")
        page += "</figure><figure>"
        var stages: [(label: String, value: Double, valueLabel: String, color: Int)] = []
        for row in dunning {
            stages.append(("Level \(row.level) notices", Double(row.notices), String(row.notices), 0))
            stages.append(("Level \(row.level) cured ≤ 30 d", Double(row.cured), "\(row.cured) (\(CollectionReportHTML.percent(row.curedShare)))", 5))
        }
        page += SVGChart.funnel(title: "Dunning notices in the period and cures", stages: stages, xAxisLabel: "Notices", yAxisLabel: "Level")
        page += "</figure></div><div class=\"pair\">"
        page += CollectionReportHTML.table(caption: "Credit holds placed in the period", header: ["Figure", "Value"], numeric: [1], rows: [
            ["Holds", String(holds.count)],
            ["Value held (\(code))", displayMoney(holds.value)],
            ["Released automatically", String(holds.autoReleased)],
            ["Released by an operator", String(holds.operatorReleased)],
            ["Cancelled or shipped", String(holds.endedUnreleased)],
            ["Still held", String(holds.stillHeld)],
            ["Share released automatically", CollectionReportHTML.percent(holds.autoReleasedShare)],
            ["Median hours hold to release", ReportNumber.fixed(holds.medianHoursToRelease, decimals: ReportNumber.hourDecimals)],
        ])
        page += CollectionReportHTML.table(caption: "Dunning cure rate", header: ["Level", "Notices", "Cured within 30 days", "Cure rate"], numeric: [0, 1, 2, 3],
            rows: dunning.map { [String($0.level), String($0.notices), String($0.cured), CollectionReportHTML.percent($0.curedShare)] })
        page += "</div></section>\n"

        // Paid invoices.
        page += "<section class=\"block\"><h2>Invoices paid in the period</h2>"
        page += CollectionReportHTML.table(caption: "Payment behaviour", header: ["Figure", "Value"], numeric: [1], rows: [
            ["Invoices paid", String(paidInvoices.count)],
            ["Paid late", "\(paidInvoices.lateCount) (\(CollectionReportHTML.percent(paidInvoices.lateShare)))"],
            ["Average days late", ReportNumber.fixed(paidInvoices.averageDaysLate, decimals: day)],
            ["Average days late, weighted by amount", ReportNumber.fixed(paidInvoices.averageDaysLateWeighted, decimals: day)],
            ["Average days to pay", ReportNumber.fixed(paidInvoices.averageDaysToPay, decimals: day)],
        ])
        page += "</section>\n"

        // Top risk.
        page += "<section class=\"block\"><h2>Top-risk customers</h2>"
        page += CollectionReportHTML.table(caption: "Ranked by overdue amount, then utilization, then customer id",
            header: ["#", "Customer", "Name", "Overdue (\(code))", "Utilization", "Risk class"], numeric: [0, 3, 4],
            rows: topRisk.enumerated().map { [String($0.offset + 1), $0.element.customerId, $0.element.name ?? "", displayMoney($0.element.overdue),
                                              $0.element.hasNoLimit ? "no limit" : CollectionReportHTML.percent($0.element.utilization), $0.element.riskClass ?? "–"] })
        page += "</section>\n"

        page += "<footer><p>DSO = receivables ÷ credit sales in the period × days. Countback DSO walks back 30-day months of credit sales until they cover the receivables. Best possible DSO uses the receivables not yet due; ADD = DSO − best possible DSO. CEI (Credit Research Foundation) = (opening receivables + sales ÷ N − closing receivables) ÷ (opening receivables + sales ÷ N − closing receivables not yet due) × 100, N = period ÷ 30 days. Ratios with nothing to divide by are shown as 0.</p></footer>\n"
        page += "</main>\n</body>\n</html>\n"
        return page
    }
}

enum CollectionReportHTML {
    static func table(caption: String, header: [String], numeric: Set<Int>, rows: [[String]]) -> String {
        var html = "<table><caption>\(HTMLText.escape(caption))</caption><thead><tr>"
        for (index, cell) in header.enumerated() {
            html += "<th scope=\"col\"\(numeric.contains(index) ? " class=\"num\"" : "")>\(HTMLText.escape(cell))</th>"
        }
        html += "</tr></thead><tbody>"
        if rows.isEmpty {
            html += "<tr><td colspan=\"\(header.count)\" class=\"empty\">None</td></tr>"
        }
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                html += "<td\(numeric.contains(index) ? " class=\"num\"" : "")>\(HTMLText.escape(cell))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func percent(_ fraction: Double) -> String { ReportNumber.fixed(fraction * 100, decimals: 1) + " %" }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Nov 26" for 2026-11-30: short enough for twelve labels on one axis.
    static func monthLabel(_ date: LocalDate) -> String {
        let (year, month, _) = date.components
        let yy = year % 100
        return "\(monthNames[month - 1]) \(yy < 10 ? "0" : "")\(yy)"
    }

    static let css = """
    :root{--ink:#1d2530;--muted:#5b6675;--line:#d5dbe3;--accent:#2f6f9f;--bg:#f6f8fa}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
    header{padding:18px 28px;background:#fff;border-bottom:1px solid var(--line)}
    h1{margin:0;font-size:22px}
    h2{margin:0 0 10px;font-size:17px}
    .meta{margin:4px 0 0;color:var(--muted)}
    main{max-width:1280px;margin:0 auto;padding:16px 28px 32px}
    .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(175px,1fr));gap:10px;margin-bottom:16px}
    .kpi{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px;display:flex;flex-direction:column}
    .kpi .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
    .kpi .value{font-size:19px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
    .kpi .unit{color:var(--muted);font-size:12px}
    .block{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin-bottom:16px}
    .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;align-items:start}
    figure{margin:0}
    svg.chart{width:100%;height:auto;display:block}
    svg .chart-title{font-size:14px;font-weight:600;fill:var(--ink)}
    svg .tick{font-size:11px;fill:var(--muted)}
    svg .value{font-size:11px;fill:var(--ink);font-variant-numeric:tabular-nums}
    svg .small{font-size:10px}
    svg .legend{font-size:11px;fill:var(--ink)}
    svg .axis-label{font-size:12px;fill:var(--ink)}
    svg .axis{stroke:var(--ink);stroke-width:1}
    svg .grid{stroke:var(--line);stroke-width:1}
    table{border-collapse:collapse;width:100%;margin:8px 0;font-variant-numeric:tabular-nums}
    caption{text-align:left;font-weight:600;padding:4px 0;color:var(--muted)}
    th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{background:var(--bg);font-weight:600}
    .num{text-align:right;white-space:nowrap}
    td:first-child{white-space:nowrap}
    td.empty{color:var(--muted);font-style:italic}
    footer{color:var(--muted);font-size:12px}
    @media (max-width:900px){.pair{grid-template-columns:1fr}main{padding:12px}}
    @media print{
      @page{size:A4;margin:14mm}
      body{background:#fff;font-size:10.5pt}
      header{border:0;padding:0 0 8px}
      main{max-width:none;padding:0}
      .block,.kpi{border:1px solid #999}
      .kpi,figure,tr{break-inside:avoid;page-break-inside:avoid}
      h2,caption{break-after:avoid;page-break-after:avoid}
      .pair{display:block}
      figure{max-width:150mm;margin:0 auto 4mm}
      th{background:#eee}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    }
    """
}
