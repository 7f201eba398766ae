// libFuzzer harness for the strict JSON parser (and JSONWriter's canonical
// form). Not part of any SwiftPM target: scripts/fuzz.sh json compiles it with
// the stdlib-only JSON sources into one executable, linked with Foundation,
// whose JSONSerialization is the reference.
//
// Oracles (a failure traps, which libFuzzer reports as a crash):
// - the parser terminates and never reads out of bounds (ASan), whatever the bytes;
// - anything it accepts, Foundation accepts, and both read the same values;
// - the canonical re-encoding of an accepted document parses, and is its own canonical form;
// - accepted text stays accepted with whitespace around it.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONParser().parse(buffer) else { return 0 }
    let bytes = Array(buffer)
    guard let reference = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
        preconditionFailure("accepted what Foundation refuses")
    }
    precondition(sameValue(value, reference), "read different values than Foundation")
    let canonical = JSONWriter.canonical(value)
    let reparsed = try? JSONParser().parse(canonical)
    precondition(reparsed.map(JSONWriter.canonical) == canonical, "the canonical form does not parse back to the same value")
    precondition((try? JSONParser().parse([0x20] + bytes + [0x0A])) == value, "whitespace changed the value")
    return 0
}

/// Whether a parsed value and Foundation's reading of the same text are the same values.
func sameValue(_ value: JSONValue, _ reference: Any) -> Bool {
    switch value {
    case .null: return reference is NSNull
    case .bool(let bool): return (reference as? Bool) == bool
    case .string(let string): return (reference as? String) == string
    case .number(let number):
        guard let other = reference as? NSNumber else { return false }
        if let exact = number.int64 { return other.int64Value == exact || other.doubleValue == Double(exact) }
        // Foundation reads long integers as NSDecimalNumber, whose doubleValue
        // is not correctly rounded (6.599999999999993e108 for 66 followed by
        // 107 zeros): ours is the exact one, so allow Foundation's error.
        if other is NSDecimalNumber { return (other.doubleValue - number.double).magnitude <= number.double.magnitude * 1e-12 }
        return other.doubleValue == number.double
    case .array(let elements):
        guard let others = reference as? [Any], others.count == elements.count else { return false }
        return zip(elements, others).allSatisfy { sameValue($0, $1) }
    case .object(let object):
        guard let others = reference as? [String: Any], others.count == object.count else { return false }
        return object.members.allSatisfy { member in others[member.key].map { sameValue(member.value, $0) } ?? false }
    }
}
