/// Small inline-SVG charts drawn by the project itself (no library, no external asset, no
/// namespace URL: inline SVG in HTML needs none): a
/// vertical bar chart, a line chart and a horizontal bar chart. Each has a title, labelled axes
/// and a value label on every bar or point, and scales to its container through its viewBox.
/// Coordinates are Doubles (geometry, not money). Every text is escaped.
enum SVGChart {
    static let width = 640.0
    static let height = 300.0
    static let left = 78.0
    static let right = 24.0
    static let top = 56.0
    static let bottom = 62.0

    struct Series {
        var name: String
        var values: [Double]
        var color: String
        var dashed: Bool
    }

    /// Vertical bars, one per category, each labelled with its `valueLabels` text.
    static func bars(title: String, categories: [String], values: [Double], valueLabels: [String],
                     xAxisLabel: String, yAxisLabel: String, tickFormat: (Double) -> String) -> String {
        let scale = AxisScale(minimum: Swift.min(0, values.min() ?? 0), maximum: Swift.max(0, values.max() ?? 0))
        var svg = open(title: title)
        svg += yAxis(scale, label: yAxisLabel, format: tickFormat)
        let plotWidth = width - left - right
        let slot = plotWidth / Double(Swift.max(1, categories.count))
        for (index, category) in categories.enumerated() {
            let value = index < values.count ? values[index] : 0
            let x = left + slot * Double(index) + slot * 0.18
            let barWidth = slot * 0.64
            let y0 = scale.y(0)
            let y1 = scale.y(value)
            svg += "<rect class=\"bar\" x=\"\(n(x))\" y=\"\(n(Swift.min(y0, y1)))\" width=\"\(n(barWidth))\" height=\"\(n(Swift.abs(y0 - y1)))\" fill=\"\(barColor(index))\"><title>\(HTMLText.escape(category)): \(HTMLText.escape(valueLabels[index]))</title></rect>"
            svg += text(x + barWidth / 2, Swift.min(y0, y1) - 6, valueLabels[index], anchor: "middle", cls: "value")
            svg += text(x + barWidth / 2, height - bottom + 18, category, anchor: "middle", cls: "tick")
        }
        svg += xAxisLine(label: xAxisLabel, scale: scale)
        return svg + "</svg>"
    }

    /// Lines over shared x labels (e.g. month-ends), with a legend and every point's value written.
    static func lines(title: String, xLabels: [String], series: [Series], xAxisLabel: String, yAxisLabel: String,
                      tickFormat: (Double) -> String, valueFormat: (Double) -> String) -> String {
        let all = series.flatMap(\.values)
        let scale = AxisScale(minimum: Swift.min(0, all.min() ?? 0), maximum: Swift.max(0, all.max() ?? 0))
        var svg = open(title: title)
        svg += yAxis(scale, label: yAxisLabel, format: tickFormat)
        let plotWidth = width - left - right
        let step = xLabels.count > 1 ? plotWidth / Double(xLabels.count - 1) : 0
        func x(_ index: Int) -> Double { xLabels.count > 1 ? left + step * Double(index) : left + plotWidth / 2 }
        for (index, label) in xLabels.enumerated() {
            svg += text(x(index), height - bottom + 18, label, anchor: "middle", cls: "tick")
        }
        for (seriesIndex, line) in series.enumerated() {
            let points = line.values.enumerated().map { "\(n(x($0.offset))),\(n(scale.y($0.element)))" }.joined(separator: " ")
            svg += "<polyline class=\"line\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2.5\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(points)\"/>"
            for (index, value) in line.values.enumerated() {
                svg += "<circle cx=\"\(n(x(index)))\" cy=\"\(n(scale.y(value)))\" r=\"3.5\" fill=\"\(line.color)\"><title>\(HTMLText.escape(line.name)) \(HTMLText.escape(xLabels[index])): \(HTMLText.escape(valueFormat(value)))</title></circle>"
                let above = seriesIndex % 2 == 0
                svg += text(x(index), scale.y(value) + (above ? -8 : 16), valueFormat(value), anchor: "middle", cls: "value small")
            }
            // Legend: one row under the title, series side by side.
            let legendX = left + Double(seriesIndex) * 190
            let legendY = 42.0
            svg += "<line x1=\"\(n(legendX))\" y1=\"\(n(legendY - 4))\" x2=\"\(n(legendX + 22))\" y2=\"\(n(legendY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2.5\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            svg += text(legendX + 28, legendY, line.name, anchor: "start", cls: "legend")
        }
        svg += xAxisLine(label: xAxisLabel, scale: scale)
        return svg + "</svg>"
    }

