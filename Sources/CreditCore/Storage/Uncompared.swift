/// A value kept beside a state for the store's bookkeeping, outside the state's equality: two
/// states with the same content are equal wherever they were loaded from.
public struct Uncompared<Value: Sendable>: Sendable, Equatable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public static func == (lhs: Uncompared, rhs: Uncompared) -> Bool { true }
}
