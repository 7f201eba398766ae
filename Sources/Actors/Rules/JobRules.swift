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
        var fields: [String: String] = [:]
        if items.isEmpty {
            fields["items"] = "must have at least 1 item"
        } else if items.count > maxItems {
            fields["items"] = "must have at most \(maxItems) items"
        }
        for (i, item) in items.prefix(maxItems).enumerated() {
            if item.frascoIndex < 0 || item.frascoIndex >= frascoCount {
                fields["items[\(i)].frasco_index"] = "must be between 0 and \(frascoCount - 1)"
            }
            if item.amountMg <= 0 {
                fields["items[\(i)].amount_mg"] = "must be greater than 0"
            } else if item.amountMg > maxAmountMg {
                fields["items[\(i)].amount_mg"] = "must be at most \(maxAmountMg)"
            }
        }
        if !fields.isEmpty { throw .invalid(message: "The job is not valid.", fields: fields) }
    }

    /// Checks a new device; names every bad field at once.
    public static func validateDevice(name: String, frascos: Int) throws(DomainError) {
        var fields: [String: String] = [:]
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 100 { fields["name"] = "must be 1 to 100 characters" }
        if !DisplayText.isClean(name) { fields["name"] = DisplayText.problem }
        if !(1...maxFrascos).contains(frascos) { fields["frascos"] = "must be between 1 and \(maxFrascos)" }
        if !fields.isEmpty { throw .invalid(message: "The device is not valid.", fields: fields) }
    }
}

import Foundation
