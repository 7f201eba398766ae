public import Runtime

/// Text that people read in lists and on the device's screen (device names,
/// ingredients) must look like what it is: no control characters (C0, DEL,
/// C1: they corrupt terminals, logs and CSV) and no bidirectional formatting
/// characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which
/// can make a name display as a different one ("Trojan Source").
/// Line and paragraph separators (U+2028, U+2029) break single-line fields too.
public enum DisplayText {
    public static let problem = FieldProblem(code: "control_characters",
                                             message: "must not contain control characters or bidirectional formatting characters")

    public static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: isForbidden)
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        case 0x2028, 0x2029: true
        default: false
        }
    }
}
