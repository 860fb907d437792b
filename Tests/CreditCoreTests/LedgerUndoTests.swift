import Testing
@testable import CreditCore
import CreditTestSupport

/// An undo record must take an entry back exactly: every item, the totals, the credit notes and
/// the open sets. Random histories (the commuting tests' generator, every kind of entry, ids that
/// collide) are folded in order; after each entry the ledger is taken back and compared with the
/// ledger before it, then the entry is folded again.
@Suite("Ledger undo records")
struct LedgerUndoTests {
    @Test(arguments: 0..<40)
    func undoingAnEntryGivesTheLedgerBeforeIt(seed: Int) {
        var generator = LedgerJournalCommutingTests.HistoryGenerator(random: SplitMix64(seed: UInt64(seed) &* 104_729 &+ 1))
        let payloads = generator.history(count: 120)
        var ledger = Ledger()
        var records: [LedgerUndo] = []
        var snapshots: [Ledger] = []
        for (index, payload) in payloads.enumerated() {
            let entry = LedgerEntry(sequence: Int64(index + 1), time: generator.time(index), eventId: "e\(index)",
                                    customerTermsDays: 30, payload: payload)
            let before = ledger
            var plain = ledger
            plain.apply(entry)
            let record = ledger.applyRecordingUndo(entry)
            #expect(ledger == plain, "entry \(index) (\(payload.type.rawValue)): recording changed the fold")
            var undone = ledger
            undone.undo(record)
            #expect(undone == before, "entry \(index) (\(payload.type.rawValue)): undo did not restore the ledger")
            #expect(undone.recomputedTotals() == (before.openReceivables, before.unappliedCash))
            records.append(record)
            snapshots.append(before)
        }
        // Taking back several entries newest first walks the history backwards.
        for index in payloads.indices.reversed() {
            ledger.undo(records[index])
            #expect(ledger == snapshots[index], "taking back entries down to \(index)")
        }
        #expect(ledger == Ledger())
    }

    @Test func overlappingRecordsShareAnItemOrBothAddCreditNotes() {
        var a = LedgerUndo()
        var b = LedgerUndo()
        #expect(!a.overlaps(b))
        a.saved = [.invoice("I1", nil)]
        b.saved = [.invoice("I2", nil), .order("I1", nil), .payment("I1", nil)]
        #expect(!a.overlaps(b), "same id, other kinds")
        b.saved.append(.invoice("I1", nil))
        #expect(a.overlaps(b) && b.overlaps(a))
        b.saved = (0..<40).map { .invoice("X\($0)", nil) }
        a.saved = (0..<10).map { .invoice("Y\($0)", nil) } + [.invoice("X39", nil)]
        #expect(a.overlaps(b))
        a.saved.removeLast()
        #expect(!a.overlaps(b))
        a.creditNotesAdded = 1
        #expect(!a.overlaps(b))
        b.creditNotesAdded = 2
        #expect(a.overlaps(b))
    }
}
