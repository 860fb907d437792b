import ArgumentParser
import CreditCore
import Foundation

struct BureauCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bureau", abstract: "Credit bureau reports.", subcommands: [Import.self])

    /// Reads a batch file (docs/bureau.md, "Batch files") and sends its reports to the daemon, which
    /// applies each request whole or not at all. Bad lines are reported and skipped; exit 1 if any.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import bureau reports from a CSV file (customer_id,score,recommended_limit,currency,derogatory,as_of[,source]).")
        @OptionGroup var options: WriteOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "Reports per request (each request is applied whole or not at all).") var chunk = 1000

        func run() async throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw fail("cannot read \(file) as UTF-8 text")
            }
            let parsed = BureauCSV.parse(text, defaultSource: "import:\((file as NSString).lastPathComponent)")
            if !options.json {
                for problem in parsed.problems {
                    FileHandle.standardError.write(Data("creditctl: \(file): \(problem)\n".utf8))
                }
            }
            var imported = 0
            var refused = 0
            var outputs: [Any] = []
            var refusals: [String] = []
            let size = max(1, min(chunk, 10_000))
            for start in stride(from: 0, to: parsed.rows.count, by: size) {
                let rows = Array(parsed.rows[start..<min(start + size, parsed.rows.count)])
                let reports: [[String: Any]] = rows.map { row in
                    [
                        "customer_id": row.customerId, "score": row.report.score,
                        "recommended_limit": row.report.recommendedLimit.formatted(decimals: row.report.currency.minorUnit),
                        "currency": row.report.currency.code, "derogatory": row.report.derogatory, "as_of": row.report.asOf.text,
                    ]
                }
                do {
                    let (_, object) = try await options.request(.post, "/v1/bureau/reports", body: ["reports": reports], part: start / size + 1)
                    imported += rows.count
                    outputs += (object?["outputs"] as? [Any]) ?? []
                } catch let refusal as AdminRefusal where refusal.code == "already_applied" {
                    imported += rows.count  // this chunk went in under the same --request-id before
                } catch let refusal as AdminRefusal {
                    refused += rows.count
                    let span = rows.count == 1 ? "line \(rows[0].line)" : "lines \(rows.first!.line)-\(rows.last!.line)"
                    var place = span
                    if rows.count > 1, let item = Self.itemNumber(in: refusal.message), item >= 1, item <= rows.count {
                        place = "line \(rows[item - 1].line) (\(span) not imported)"
                    }
                    refusals.append("\(place): \(refusal.code): \(refusal.message)")
                    if !options.json { FileHandle.standardError.write(Data("creditctl: \(file): \(refusals.last!)\n".utf8)) }
                }
            }
            let decisions = outputs.count
            if options.json {
                // One object for the whole file: the counts, what went wrong, and every output.
                let summary: [String: Any] = [
                    "file": file, "imported": imported, "refused": refused, "decisions": decisions,
                    "bad_lines": parsed.problems.map { "\($0)" }, "refusals": refusals, "outputs": outputs,
                ]
                let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
                FileHandle.standardOutput.write(data + Data([0x0A]))
            } else {
                print("imported \(imported) report\(imported == 1 ? "" : "s") from \(file), \(decisions) decision\(decisions == 1 ? "" : "s") published; \(parsed.problems.count) bad line\(parsed.problems.count == 1 ? "" : "s"), \(refused) refused by the daemon")
            }
            if !parsed.problems.isEmpty || refused > 0 { throw ExitCode(1) }
        }

        /// The daemon names the refused item of a request as "item K of N".
        static func itemNumber(in message: String) -> Int? {
            guard let range = message.range(of: "item ") else { return nil }
            return Int(message[range.upperBound...].prefix { $0.isNumber })
        }
    }
}
