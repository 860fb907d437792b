import CreditCore

/// The policy the fuzzer decodes against: a euro ledger that also takes US dollars and pounds,
/// as a European seller with US and UK customers would run it. Built in code so the target has
/// no file to find at run time.
enum FuzzPolicy {
    static let policy: Policy = {
        guard let euro = Currency(code: "EUR") else { fatalError("EUR is not in the currency table") }
        var policy = Policy(version: "fuzz-1", currency: euro)
        policy.fxRates = [
            "USD": DecimalAmount(mantissa: 921_500, scale: 6),   // 1 USD = 0.9215 EUR
            "GBP": DecimalAmount(mantissa: 1_171_250, scale: 6), // 1 GBP = 1.17125 EUR
        ]
        return policy
    }()

    /// Currencies an accepted event may carry.
    static let acceptedCurrencies: Set<String> = ["EUR", "USD", "GBP"]

    /// Small enough that libFuzzer's inputs (up to `-max_len`, 8192 in scripts/fuzz) reach the
    /// `too_large` check, large enough for every realistic event.
    static let maxMessageBytes = 4096

    static let decoder = EventDecoder(policy: policy, maxMessageBytes: maxMessageBytes)
}