    /// Horizontal bars, one per stage: a funnel read top to bottom.
    static func funnel(title: String, stages: [(label: String, value: Double, valueLabel: String, color: Int)],
                       xAxisLabel: String, yAxisLabel: String) -> String {
        let labelWidth = 190.0
        let rowHeight = 30.0
        let top = 36.0
        let chartHeight = top + Double(Swift.max(1, stages.count)) * rowHeight + 52
        let scale = AxisScale(minimum: 0, maximum: Swift.max(0, stages.map(\.value).max() ?? 0))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(chartHeight))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\"><title>\(HTMLText.escape(title))</title>"
        svg += text(width / 2, 22, title, anchor: "middle", cls: "chart-title")
        let plotLeft = labelWidth
        let plotWidth = width - plotLeft - right - 60
        func x(_ value: Double) -> Double { plotLeft + (scale.maximum > 0 ? value / scale.maximum * plotWidth : 0) }
        for (index, stage) in stages.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += text(plotLeft - 8, y + rowHeight / 2 + 4, stage.label, anchor: "end", cls: "tick")
            svg += "<rect class=\"bar\" x=\"\(n(plotLeft))\" y=\"\(n(y + 4))\" width=\"\(n(Swift.max(0, x(stage.value) - plotLeft)))\" height=\"\(n(rowHeight - 8))\" fill=\"\(barColor(stage.color))\"><title>\(HTMLText.escape(stage.label)): \(HTMLText.escape(stage.valueLabel))</title></rect>"
            svg += text(x(stage.value) + 6, y + rowHeight / 2 + 4, stage.valueLabel, anchor: "start", cls: "value")
        }
        let axisY = top + Double(stages.count) * rowHeight + 2
        svg += "<line class=\"axis\" x1=\"\(n(plotLeft))\" y1=\"\(n(top))\" x2=\"\(n(plotLeft))\" y2=\"\(n(axisY))\"/>"
        svg += "<line class=\"axis\" x1=\"\(n(plotLeft))\" y1=\"\(n(axisY))\" x2=\"\(n(plotLeft + plotWidth))\" y2=\"\(n(axisY))\"/>"
        for tick in scale.ticks {
            svg += text(x(tick), axisY + 16, AxisScale.plain(tick), anchor: "middle", cls: "tick")
        }
        svg += text(plotLeft + plotWidth / 2, axisY + 38, xAxisLabel, anchor: "middle", cls: "axis-label")
        svg += text(14, top + Double(stages.count) * rowHeight / 2, yAxisLabel, anchor: "middle", cls: "axis-label",
                    transform: "rotate(-90 14 \(n(top + Double(stages.count) * rowHeight / 2)))")
        return svg + "</svg>"
    }

    // MARK: pieces

    private static func open(title: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\"><title>\(HTMLText.escape(title))</title>"
            + text(width / 2, 22, title, anchor: "middle", cls: "chart-title")
    }

    private static func yAxis(_ scale: AxisScale, label: String, format: (Double) -> String) -> String {
        var svg = ""
        for tick in scale.ticks {
            let y = scale.y(tick)
            svg += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - right))\" y2=\"\(n(y))\"/>"
            svg += text(left - 6, y + 4, format(tick), anchor: "end", cls: "tick")
        }
        svg += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(height - bottom))\"/>"
        let middle = top + (height - bottom - top) / 2
        svg += text(16, middle, label, anchor: "middle", cls: "axis-label", transform: "rotate(-90 16 \(n(middle)))")
        return svg
    }

    private static func xAxisLine(label: String, scale: AxisScale) -> String {
        let y = scale.y(0)
        return "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - right))\" y2=\"\(n(y))\"/>"
            + text(left + (width - left - right) / 2, height - 14, label, anchor: "middle", cls: "axis-label")
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, cls: String, transform: String? = nil) -> String {
        let transformAttribute = transform.map { " transform=\"\($0)\"" } ?? ""
        return "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" class=\"\(cls)\"\(transformAttribute)>\(HTMLText.escape(content))</text>"
    }

    /// Colours that stay distinct in greyscale print.
    private static func barColor(_ index: Int) -> String {
        ["#2f6f9f", "#e0a030", "#d0662f", "#b8372f", "#7a1f1f", "#5c8a4a", "#6b5b95"][index % 7]
    }

    /// A coordinate with one decimal.
    static func n(_ value: Double) -> String { ReportNumber.fixed(value, decimals: 1) }

    /// The y range of a chart: rounded out to "nice" steps of 1, 2 or 5 × 10^k.
    struct AxisScale {
        var minimum: Double
        var maximum: Double
        var step: Double

        init(minimum givenMinimum: Double, maximum givenMaximum: Double) {
            // Analytics never yields NaN or infinity; if one ever came, draw an empty 0...1 axis
            // rather than loop or draw garbage.
            let finite = givenMinimum.isFinite && givenMaximum.isFinite
            let rawMinimum = finite ? givenMinimum : 0
            let rawMaximum = finite ? givenMaximum : 1
            let span = rawMaximum - rawMinimum
            let step = AxisScale.niceStep(span > 0 ? span / 4 : 1)
            self.step = step
            minimum = (rawMinimum / step).rounded(.down) * step
            maximum = Swift.max((rawMaximum / step).rounded(.up) * step, minimum + step)
        }

        static func niceStep(_ rough: Double) -> Double {
            var magnitude = 1.0
            while magnitude * 10 <= rough { magnitude *= 10 }
            while magnitude > rough { magnitude /= 10 }
            for factor in [1.0, 2.0, 5.0, 10.0] where magnitude * factor >= rough { return magnitude * factor }
            return magnitude * 10
        }

        var ticks: [Double] {
            var result: [Double] = []
            var value = minimum
            while value <= maximum + step / 2 && result.count < 20 {
                result.append(value)
                value += step
            }
            return result
        }

        func y(_ value: Double) -> Double {
            let bottomY = SVGChart.height - SVGChart.bottom
            guard maximum > minimum else { return bottomY }
            return bottomY - (value - minimum) / (maximum - minimum) * (bottomY - SVGChart.top)
        }

        /// Axis tick text: 1,200,000 → "1.2M", 45,000 → "45k", small values with up to 1 decimal.
        static func compact(_ value: Double) -> String {
            let size = Swift.abs(value)
            if size >= 1_000_000_000 { return trimmed(value / 1_000_000_000) + "G" }
            if size >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
            if size >= 1_000 { return trimmed(value / 1_000) + "k" }
            return trimmed(value)
        }

        static func plain(_ value: Double) -> String { trimmed(value) }

        private static func trimmed(_ value: Double) -> String {
            let text = ReportNumber.fixed(value, decimals: 1)
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
    }
}
