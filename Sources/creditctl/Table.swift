import CreditCore
import Foundation

/// A plain text table for people: a header, aligned columns, numbers right-aligned.
struct Table {
    var headers: [String]
    var rightAligned: Set<Int> = []
    var rows: [[String]] = []

    /// Cells come from the database (names, notes): control characters are replaced, so that a
    /// name holding a line break or an escape sequence cannot break or forge a row.
    mutating func add(_ row: [String]) { rows.append(row.map(PlainText.clean)) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = line(headers) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    func print() {
        FileHandle.standardOutput.write(Data(render().utf8))
    }
}
