/// True when `a` and `b` hold the same bytes, in time that depends only on
/// their lengths, not on where they first differ. Use it for MACs, token
/// hashes and password-hash outputs. Lengths are not secret: unequal lengths
/// return false at once.
@inline(never)
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            for index in 0..<a.count {
                difference |= a[index] ^ b[index]
            }
        }
    }
    return difference == 0
}
