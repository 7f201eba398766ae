/// Carries a loop-confined value (a connection, a parser) through `@Sendable`
/// closures. The value may only be read on its loop's thread: that is the
/// invariant that makes the `@unchecked Sendable` sound, and debug builds check it.
public struct LoopBound<Value>: @unchecked Sendable {
    @usableFromInline let _value: Value
    public let eventLoop: any EventLoop

    /// Wraps `value`; must be called on `eventLoop`'s thread.
    @inlinable
    public init(_ value: Value, eventLoop: any EventLoop) {
        eventLoop.assertInEventLoop()
        self._value = value
        self.eventLoop = eventLoop
    }

    /// The wrapped value; must be read on the loop thread.
    @inlinable
    public var value: Value {
        eventLoop.assertInEventLoop()
        return _value
    }
}
