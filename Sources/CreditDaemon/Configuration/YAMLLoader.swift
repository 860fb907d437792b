import CreditCore
import Foundation
import Yams

/// Turns YAML text into the core's neutral `ConfigNode` tree, so that validation (with key paths)
/// stays in plain Swift and the core never sees Yams.
public enum YAMLLoader {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let message: String
        public var description: String { "\(file): \(message)" }
    }

    public static func load(file: String) throws(Failure) -> ConfigNode {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Failure(file: file, message: "cannot read the file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(file: file, message: "is not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String = "<yaml>") throws(Failure) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw Failure(file: file, message: duplicateKeys(duplicates, mappingAt: context.mark, in: text))
        } catch {
            throw Failure(file: file, message: "not valid YAML: \(error)")
        }
        guard let node else { return .mapping([]) }
        return try convert(node, file: file, path: "")
    }

    /// Yams describes a duplicate key with the whole mapping around it (the whole file, for a
    /// top-level key); name the key and the lines it is on instead.
    static func duplicateKeys(_ keys: [String], mappingAt mark: Mark, in text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = max(mark.column - 1, 0)
        return keys.sorted().map { key in
            var found: [Int] = []
            for (index, line) in lines.enumerated() where index + 1 >= mark.line {
                let spaces = line.prefix(while: { $0 == " " }).count
                let content = line.dropFirst(spaces)
                // A line left of the block (the next list item, the parent's next key) ends it.
                if index + 1 > mark.line, spaces < indent, !content.isEmpty, !content.hasPrefix("#") { break }
                let body = line.drop(while: { $0 == " " || $0 == "-" })
                let column = line.count - body.count
                guard column == indent || (index + 1 == mark.line && column >= indent) else { continue }
                for form in [key, "\"\(key)\"", "'\(key)'"] where body.hasPrefix(form) {
                    if body.dropFirst(form.count).drop(while: { $0 == " " }).first == ":" { found.append(index + 1) }
                }
            }
            let place = found.count >= 2
                ? "lines " + found.map(String.init).joined(separator: ", ")
                : "the block that starts on line \(mark.line)"
            let parent = parentPath(line: mark.line - 1, keyColumn: indent, lines: lines)
            return "key '\(parent.isEmpty ? key : parent + "." + key)' appears twice (\(place)); keep one"
        }.joined(separator: "; ")
    }

    /// The key path of the block mapping whose key is at `keyColumn` on `line` (0-based), read
    /// back from the indentation, since Yams gives no tree for a file with a duplicate key:
    /// `dunning.levels[0]`. Empty at the top level, and where the layout is not plain block
    /// style (the message then names the lines alone).
    static func parentPath(line: Int, keyColumn: Int, lines: [Substring]) -> String {
        func layout(_ text: Substring) -> (spaces: Int, dash: Bool, keyColumn: Int, key: String)? {
            let spaces = text.prefix(while: { $0 == " " }).count
            let content = text.dropFirst(spaces)
            if content.isEmpty || content.hasPrefix("#") { return nil }
            let body = content.hasPrefix("- ") ? content.dropFirst(2).drop(while: { $0 == " " }) : content
            let column = text.count - body.count
            let key = body.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return (spaces, content.hasPrefix("- "), column, key)
        }
        var components: [String] = []
        var column = keyColumn
        var index = line
        while index >= 0, index < lines.count, column > 0 {
            guard let here = layout(lines[index]) else { index -= 1; continue }
            if here.dash && here.keyColumn == column {
                // The mapping is an item of a sequence: count the items before it, then the
                // sequence's key is the first line left of the dash (or level with it, unindented).
                var position = 0
                var above = index - 1
                var parent: (spaces: Int, dash: Bool, keyColumn: Int, key: String)?
                while above >= 0 {
                    if let item = layout(lines[above]) {
                        if item.spaces == here.spaces && item.dash { position += 1 }
                        else if item.spaces < here.spaces || (item.spaces == here.spaces && !item.dash) { parent = item; break }
                    }
                    above -= 1
                }
                guard let parent, !parent.key.isEmpty else { return "" }
                components.append("\(parent.key)[\(position)]")
                column = parent.keyColumn
                index = above
            } else if here.keyColumn < column {
                guard !here.key.isEmpty, !here.key.contains("{"), !here.key.contains("[") else { return "" }
                components.append(here.key)
                column = here.keyColumn
            } else {
                index -= 1
            }
        }
        return components.reversed().joined(separator: ".")
    }

    private static func convert(_ node: Node, file: String, path: String) throws(Failure) -> ConfigNode {
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style != .plain
            if !quoted, Node.scalar(scalar).tag == Tag(.null) { return .null }
            return .scalar(scalar.string, quoted: quoted)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, file: file, path: "\(path)[\(i)]"))
            }
            return .sequence(items)
        case .mapping(let mapping):
            var pairs: [(String, ConfigNode)] = []
            var merged: [(String, ConfigNode)] = []
            var seen: Set<String> = []
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw Failure(file: file, message: "\(path.isEmpty ? "" : path + ": ")keys must be plain strings")
                }
                let childPath = path.isEmpty ? k.string : "\(path).\(k.string)"
                // A merge key (`<<: *defaults`) lends the pairs of a shared block; the mapping's
                // own keys win, and of several blocks the first that has a key gives it.
                if k.string == "<<", k.style == .plain {
                    for source in try mergeSources(value, file: file, path: childPath) {
                        for pair in source where !merged.contains(where: { $0.0 == pair.0 }) { merged.append(pair) }
                    }
                    continue
                }
                if !seen.insert(k.string).inserted {
                    throw Failure(file: file, message: "\(childPath): key appears twice")
                }
                pairs.append((k.string, try convert(value, file: file, path: childPath)))
            }
            return .mapping(pairs + merged.filter { !seen.contains($0.0) })
        case .alias:
            throw Failure(file: file, message: "\(path): YAML aliases are not supported")
        }
    }

    private static func mergeSources(_ value: Node, file: String, path: String) throws(Failure) -> [[(String, ConfigNode)]] {
        let blocks: [Node]
        switch value {
        case .sequence(let sequence): blocks = Array(sequence)
        default: blocks = [value]
        }
        var sources: [[(String, ConfigNode)]] = []
        for block in blocks {
            guard case .mapping = block, case .mapping(let pairs) = try convert(block, file: file, path: path) else {
                throw Failure(file: file, message: "\(path): a merge key takes a mapping (an alias such as *defaults) or a list of them")
            }
            sources.append(pairs)
        }
        return sources
    }
}
