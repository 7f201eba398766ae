import Foundation

/// A closable FIFO that dedicated threads block on: the hand-off between
/// async callers and the storage threads.
///
/// Producers never block (``push(_:)`` only takes the lock briefly), so it is
/// safe to push from the Swift cooperative pool or an event loop. Consumers
/// are plain threads that may sleep in ``take(upTo:)``.
final class BlockingQueue<Item: Sendable>: @unchecked Sendable {
    // All state below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private var closed = false

    /// Appends `item`; returns false (and drops it) once the queue is closed.
    func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Waits for items, then removes and returns up to `limit` of them in FIFO
    /// order. Returns nil only when the queue is closed and empty, so items
    /// accepted before ``close()`` are still handed out.
    func take(upTo limit: Int) -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed {
            condition.wait()
        }
        guard head < items.count else { return nil }
        let end = min(items.count, head + max(limit, 1))
        let taken = Array(items[head..<end])
        head = end
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return taken
    }

    /// Refuses further pushes and wakes every consumer. Idempotent.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Items waiting to be taken.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }
}
