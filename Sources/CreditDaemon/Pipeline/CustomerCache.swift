import CreditCore
import CreditStore
import Foundation
import GRDB

/// The customers touched by one batch: loaded once, changed in memory, written back once at the
/// end of the transaction (a hot customer with 500 events in a batch costs one read and one write).
struct CustomerCache {
    private var states: [String: CustomerState] = [:]
    private var dirty: Set<String> = []

    /// The customer's state, moved out of the cache: the caller holds the only reference, so the
    /// engine mutates its ledger in place instead of copying it (a copy per event would make the
    /// cost grow with the customer's history). Hand it back with `update`.
    mutating func state(_ db: Database, _ id: String, policy: Policy) throws -> CustomerState {
        if let cached = states.removeValue(forKey: id) { return cached }
        let state: CustomerState
        if let bytes = try CustomerStore.load(db, id: id) {
            state = try StateCodec.decode(bytes, customer: id)
        } else {
            state = CreditEngine.newCustomer(id: id, policy: policy)
        }
        return state
    }

    mutating func update(_ state: CustomerState) {
        states[state.customerId] = state
        dirty.insert(state.customerId)
    }

    mutating func flush(_ db: Database, updatedAt: String, today: LocalDate) throws {
        for id in dirty.sorted() {
            guard let state = states[id] else { continue }
            try CustomerStore.save(db, id: id, state: try StateCodec.encode(state), flags: StateCodec.flags(state, today: today), updatedAt: updatedAt)
        }
        dirty.removeAll()
    }
}

/// How a `CustomerState` is stored: JSON (readable with the sqlite3 shell, stable across builds).
enum StateCodec {
    static func encode(_ state: CustomerState) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(state))
    }

    static func decode(_ bytes: [UInt8], customer: String) throws -> CustomerState {
        do {
            return try JSONDecoder().decode(CustomerState.self, from: Data(bytes))
        } catch {
            throw StoreError(.invalidData, "the stored state of customer \(customer) cannot be read: \(error)")
        }
    }

    static func flags(_ state: CustomerState, today: LocalDate) -> CustomerStore.Flags {
        .init(hasHeldOrders: !state.heldOrdersOldestFirst.isEmpty, blocked: state.isBlocked, overdue: state.overdue(on: today).count > 0)
    }
}
