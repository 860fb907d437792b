/// An output event as serialized for the outbox: `creditd replay` prints these very bytes instead
/// of serializing every event a second time (the two are the same `OutputEvent.jsonBytes()`).
public struct RenderedOutput: Sendable {
    public var id: String
    public var bytes: [UInt8]

    public init(id: String, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }
}

extension BatchProcessor.Outcome {
    /// Each output's line, `outputs` order: the bytes recorded for it when `rendered` has them at
    /// that place (matched by id), else serialized now.
    public func forEachOutputLine(_ body: ([UInt8]) -> Void) {
        var next = rendered.startIndex
        for event in outputs {
            if next < rendered.endIndex && rendered[next].id == event.id {
                body(rendered[next].bytes)
                next += 1
            } else {
                body(event.jsonBytes())
            }
        }
    }
}
