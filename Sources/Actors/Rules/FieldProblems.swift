public import Runtime

/// The dispenser's own field problems, next to the generic ones. Each has a
/// stable code and the values a client needs to explain it (amounts in mg).
extension FieldProblem {
    /// A refill that would overflow the frasco: `fits_mg` is the largest amount that still fits.
    public static func exceedsCapacity(fitsMg: Int64) -> FieldProblem {
        FieldProblem(code: "exceeds_capacity", values: ["fits_mg": fitsMg], message: "at most \(fitsMg) fits")
    }
    /// A stock count above the frasco's capacity.
    public static func aboveCapacity(capacityMg: Int64) -> FieldProblem {
        FieldProblem(code: "above_capacity", values: ["capacity_mg": capacityMg], message: "must be at most the capacity, \(capacityMg)")
    }
    /// A capacity below the frasco's current stock.
    public static func belowStock(stockMg: Int64) -> FieldProblem {
        FieldProblem(code: "below_stock", values: ["stock_mg": stockMg], message: "must be at least the stock, \(stockMg)")
    }
    public static let email = FieldProblem(code: "email", message: "must be an email address")
    /// A password with a NUL: libcrypt's C strings would cut it there.
    public static let noNul = FieldProblem(code: "no_nul", message: "must not contain NUL characters")
    public static func noSuchPosition(_ position: Int) -> FieldProblem {
        FieldProblem(code: "no_such_position", values: ["position": Int64(position)], message: "no item at position \(position)")
    }
    public static func repeatedPosition(_ position: Int) -> FieldProblem {
        FieldProblem(code: "repeated_position", values: ["position": Int64(position)], message: "position \(position) is repeated")
    }
    /// A report naming another frasco than the one the job's item uses.
    public static func frascoMismatch(position: Int, frascoIndex: Int) -> FieldProblem {
        FieldProblem(code: "frasco_mismatch", values: ["position": Int64(position), "frasco_index": Int64(frascoIndex)],
                     message: "item \(position) uses frasco \(frascoIndex)")
    }
}
