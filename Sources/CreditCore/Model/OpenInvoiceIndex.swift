/// The ledger's open invoices (issued, something open, disputed or not), by id and in the order a
/// payment without allocations takes them: due date, then invoice id.
///
/// A payment takes one or two invoices of the many a busy account has open; reading them from
/// the front of this order costs the few it takes, where sorting or scanning the open set cost
/// every one of them per payment. Overdue walks read the front too: an overdue invoice is due
/// before every invoice that is not. Not stored: `Ledger` rebuilds it when a state is loaded.
public struct OpenInvoiceIndex: Sendable, Equatable {
    public struct Key: Sendable, Comparable {
        public let due: LocalDate
        public let invoiceId: String

        public static func < (a: Key, b: Key) -> Bool {
            a.due != b.due ? a.due < b.due : a.invoiceId.utf8.lexicographicallyPrecedes(b.invoiceId.utf8)
        }
    }

    /// The due date each open invoice is filed under (to find its key when it changes).
    private var dueById: [String: LocalDate] = [:]
    /// Every key of `dueById`, sorted.
    public private(set) var ordered: [Key] = []

    /// Where an invoice without a due date sorts: after every dated one.
    static let undated = LocalDate(daysSinceEpoch: Int.max / 2)

    public init() {}

    /// The index of these invoices (those open among them).
    init<S: Sequence>(_ invoices: S) where S.Element == Invoice {
        for invoice in invoices where invoice.isOpen {
            let due = invoice.dueDate ?? Self.undated
            dueById[invoice.invoiceId] = due
            ordered.append(Key(due: due, invoiceId: invoice.invoiceId))
        }
        ordered.sort()
    }

    public var ids: Dictionary<String, LocalDate>.Keys { dueById.keys }
    public var count: Int { ordered.count }

    public func contains(_ invoiceId: String) -> Bool { dueById[invoiceId] != nil }

    /// Files `invoice` under its current due date if it is open, and takes it out if not.
    mutating func update(_ invoiceId: String, _ invoice: Invoice?) {
        let due = invoice.flatMap { $0.isOpen ? ($0.dueDate ?? Self.undated) : nil }
        let filed = dueById[invoiceId]
        guard due != filed else { return }
        if let filed, let at = position(of: Key(due: filed, invoiceId: invoiceId)) {
            ordered.remove(at: at)
        }
        dueById[invoiceId] = due
        if let due {
            let key = Key(due: due, invoiceId: invoiceId)
            ordered.insert(key, at: insertionPoint(of: key))
        }
    }

    /// The first position whose key is not before `key`.
    private func insertionPoint(of key: Key) -> Int {
        var low = 0, high = ordered.count
        while low < high {
            let middle = (low + high) / 2
            if ordered[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func position(of key: Key) -> Int? {
        let at = insertionPoint(of: key)
        return at < ordered.count && ordered[at].invoiceId == key.invoiceId ? at : nil
    }
}
