import Logging

/// One log statement with the metadata that applies to it, resolved once so the journal and the
/// stderr formats agree on what a line says.
public struct LogRecord: Sendable {
    public var label: String
    public var level: Logger.Level
    public var message: String
    /// Handler metadata, overridden by the metadata provider, overridden by the statement's own;
    /// an attached error adds `error.message` and `error.type` (as swift-log's own handlers do).
    public var metadata: Logger.Metadata
    public var file: String
    public var function: String
    public var line: UInt

    public init(
        label: String, level: Logger.Level, message: String, metadata: Logger.Metadata = [:],
        file: String, function: String, line: UInt
    ) {
        self.label = label
        self.level = level
        self.message = message
        self.metadata = metadata
        self.file = file
        self.function = function
        self.line = line
    }

    public init(label: String, event: LogEvent, base: Logger.Metadata, provider: Logger.MetadataProvider?) {
        var merged = base
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        self.init(
            label: label, level: event.level, message: event.message.description, metadata: merged,
            file: event.file, function: event.function, line: event.line
        )
    }

    /// Metadata as sorted `(key, text)` pairs; nested dictionaries become `outer<separator>inner`
    /// keys so a journal query can reach them as plain fields.
    public func flattenedMetadata(separator: String) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        Self.flatten(metadata, prefix: "", separator: separator, into: &pairs)
        return pairs.sorted { $0.key < $1.key }
    }

    private static func flatten(
        _ metadata: Logger.Metadata, prefix: String, separator: String,
        into pairs: inout [(key: String, value: String)]
    ) {
        for (key, value) in metadata {
            let fullKey = prefix.isEmpty ? key : prefix + separator + key
            switch value {
            case .string(let text):
                pairs.append((fullKey, text))
            case .stringConvertible(let convertible):
                pairs.append((fullKey, convertible.description))
            case .array:
                pairs.append((fullKey, value.description))
            case .dictionary(let nested):
                flatten(nested, prefix: fullKey, separator: separator, into: &pairs)
            }
        }
    }
}
