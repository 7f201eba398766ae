import Runtime
/// Validation of what users ask for: new jobs and stock changes.
public enum JobRules {
    public static let maxItems = 32
    public static let maxFrascos = 16
    /// One tonne: far above any bottle, far below Int64 overflow when summed.
    public static let maxAmountMg: Int64 = 1_000_000_000
    /// A frasco's stock and capacity ceiling (1,000 tonnes).
    public static let maxStockMg: Int64 = 1_000_000_000_000

    public struct NewItem: Codable, Sendable, Equatable {
        public var frascoIndex: Int
        public var amountMg: Int64
        public init(frascoIndex: Int, amountMg: Int64) {
            self.frascoIndex = frascoIndex
            self.amountMg = amountMg
        }
    }

    /// Checks a new job's items for a device with `frascoCount` frascos.
    public static func validate(items: [NewItem], frascoCount: Int) throws(DomainError) {
        var fields: [String: FieldProblem] = [:]
        if items.isEmpty {
            fields["items"] = .minItems(1)
        } else if items.count > maxItems {
            fields["items"] = .maxItems(Int64(maxItems))
        }
        for (i, item) in items.prefix(maxItems).enumerated() {
            if item.frascoIndex < 0 || item.frascoIndex >= frascoCount {
                fields["items[\(i)].frasco_index"] = .outOfRange(0, Int64(frascoCount - 1))
            }
            if item.amountMg <= 0 {
                fields["items[\(i)].amount_mg"] = .atLeast(1)
            } else if item.amountMg > maxAmountMg {
                fields["items[\(i)].amount_mg"] = .atMost(maxAmountMg)
            }
        }
        if !fields.isEmpty { throw .invalid(message: "The job is not valid.", fields: fields) }
    }

    /// Checks a new device; names every bad field at once.
    public static func validateDevice(name: String, frascos: Int) throws(DomainError) {
        var fields: [String: FieldProblem] = [:]
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 100 { fields["name"] = .length(1, 100) }
        if !DisplayText.isClean(name) { fields["name"] = DisplayText.problem }
        if !(1...maxFrascos).contains(frascos) { fields["frascos"] = .outOfRange(1, Int64(maxFrascos)) }
        if !fields.isEmpty { throw .invalid(message: "The device is not valid.", fields: fields) }
    }
}

import Foundation
