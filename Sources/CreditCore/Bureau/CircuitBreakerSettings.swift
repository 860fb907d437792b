/// When the breaker opens and for how long (`bureau.breaker` in the policy).
public struct CircuitBreakerSettings: Sendable, Equatable, Codable {
    /// Consecutive failed requests that open the breaker.
    public var failureThreshold: Int
    /// How long it stays open before one probe request may test the bureau again.
    public var openFor: Duration

    public init(failureThreshold: Int, openFor: Duration) {
        self.failureThreshold = max(failureThreshold, 1)
        self.openFor = openFor
    }
}
