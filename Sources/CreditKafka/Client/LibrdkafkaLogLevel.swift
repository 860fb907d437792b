import Logging

/// librdkafka logs with syslog severities (0 emergency ... 7 debug); swift-log has its own scale.
enum LibrdkafkaLogLevel {
    static func loggerLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical   // emerg, alert, crit
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
