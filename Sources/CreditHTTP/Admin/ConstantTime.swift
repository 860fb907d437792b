/// Comparison of secrets whose running time does not depend on where (or whether) they differ.
///
/// A byte-by-byte `==` returns at the first difference, so response times leak how much of a
/// guessed admin token is right. Here every byte of the presented value is always visited, the
/// differences are OR-ed together, and a length difference only sets a bit in the same
/// accumulator: the time depends on the presented length alone, never on the secret's content.
public enum ConstantTime {
    @inline(never)
    public static func equals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        // Non-zero when the lengths differ; folded in, not returned early.
        var difference = UInt64(truncatingIfNeeded: presented.count ^ expected.count)
        // Indexing the secret modulo its length keeps the loop shape fixed even when the
        // presented value is longer; an empty secret is compared against a single zero byte
        // (and the length bit above already makes that unequal unless both are empty).
        let secret: [UInt8] = expected.isEmpty ? [0] : expected
        let secretCount = secret.count
        presented.withUnsafeBufferPointer { given in
            secret.withUnsafeBufferPointer { known in
                for index in 0..<given.count {
                    difference |= UInt64(given[index] ^ known[index % secretCount])
                }
            }
        }
        return difference == 0
    }

    /// String convenience: compares the UTF-8 bytes.
    public static func equals(_ presented: String, _ expected: String) -> Bool {
        equals(Array(presented.utf8), Array(expected.utf8))
    }
}
