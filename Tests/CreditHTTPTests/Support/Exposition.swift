import Foundation

/// A minimal reader of the Prometheus text format (0.0.4) for assertions: checks every line's
/// syntax and gives sample values by series.
struct Exposition {
    let text: String
    /// Series (`name{labels}` exactly as written) → value.
    private(set) var samples: [String: Double] = [:]
    /// Metric name → declared type.
    private(set) var types: [String: String] = [:]
    /// Lines that are neither a valid comment nor a valid sample.
    private(set) var malformedLines: [String] = []
    /// Metric name → its `# HELP` text.
    private(set) var help: [String: String] = [:]
    /// Samples whose metric family had no `# TYPE` line before them.
    private(set) var untypedSamples: [String] = []

    init(_ text: String) throws {
        self.text = text
        let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
        let labelValue = #""(?:[^"\\\n]|\\[\\"n])*""#
        let label = "[a-zA-Z_][a-zA-Z0-9_]*=\(labelValue)"
        let value = #"(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?Inf|NaN)"#
        let sample = try Regex("^(\(name))(\\{(?:\(label)(?:,\(label))*)?\\})? (\(value))(?: -?[0-9]+)?$")
        let typeLine = try Regex("^# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)$")
        let helpLine = try Regex("^# HELP (\(name)) (.*)$")

        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            if let match = try typeLine.wholeMatch(in: line) {
                let family = String(match.output[1].substring!)
                types[family] = String(match.output[2].substring!)
            } else if let match = try helpLine.wholeMatch(in: line) {
                let family = String(match.output[1].substring!)
                if types[family] != nil { malformedLines.append("HELP after TYPE: \(line)") }
                help[family] = String(match.output[2].substring!)
            } else if let match = try sample.wholeMatch(in: line) {
                let metric = String(match.output[1].substring!)
                let labels = match.output[2].substring.map(String.init) ?? ""
                let number = String(match.output[3].substring!)
                samples[metric + labels] = Double(number.replacingOccurrences(of: "Inf", with: "infinity"))
                let family = ["_bucket", "_sum", "_count"].reduce(metric) { current, suffix in
                    current.hasSuffix(suffix) && types[current] == nil
                        ? String(current.dropLast(suffix.count)) : current
                }
                if types[family] == nil { untypedSamples.append(String(line)) }
            } else {
                malformedLines.append(String(line))
            }
        }
    }

    subscript(_ series: String) -> Double? { samples[series] }
}
