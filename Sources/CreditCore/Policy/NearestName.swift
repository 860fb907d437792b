/// "Did you mean …?" for a misspelt key: the configuration's and the policy's unknown keys and
/// the environment's unknown overrides name the nearest known one, when it is near.
public enum NearestName {
    /// ` (did you mean NAME?)` for the known name within 3 edits of `name` (and nearer than its
    /// own length), else for the one known name that `name` is a word-wise start of
    /// (`payment_terms` for `payment_terms_days`), else empty.
    public static func hint(for name: String, among known: some Sequence<String>) -> String {
        let known = Array(known)
        let nearest = known.map { (name: $0, distance: distance($0, name)) }.min { ($0.distance, $0.name) < ($1.distance, $1.name) }
        if let nearest, nearest.distance <= 3, nearest.distance < name.count { return " (did you mean \(nearest.name)?)" }
        let longer = known.filter { $0.hasPrefix(name + "_") || $0.hasPrefix(name + ".") }
        return longer.count == 1 ? " (did you mean \(longer[0])?)" : ""
    }

    /// Edit distance (Levenshtein); names are short.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard !a.isEmpty else { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
