import Foundation
import Testing
@testable import CreditCore

@Suite("Dunning performance sanity")
struct DunningPerformanceTests {
    /// The pure part of one scheduler run: 2,000 customers with 10 open invoices each (a tenth of
    /// the issue's 100,000 x 10), every one overdue, dunned at one tick. Prints the CPU time per
    /// customer; asserts the work was done (no timing assertion: machines differ).
    @Test func oneTickOverManyCustomers() {
        let policy = Fixtures.dunningPolicy()
        var states: [CustomerState] = []
        for customer in 0..<2_000 {
            var h = Harness(customerId: "C-\(customer)", policy: policy)
            for invoice in 0..<10 {
                h.ship("O-\(invoice)", invoice: "I-\(customer)-\(invoice)", "\(100 + invoice).00",
                       at: "2026-01-\(String(format: "%02d", 1 + invoice))T10:00:00Z")
            }
            states.append(h.state)
        }
        let tick = Fixtures.time("2026-03-01T00:00:00Z")
        var notices = 0
        let cpuStart = PerformanceTests.threadCPUSeconds()
        for index in states.indices where CreditEngine.needsDunningRun(states[index], on: tick.utcDate) {
            notices += CreditEngine.runDunning(for: &states[index], tick: tick, policy: policy, instance: "perf")
                .filter { $0.type == .dunningNotice }.count
        }
        let cpu = PerformanceTests.threadCPUSeconds() - cpuStart
        print("dunning tick: \(states.count) customers x 10 invoices in \(String(format: "%.3f", cpu)) s CPU = "
              + "\(String(format: "%.1f", cpu / Double(states.count) * 1e6)) µs per customer")
        #expect(notices == states.count)
        #expect(states.allSatisfy { $0.dunningLevel == 1 })
    }
}
