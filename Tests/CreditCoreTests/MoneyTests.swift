import Testing
@testable import CreditCore

@Suite("Money")
struct MoneyTests {
    @Test("accepts plain decimal strings", arguments: [
        ("1250.00", "1250.00"), ("0.5", "0.5"), ("3", "3"), ("007.10", "7.10"),
        ("999999999999999999", "999999999999999999"), ("0.000000000000000001", "0.000000000000000001"),
    ])
    func accepts(text: String, expected: String) throws {
        let value = try DecimalAmount.parse(text).get()
        #expect(value.text == expected)
    }

    @Test("rejects what the contract forbids", arguments: [
        ("1e3", DecimalParseError.exponent), ("1E3", .exponent), ("+5", .sign), ("-3", .sign), (" 12", .notADecimal),
        ("12 ", .notADecimal), (".5", .notADecimal), ("5.", .notADecimal), ("", .empty), ("1.2.3", .notADecimal),
        ("1,5", .notADecimal), ("1000000000000000000", .tooManyIntegerDigits), ("NaN", .notADecimal), ("-", .notADecimal),
        ("0x10", .notADecimal), ("٣", .notADecimal),
    ])
    func rejects(text: String, error: DecimalParseError) {
        #expect(DecimalAmount.parse(text) == .failure(error))
    }

    @Test func negativeOnlyWhereAllowed() throws {
        #expect(try DecimalAmount.parse("-3", allowNegative: true).get() == DecimalAmount(-3))
        #expect(DecimalAmount.parse("1.234", maxDecimals: 2) == .failure(.tooManyDecimals))
    }

    @Test func arithmeticAcrossScalesIsExact() {
        let a = DecimalAmount("0.1")
        let b = DecimalAmount("0.20")
        #expect(a + b == DecimalAmount("0.3"))
        #expect((a + b).text == "0.30")
        #expect(b - a - a == .zero)
        #expect(DecimalAmount("10.00") == DecimalAmount("10"))
        #expect(Set([DecimalAmount("10.00"), DecimalAmount("10")]).count == 1)
        #expect(DecimalAmount("9.99") < DecimalAmount("10"))
        #expect(DecimalAmount("-1") < DecimalAmount("0.01"))
    }

    @Test("formats with the currency's decimals", arguments: [
        ("1250", 2, "1250.00"), ("0.5", 2, "0.50"), ("-3.5", 2, "-3.50"), ("0.05", 3, "0.050"), ("12", 0, "12"),
        ("-0.004", 2, "0.00"), ("0.125", 2, "0.12"), ("0.135", 2, "0.14"), ("-0.125", 2, "-0.12"),
    ])
    func formats(text: String, decimals: Int, expected: String) {
        #expect(DecimalAmount(stringLiteralFree: text).formatted(decimals: decimals) == expected)
    }

    /// Half-even: ties go to the even neighbour, so 0.5 → 0, 1.5 → 2, 2.5 → 2 at the last digit.
    @Test("conversion rounds half-even to the credit currency's minor unit", arguments: [
        // (amount, rate, credit currency, expected)
        ("100", "0.005", "JPY", "0"),        // 0.5 → 0
        ("300", "0.005", "JPY", "2"),        // 1.5 → 2
        ("500", "0.005", "JPY", "2"),        // 2.5 → 2
        ("700", "0.005", "JPY", "4"),        // 3.5 → 4
        ("1.25", "0.5", "EUR", "0.62"),      // 0.625 → 0.62
        ("1.35", "0.5", "EUR", "0.68"),      // 0.675 → 0.68
        ("1.37", "0.5", "EUR", "0.68"),      // 0.685 → 0.68
        ("10.00", "0.92", "EUR", "9.20"),
        ("0.125", "0.01", "BHD", "0.001"),   // 0.00125 → 0.001
        ("0.375", "0.01", "BHD", "0.004"),   // 0.00375 → 0.004
        ("0.0005", "1", "BHD", "0.000"),     // 0.0005 → 0.000
        ("0.0015", "1", "BHD", "0.002"),     // 0.0015 → 0.002
        ("-1.25", "0.5", "EUR", "-0.62"),
    ])
    func halfEven(amount: String, rate: String, currency: String, expected: String) throws {
        let credit = try #require(Currency(code: currency))
        let value = try #require(DecimalAmount(stringLiteralFree: amount).multiplied(by: DecimalAmount(stringLiteralFree: rate), roundedToScale: credit.minorUnit))
        #expect(value.formatted(decimals: credit.minorUnit) == expected)
    }

    @Test func conversionOverflowIsReported() {
        let huge = DecimalAmount(mantissa: Int128.max / 4, scale: 0)
        #expect(huge.multiplied(by: DecimalAmount(mantissa: 5, scale: 0), roundedToScale: 0) == nil)
        #expect(huge.multiplied(by: DecimalAmount("1"), roundedToScale: 2) == nil)
    }

    @Test func divisionForRatios() {
        #expect(DecimalAmount("850000").divided(by: DecimalAmount("10000.00"), roundedToScale: 1) == DecimalAmount("85.0"))
        #expect(DecimalAmount("2").divided(by: DecimalAmount("3"), roundedToScale: 2) == DecimalAmount("0.67"))
        #expect(DecimalAmount("1").divided(by: .zero, roundedToScale: 2) == nil)
    }

    @Test("ISO 4217 minor units", arguments: [
        ("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("BHD", 3), ("KWD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3),
        ("IQD", 3), ("LYD", 3), ("CLF", 4), ("CHF", 2), ("GBP", 2),
    ])
    func minorUnits(code: String, unit: Int) {
        #expect(Currency(code: code)?.minorUnit == unit)
    }

    @Test("unknown or malformed codes", arguments: ["XXX", "eur", "EURO", "", "978", "XAU"])
    func unknownCurrency(code: String) {
        #expect(Currency(code: code) == nil)
    }

    @Test func tableIsComplete() {
        #expect(Currency.minorUnits.count >= 150)
    }

    @Test func codableAsString() throws {
        let encoded = try JSONEncoderShim.encode(DecimalAmount("12.50"))
        #expect(encoded == #""12.50""#)
    }
}

extension DecimalAmount {
    /// Parses a runtime string in tests (the StaticString initializer needs a literal).
    init(stringLiteralFree text: String) {
        self = try! DecimalAmount.parse(text, allowNegative: true).get()
    }
}
