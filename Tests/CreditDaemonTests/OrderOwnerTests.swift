import CreditCore
import CreditStore
import Foundation
import Testing
@testable import CreditDaemon

/// Order ids are the producers': two customers may each have an order `X-1`. An operator's
/// release by order id alone is then refused, naming both customers, and goes through when it
/// names the customer; an order id of one customer works as before.
@Suite struct OrderOwnerTests {
    @Test func aSharedOrderIdIsReleasedOnlyForTheCustomerNamed() throws {
        let dir = PolicyOverridesTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("c.sqlite").path
        let processor = try PolicyOverridesTests.processor(path, PolicyOverridesTests.policy(version: "1", overrideLimit: nil), source: "version 1")
        func order(_ offset: Int64, _ customer: String, _ orderId: String, _ amount: String) -> IncomingMessage {
            let id = "o-\(offset)"
            let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"order.created","time":"2026-02-27T10:00:00Z","data":{"order_id":"\#(orderId)","customer_id":"\#(customer)","amount":"\#(amount)","currency":"EUR"}}"#
            return IncomingMessage(topic: "in", partition: 0, offset: offset, key: nil, value: Array(json.utf8))
        }
        // Both over the default limit of 1000.00: held.
        let held = try processor.process([order(0, "C-1", "X-1", "2000.00"), order(1, "C-2", "X-1", "3000.00"),
                                          order(2, "C-3", "Y-1", "4000.00")], wallNow: PolicyOverridesTests.now)
        #expect(held.outputs.filter { $0.type == .orderHeld }.count == 3)

        func release(_ orderId: String, customer: String?) throws -> Result<[OutputEvent], OperatorFailure> {
            try processor.perform(.releaseOrder(orderId: orderId, customerId: customer, note: "prepaid"), by: "maria",
                                  requestId: "r-\(orderId)-\(customer ?? "")", wallNow: PolicyOverridesTests.now).map(\.outputs)
        }
        guard case .failure(let ambiguous) = try release("X-1", customer: nil) else { Issue.record("released without a customer"); return }
        #expect(ambiguous.status == 409 && ambiguous.code == "ambiguous_order")
        #expect(ambiguous.message.contains("customers C-1, C-2 each have an order X-1"), "\(ambiguous.message)")
        guard case .failure(let wrong) = try release("X-1", customer: "C-3") else { Issue.record("released for a customer without it"); return }
        #expect(wrong.status == 404 && wrong.message == "customer C-3 has no order X-1 (C-1, C-2 have one)", "\(wrong.message)")

        let second = try release("X-1", customer: "C-2").get()
        #expect(second.first { $0.type == .orderReleased }?.customerId == "C-2")
        let states = try CreditDatabase(readOnlyPath: path).read { db in
            (try StateCodec.load(db, id: "C-1"), try StateCodec.load(db, id: "C-2"))
        }
        #expect(states.0?.orderDecisions["X-1"]?.status == .held)
        #expect(states.1?.orderDecisions["X-1"]?.status == .released)
        // An id only one customer has needs no customer.
        #expect(try release("Y-1", customer: nil).get().contains { $0.type == .orderReleased && $0.customerId == "C-3" })
    }
}
