// libFuzzer harness for the strict JSON syntax check (and the UTF-8 validator
// it uses). Not part of any SwiftPM target: scripts/fuzz.sh json compiles it
// with those (stdlib-only) sources into one executable.
//
// Oracles (a failure traps, which libFuzzer reports as a crash):
// - the check terminates and never reads out of bounds (ASan);
// - accepted text stays accepted with whitespace around it, and a valid value
//   wrapped in an array is still valid: the grammar composes;
// - nothing with an unpaired bracket is accepted.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let valid = JSONSyntax.isValid(bytes)
    if valid {
        precondition(JSONSyntax.isValid([0x20] + bytes + [0x0A]), "whitespace changed the verdict")
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            precondition(depth >= 0, "accepted a closing bracket without its opening one")
        }
        precondition(depth == 0 && !inString, "accepted unbalanced input")
        // One more level is still within the nesting limit: wrapping must stay valid.
        if deepest < JSONSyntax.maxDepth - 1 {
            precondition(JSONSyntax.isValid(Array("[".utf8) + bytes + Array("]".utf8)), "a valid value is not a valid element")
        }
    }
    return 0
}
