// A test helper, not a product: CreditSystemdTests starts it in a private mount namespace where
// /run/systemd/journal/socket is the test's own datagram socket, and checks what arrives there.
// It logs a fixed script through the real JournalLogHandler (and the rate limiter in front of it),
// so the test sees exactly what journald would receive from creditd.
import CreditSystemd
import Logging

/// Entries the test matches field by field.
func logStructuredEntries(to logger: Logger) {
    logger.info(
        "order held for credit review",
        metadata: [
            "customer_id": "C-1001", "order_id": "O-7", "invoice_id": "I-3", "decision": "hold",
            "reason": "OVER_LIMIT", "event_id": "evt-42", "topic": "orders",
            "partition": .stringConvertible(3), "offset": .stringConvertible(1042),
        ]
    )
    logger.warning(
        "line one\nline two",
        metadata: [
            "weird-key.name": "x", "_private": "y", "9lives": "z", "priority": "forged",
            "order": ["id": "O-8"],
        ]
    )
    logger.critical("storage failed")
    logger.debug("poll detail")
}

/// Routine lines over a tiny budget, through the handler `CreditLogging.bootstrap` installs: 3 pass,
/// 5 are dropped, the warning always passes, and the pending suppression is reported at the end.
func logThroughRateLimit(gate: LogRateGate) {
    let logger = Logger(label: "creditd.kafka")
    for poll in 1...8 {
        logger.info("poll returned \(poll) records")
    }
    logger.debug("below the bootstrap level: never reaches the handler")
    logger.warning("broker slow")
    gate.reportSuppressed(to: logger)
}

var structured = JournalLogHandler(label: "creditd.decisions")
structured.logLevel = .trace
logStructuredEntries(to: Logger(label: "creditd.decisions") { _ in structured })

let budget = LogRateLimiter.Configuration(messages: 1, per: .seconds(3_600), burst: 3, summaryInterval: .seconds(3_600))
guard let gate = CreditLogging.bootstrap(level: .info, rateLimit: budget, destination: .journal) else {
    fatalError("bootstrap with a rate limit returns its gate")
}
logThroughRateLimit(gate: gate)
print("journal-probe: done")
