import CreditCore

// Field order of version 1 for the customer-level types. Append new fields at the end of a type,
// guarded by the version they appear in.

extension BinaryWriter {
    mutating func customerState(_ state: CustomerState) {
        string(state.customerId)
        optionalString(state.name)
        optional(state.temporaryLimit) { writer, limit in
            writer.decimal(limit.amount)
            writer.date(limit.expiresOn)
            writer.string(limit.setBy)
        }
        optionalDecimal(state.permanentLimit)
        optionalString(state.permanentLimitSetBy)
        optionalDecimal(state.classLimit)
        optionalInt(state.paymentTermsDays)
        optionalString(state.paymentTermsSetBy)
        optional(state.operatorBlock) { writer, block in
            writer.string(block.reason)
            writer.string(block.by)
            writer.timestamp(block.at)
        }
        bool(state.blockedByDunning)
        int(state.dunningLevel)
        optionalDate(state.lastDunningRise)
        optionalString(state.riskClass)
        optionalInt(state.score)
        optionalDate(state.reviewDate)
        array(state.scoreReasons) { $0.string($1) }
        optionalDate(state.reviewAlertedFor)
        optional(state.bureauReport) { writer, report in
            writer.int(report.score)
            writer.decimal(report.recommendedLimit)
            writer.string(report.currency.code)
            writer.bool(report.derogatory)
            writer.date(report.asOf)
            writer.optionalString(report.source)
        }
        if !itemsApart {
            count(state.orderDecisions.count)
            for (id, decision) in state.orderDecisions {
                string(id)
                orderDecision(decision)
            }
        }
        array(state.utilizationCrossed) { $0.decimal($1) }
        // A large customer's decisions and ledger items are rows of their own (version 3 on).
        if itemsApart { ledgerTotals(state.journal.current) } else { ledger(state.journal.current) }
        optionalTimestamp(state.lastEventTime)
        optionalTimestamp(state.firstSeen)
        if version >= 4 { optionalDate(state.scoredOn) }
        if version >= 5 { optionalString(state.operatorBlockLiftedBy) }
        if version >= 6 { optional(state.defaultLimitSeen) { $0.optionalDecimal($1.amount) } }
    }

    mutating func orderDecision(_ decision: OrderDecision) {
        string(decision.orderId)
        byte(StoredCode.status(decision.status))
        array(decision.reasons) { writer, reason in
            writer.byte(StoredCode.reason(reason.code))
            writer.string(reason.message)
        }
        int(decision.firstSeenSequence)
        timestamp(decision.decidedAt)
        optionalString(decision.releasedBy)
        optionalString(decision.note)
    }
}

extension BinaryReader {
    mutating func customerState() throws -> CustomerState {
        var state = CustomerState(customerId: try string())
        state.name = try optionalString()
        state.temporaryLimit = try optional { reader in
            TemporaryLimit(amount: try reader.decimal(), expiresOn: try reader.date(), setBy: try reader.string())
        }
        state.permanentLimit = try optionalDecimal()
        state.permanentLimitSetBy = try optionalString()
        state.classLimit = try optionalDecimal()
        state.paymentTermsDays = try optionalInt()
        state.paymentTermsSetBy = try optionalString()
        state.operatorBlock = try optional { reader in
            OperatorBlock(reason: try reader.string(), by: try reader.string(), at: try reader.timestamp())
        }
        state.blockedByDunning = try bool()
        state.dunningLevel = try int()
        state.lastDunningRise = try optionalDate()
        state.riskClass = try optionalString()
        state.score = try optionalInt()
        state.reviewDate = try optionalDate()
        state.scoreReasons = try array { try $0.string() }
        state.reviewAlertedFor = try optionalDate()
        state.bureauReport = try optional { reader in
            let score = try reader.int()
            let limit = try reader.decimal()
            let code = try reader.string()
            guard let currency = Currency(code: code) else { throw reader.fail("unknown currency \(code)") }
            return BureauReport(score: score, recommendedLimit: limit, currency: currency, derogatory: try reader.bool(),
                                asOf: try reader.date(), source: try reader.optionalString())
        }
        if !itemsApart {
            let decisions = try count()
            var orderDecisions: [String: OrderDecision] = [:]
            orderDecisions.reserveCapacity(decisions)
            for _ in 0..<decisions {
                let id = try string()
                orderDecisions[id] = try orderDecision()
            }
            state.orderDecisions = orderDecisions
        }
        state.utilizationCrossed = try array { try $0.decimal() }
        state.journal = LedgerJournal(current: itemsApart ? try ledgerTotals() : try ledger())
        state.lastEventTime = try optionalTimestamp()
        state.firstSeen = try optionalTimestamp()
        if version >= 4 { state.scoredOn = try optionalDate() }
        if version >= 5 { state.operatorBlockLiftedBy = try optionalString() }
        if version >= 6 { state.defaultLimitSeen = try optional { DefaultLimitSeen(try $0.optionalDecimal()) } }
        return state
    }

    mutating func orderDecision() throws -> OrderDecision {
        let orderId = try string()
        let status = try StoredCode.status(try byte(), self)
        let reasons = try array { reader in
            HoldReason(code: try StoredCode.reason(try reader.byte(), reader), message: try reader.string())
        }
        return OrderDecision(orderId: orderId, status: status, reasons: reasons, firstSeenSequence: try int64(),
                             decidedAt: try timestamp(), releasedBy: try optionalString(), note: try optionalString())
    }
}

/// Stable numbers for the enums stored in rows (never reuse a number; the enums' case order may change).
enum StoredCode {
    static func status(_ status: OrderStatus) -> UInt8 {
        switch status {
        case .approved: 0
        case .held: 1
        case .released: 2
        }
    }

    static func status(_ byte: UInt8, _ reader: BinaryReader) throws -> OrderStatus {
        switch byte {
        case 0: .approved
        case 1: .held
        case 2: .released
        default: throw reader.fail("unknown order status \(byte)")
        }
    }

    static func reason(_ code: HoldReasonCode) -> UInt8 {
        switch code {
        case .customerBlocked: 0
        case .noCreditLimit: 1
        case .overLimit: 2
        case .pastDue: 3
        case .highRisk: 4
        case .maxOrderValue: 5
        case .reviewOverdue: 6
        }
    }

    static func reason(_ byte: UInt8, _ reader: BinaryReader) throws -> HoldReasonCode {
        switch byte {
        case 0: .customerBlocked
        case 1: .noCreditLimit
        case 2: .overLimit
        case 3: .pastDue
        case 4: .highRisk
        case 5: .maxOrderValue
        case 6: .reviewOverdue
        default: throw reader.fail("unknown hold reason \(byte)")
        }
    }
}
