import Foundation
import Runtime

/// Validation of recipes and the mapping of a recipe onto a device's frascos.
public enum RecipeRules {
    public static let maxServings = 100

    /// The name matching rule: trimmed, case- and accent-insensitive, so
    /// "Açúcar " and "acucar" name the same ingredient.
    public static func key(_ ingredient: String) -> String {
        ingredient.trimmingCharacters(in: .whitespacesAndNewlines)
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    public static func validate(_ draft: RecipeDraft) throws(DomainError) {
        var fields: [String: FieldProblem] = [:]
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 { fields["name"] = "must be 1 to 100 characters" }
        if draft.items.isEmpty {
            fields["items"] = "must have at least 1 item"
        } else if draft.items.count > JobRules.maxItems {
            fields["items"] = "must have at most \(JobRules.maxItems) items"
        }
        var seen: Set<String> = []
        for (i, item) in draft.items.prefix(JobRules.maxItems).enumerated() {
            let ingredient = item.ingredient.trimmingCharacters(in: .whitespacesAndNewlines)
            if ingredient.isEmpty || ingredient.count > 100 {
                fields["items[\(i)].ingredient"] = "must be 1 to 100 characters"
            } else if !seen.insert(key(ingredient)).inserted {
                fields["items[\(i)].ingredient"] = "appears twice in the recipe"
            }
            if item.amountMg <= 0 {
                fields["items[\(i)].amount_mg"] = "must be greater than 0"
            } else if item.amountMg > JobRules.maxAmountMg {
                fields["items[\(i)].amount_mg"] = "must be at most \(JobRules.maxAmountMg)"
            }
        }
        if !fields.isEmpty { throw .invalid(message: "The recipe is not valid.", fields: fields) }
    }

    /// A recipe's items on a device: each ingredient must name exactly one
    /// frasco (else invalid, naming it); amounts are multiplied by `servings`; a
    /// frasco whose stock is below what the job needs gives a warning.
    public static func resolve(_ recipe: Recipe, servings: Int, frascos: [Frasco])
        throws(DomainError) -> (items: [JobRules.NewItem], warnings: [JobWarning]) {
        var fields: [String: FieldProblem] = [:]
        if !(1...maxServings).contains(servings) {
            throw .invalid(message: "The job is not valid.", fields: ["servings": "must be between 1 and \(maxServings)"])
        }
        var byName: [String: [Frasco]] = [:]
        for frasco in frascos where !frasco.ingredient.isEmpty { byName[key(frasco.ingredient), default: []].append(frasco) }
        var items: [JobRules.NewItem] = []
        var warnings: [JobWarning] = []
        for item in recipe.items {
            let matches = byName[key(item.ingredient)] ?? []
            let field = "ingredients.\(item.ingredient)"
            guard matches.count == 1, let frasco = matches.first else {
                fields[field] = matches.isEmpty
                    ? "no frasco of this device holds '\(item.ingredient)'"
                    : "frascos \(matches.map { String($0.index) }.joined(separator: " and ")) both hold '\(item.ingredient)'"
                continue
            }
            let (needed, overflow) = item.amountMg.multipliedReportingOverflow(by: Int64(servings))
            guard !overflow, needed <= JobRules.maxAmountMg else {
                fields[field] = "\(servings) servings exceed \(JobRules.maxAmountMg) mg"
                continue
            }
            items.append(JobRules.NewItem(frascoIndex: frasco.index, amountMg: needed))
            if frasco.stockMg < needed {
                warnings.append(JobWarning(code: "low_stock", frascoIndex: frasco.index, ingredient: item.ingredient,
                                           neededMg: needed, stockMg: frasco.stockMg,
                                           message: "Frasco \(frasco.index) holds \(frasco.stockMg) mg of '\(item.ingredient)'; the job needs \(needed) mg."))
            }
        }
        if !fields.isEmpty { throw .invalid(message: "The recipe does not fit this device.", fields: fields) }
        return (items, warnings)
    }
}
