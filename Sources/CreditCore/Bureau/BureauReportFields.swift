/// Field rules shared by the endpoint's JSON and the import CSV, so both accept the same values.
enum BureauReportFields {
    static func score(_ text: String) -> Result<Int, BureauReportError> {
        guard !text.isEmpty, text.count <= 3, text.allSatisfy({ $0 >= "0" && $0 <= "9" }), let value = Int(text), value <= 100 else {
            return .failure(BureauReportError(code: .invalidField, field: "score", message: "must be a whole number from 0 to 100, not \"\(text)\""))
        }
        return .success(value)
    }

    static func currency(_ text: String) -> Result<Currency, BureauReportError> {
        guard let currency = Currency(code: text) else {
            return .failure(BureauReportError(code: .invalidField, field: "currency", message: "\"\(text)\" is not an ISO 4217 currency code"))
        }
        return .success(currency)
    }

    /// A decimal string, zero allowed, with at most the currency's decimals.
    static func recommendedLimit(_ text: String, currency: Currency) -> Result<DecimalAmount, BureauReportError> {
        switch DecimalAmount.parse(text) {
        case .failure(let error):
            let message = error == .sign ? "must not be negative" : error.message
            return .failure(BureauReportError(code: .invalidField, field: "recommended_limit", message: "\"\(text)\" \(message)"))
        case .success(let amount):
            guard amount.scale <= currency.minorUnit else {
                return .failure(BureauReportError(code: .invalidField, field: "recommended_limit",
                                                  message: "\"\(text)\" has more decimals than \(currency.code)'s \(currency.minorUnit)"))
            }
            return .success(amount)
        }
    }

    static func asOf(_ text: String) -> Result<LocalDate, BureauReportError> {
        guard let date = LocalDate(text) else {
            return .failure(BureauReportError(code: .invalidField, field: "as_of", message: "must be a date YYYY-MM-DD, not \"\(text)\""))
        }
        return .success(date)
    }
}
