/// An ISO 4217 currency with its minor unit (the number of decimals an amount may carry).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String
    public let minorUnit: Int

    /// The currency for an active ISO 4217 code; nil for anything else (including lower case).
    public init?(code: String) {
        guard let unit = Currency.minorUnits[code] else { return nil }
        self.code = code
        self.minorUnit = unit
    }

    public var description: String { code }

    /// Why `code` is not a currency amounts may be given in, for messages: ISO 4217's codes
    /// without a minor unit (metals, SDR, fund and test codes) are codes all the same.
    public static func refusal(_ code: String) -> String {
        unitless.contains(code)
            ? "\(code) is an ISO 4217 code without a minor unit (a metal, fund or test code), not a currency to invoice in"
            : "\(code) is not an ISO 4217 currency code"
    }

    /// ISO 4217's codes whose minor unit is "N.A.".
    static let unitless: Set<String> = ["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let currency = Currency(code: code) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown currency \(code)")
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Active ISO 4217 codes with a minor unit. Precious metals, testing and SDR codes (minor unit
    /// "N.A.") are left out: nobody invoices in them. Withdrawn codes still seen in ERPs during a
    /// transition (ANG, SLL, ZWL, CUC, HRK) stay so that old invoices still decode.
    public static let minorUnits: [String: Int] = {
        var table: [String: Int] = [:]
        let twoDecimals = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP \
            BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR \
            FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR \
            KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR \
            MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK \
            SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN \
            UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL
            """
        for code in twoDecimals.split(separator: " ") { table[String(code)] = 2 }
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                     "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] { table[code] = 0 }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        for code in ["CLF", "UYW"] { table[code] = 4 }
        return table
    }()
}
