import Foundation
import Testing
@testable import CreditCore
import CreditTestSupport

@Suite("Performance sanity")
struct PerformanceTests {
    /// Decodes and applies 100k synthetic events over 1000 customers and prints the rate.
    /// No timing assertion (machines differ); it asserts the work was really done.
    @Test func decodeAndApplyRate() throws {
        let policy = Fixtures.policy(defaultLimit: DecimalAmount("1000000.00"))
        let decoder = EventDecoder(policy: policy)
        var messages: [[UInt8]] = []
        messages.reserveCapacity(100_000)
        var generator = SplitMix64(seed: 42)
        for index in 0..<25_000 {
            let customer = "C-\(index % 1000)"
            let day = 1 + index / 1000
            let time = "2026-\(day <= 28 ? "10" : "11")-\(String(format: "%02d", (day - 1) % 28 + 1))T10:00:00Z"
            let amount = "\(100 + Int(generator.next() % 900)).\(String(format: "%02d", Int(generator.next() % 100)))"
            let data = { (fields: String) in #"{"customer_id":"\#(customer)",\#(fields)}"# }
            messages.append(Array(Fixtures.event("order.created", id: "o\(index)", time: time,
                data: data(#""order_id":"O-\#(index)","amount":"\#(amount)","currency":"EUR""#)).utf8))
            messages.append(Array(Fixtures.event("shipment.shipped", id: "s\(index)", time: time,
                data: data(#""shipment_id":"S-\#(index)","order_id":"O-\#(index)","invoice_id":"I-\#(index)","amount":"\#(amount)","currency":"EUR""#)).utf8))
            messages.append(Array(Fixtures.event("payment.received", id: "p\(index)", time: time,
                data: data(#""payment_id":"P-\#(index)","amount":"\#(amount)","currency":"EUR","allocations":[{"invoice_id":"I-\#(index)","amount":"\#(amount)"}]"#)).utf8))
            messages.append(Array(Fixtures.event("dispute.opened", id: "d\(index)", time: time, data: data(#""invoice_id":"I-\#(index)""#)).utf8))
        }
        var states: [String: CustomerState] = [:]
        var outputs = 0
        var sequence: Int64 = 0
        let clock = ContinuousClock()
        let cpuStart = Self.threadCPUSeconds()
        let elapsed = clock.measure {
            for message in messages {
                guard case .success(let decoded) = decoder.decode(message) else { continue }
                let event = decoded.event
                sequence += 1
                var state = states.removeValue(forKey: event.customerId) ?? CreditEngine.newCustomer(id: event.customerId, policy: policy)
                let context = DecisionContext(policy: policy, now: event.time, instance: "perf", arrivalSequence: sequence)
                outputs += CreditEngine.apply(event, to: &state, context: context).count
                states[event.customerId] = state
            }
        }
        let cpu = Self.threadCPUSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("decode+apply: \(messages.count) events in \(String(format: "%.2f", seconds)) s wall = \(Int(Double(messages.count) / seconds)) events/s; "
              + "\(String(format: "%.2f", cpu)) s CPU = \(Int(Double(messages.count) / cpu)) events/s per core; \(outputs) outputs")
        #expect(sequence == 100_000)
        #expect(states.count == 1000)
        #expect(outputs >= 25_000)
        #expect(states.values.allSatisfy { $0.exposure().total == .zero })
    }

    /// CPU time of this thread: on a shared machine wall time says little about the code.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
