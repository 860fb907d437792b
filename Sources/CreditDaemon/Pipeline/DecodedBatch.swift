import CreditCore
import Dispatch
import Synchronization

/// A batch's messages decoded on another thread, a chunk at a time, while the writer applies the
/// ones before: decoding is pure and needs nothing the writer changes. Small batches (the steady,
/// latency-bound case) are decoded in place, where a hand-over would only add a thread wake-up.
struct DecodedBatch {
    typealias Decoded = Result<DecodedEvent, EventError>

    /// Messages per hand-over; the writer waits at most for the first chunk.
    static let chunkSize = 128
    /// Chunks decoded ahead of the one the writer reads: enough to keep it from waiting, few
    /// enough that a batch of thousands is not held decoded all at once.
    static let chunksAhead = 4

    private final class Chunk: Sendable {
        let ready = DispatchSemaphore(value: 0)
        let results = Mutex<[Decoded]>([])
    }

    private let messages: [IncomingMessage]
    private let decoder: EventDecoder
    /// nil when decoding in place.
    private let chunks: [Chunk]?
    private let queue: DispatchQueue?
    /// The chunk the writer is reading, taken out of its lock once.
    private var current: (index: Int, results: [Decoded])?

    init(_ messages: [IncomingMessage], decoder: EventDecoder, queue: DispatchQueue) {
        self.messages = messages
        self.decoder = decoder
        guard messages.count >= 2 * Self.chunkSize else {
            chunks = nil
            self.queue = nil
            return
        }
        self.chunks = (0..<(messages.count + Self.chunkSize - 1) / Self.chunkSize).map { _ in Chunk() }
        self.queue = queue
        for index in 0..<Self.chunksAhead { hand(chunk: index) }
    }

    /// Queues the decoding of chunk `index` (if there is one).
    private func hand(chunk index: Int) {
        guard let chunks, let queue, chunks.indices.contains(index) else { return }
        let chunk = chunks[index]
        let slice = Array(messages[index * Self.chunkSize..<min((index + 1) * Self.chunkSize, messages.count)])
        let decoder = self.decoder
        queue.async {
            let results = slice.map { decoder.decode($0.value) }
            chunk.results.withLock { $0 = results }
            chunk.ready.signal()
        }
    }

    /// The decoded message at `index`; call with increasing indexes.
    mutating func result(at index: Int) -> Decoded {
        guard let chunks else { return decoder.decode(messages[index].value) }
        let chunkIndex = index / Self.chunkSize
        if current?.index != chunkIndex {
            hand(chunk: chunkIndex + Self.chunksAhead)
            let chunk = chunks[chunkIndex]
            chunk.ready.wait()
            current = (chunkIndex, chunk.results.withLock { results in
                defer { results = [] }
                return results
            })
        }
        return current!.results[index % Self.chunkSize]
    }
}
