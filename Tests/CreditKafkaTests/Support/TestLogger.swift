import Logging

/// Tests log warnings and above to stderr, so a failing run shows what librdkafka complained about.
let testLogger: Logger = {
    var logger = Logger(label: "creditd.kafka.test") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}()
