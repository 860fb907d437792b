import Foundation
import CreditTestSupport

/// Builds input CloudEvents as JSON lines, the way an order-management system would publish them.
struct Events {
    var source = "oms-test"
    private var counter = 0
    private let base: Date

    init(start: String = "2026-10-01T08:00:00Z") {
        base = ISO8601DateFormatter().date(from: start)!
    }

    /// RFC 3339 time `minutes` after the start.
    func time(_ minutes: Int) -> String {
        ISO8601DateFormatter().string(from: base.addingTimeInterval(Double(minutes) * 60))
    }

    mutating func event(_ type: String, _ customer: String, at minutes: Int, _ data: [String: Any], id: String? = nil) -> String {
        counter += 1
        var payload = data
        payload["customer_id"] = customer
        let object: [String: Any] = [
            "specversion": "1.0", "id": id ?? "\(source)-\(counter)", "source": source, "type": type,
            "time": time(minutes), "subject": customer, "data": payload,
        ]
        let bytes = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func order(_ customer: String, _ order: String, _ amount: String, currency: String = "EUR", at minutes: Int) -> String {
        event("order.created", customer, at: minutes, ["order_id": order, "amount": amount, "currency": currency])
    }

    mutating func amend(_ customer: String, _ order: String, _ amount: String, at minutes: Int) -> String {
        event("order.amended", customer, at: minutes, ["order_id": order, "amount": amount, "currency": "EUR"])
    }

    mutating func cancel(_ customer: String, _ order: String, at minutes: Int) -> String {
        event("order.cancelled", customer, at: minutes, ["order_id": order])
    }

    mutating func ship(_ customer: String, _ order: String, invoice: String, _ amount: String, at minutes: Int) -> String {
        event("shipment.shipped", customer, at: minutes,
              ["shipment_id": "S-\(invoice)", "order_id": order, "invoice_id": invoice, "amount": amount, "currency": "EUR"])
    }

    mutating func pay(_ customer: String, _ payment: String, _ amount: String, at minutes: Int, allocations: [(String, String)] = []) -> String {
        var data: [String: Any] = ["payment_id": payment, "amount": amount, "currency": "EUR"]
        if !allocations.isEmpty { data["allocations"] = allocations.map { ["invoice_id": $0.0, "amount": $0.1] } }
        return event("payment.received", customer, at: minutes, data)
    }

    mutating func reverse(_ customer: String, _ payment: String, at minutes: Int) -> String {
        event("payment.reversed", customer, at: minutes, ["payment_id": payment, "reason": "NSF"])
    }

    /// A deterministic mixed stream over `customers` customers: orders, shipments of them, payments
    /// of the invoices, some late, some over the limit.
    static func stream(count: Int, customers: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        var events = Events()
        var lines: [String] = []
        var openOrders: [(customer: String, order: String, amount: Int)] = []
        var openInvoices: [(customer: String, invoice: String, amount: Int)] = []
        var minute = 0
        var n = 0
        while lines.count < count {
            minute += Int.random(in: 1...30, using: &rng)
            n += 1
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 40 || openOrders.isEmpty {
                let customer = "C-\(Int.random(in: 1...customers, using: &rng))"
                let amount = Int.random(in: 1...60, using: &rng) * 100
                let order = "O-\(n)"
                lines.append(events.order(customer, order, "\(amount).00", at: minute))
                openOrders.append((customer, order, amount))
            } else if roll < 70 {
                let index = Int.random(in: 0..<openOrders.count, using: &rng)
                let o = openOrders.remove(at: index)
                let invoice = "I-\(n)"
                lines.append(events.ship(o.customer, o.order, invoice: invoice, "\(o.amount).00", at: minute))
                openInvoices.append((o.customer, invoice, o.amount))
            } else if !openInvoices.isEmpty {
                let index = Int.random(in: 0..<openInvoices.count, using: &rng)
                let i = openInvoices.remove(at: index)
                let allocations = roll < 85 ? [(i.invoice, "\(i.amount).00")] : []
                lines.append(events.pay(i.customer, "P-\(n)", "\(i.amount).00", at: minute, allocations: allocations))
            }
        }
        return lines
    }
}

