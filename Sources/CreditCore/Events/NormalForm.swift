@_spi(_Unicode) import Swift

/// Ids must be in Unicode normal form C.
///
/// Swift compares strings by canonical equivalence, SQLite and Kafka compare bytes: an id sent
/// once as NFC and once as NFD would be one customer (or order, or event) in memory and two in the
/// database. Refusing the other forms at the door keeps the two views the same; the id is not
/// rewritten, because the producer joins our outputs to its records by the bytes it sent.
enum NormalForm {
    /// True when `text` is its own NFC form (every ASCII text is).
    static func isNFC(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return true }
        // The standard library's normalizer (the one its string comparison uses), through the SPI
        // swift-foundation uses for `precomposedStringWithCanonicalMapping`.
        return text._nfcCodeUnits.elementsEqual(text.utf8)
    }
}
