/// When the background checkpointer runs and when it stands aside for the writer.
///
/// The writer's fallback checkpoint (SQLite's automatic one, at `fallbackPages`) is passive: it
/// gives up when the background connection holds the checkpoint lock. A writer whose every
/// fallback met a background checkpoint in progress let the WAL grow for as long as commits kept
/// coming (33 MB in a test of 6,000 pages with a fallback of 400). So once a checkpoint finds the
/// WAL past twice the fallback, the background checkpointer stands aside for `pause`: the
/// writer's next fallback runs uncontested, copies what is left, and its next write starts the
/// WAL again, as SQLite does without a background checkpointer.
struct CheckpointPacing: Sendable {
    enum Action: Equatable, Sendable {
        case checkpoint
        case standAside
    }

    /// Past this many WAL frames the checkpointer stands aside (nil: never).
    let standAsideAbove: Int?
    let pause: Duration
    private(set) var resumeAt: ContinuousClock.Instant?

    init(fallbackPages: Int?, pause: Duration = .seconds(1)) {
        standAsideAbove = fallbackPages.map { 2 * max($0, 1) }
        self.pause = pause
    }

    /// What to do at `now`, a round of the periodic loop.
    mutating func next(at now: ContinuousClock.Instant) -> Action {
        if let resumeAt, now < resumeAt { return .standAside }
        resumeAt = nil
        return .checkpoint
    }

    /// What a checkpoint at `now` found: a WAL past the bound starts a pause.
    mutating func observed(walFrames: Int, at now: ContinuousClock.Instant) {
        if let limit = standAsideAbove, walFrames > limit { resumeAt = now + pause }
    }
}
