/// A named list of ingredients and amounts, owned by one user. A job is made
/// from it for one device by matching each ingredient to the frasco whose
/// `ingredient` has that name (see ``RecipeRules/resolve``).
public struct Recipe: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var items: [RecipeItem]
    public var createdAt: String
    public var updatedAt: String
}

public struct RecipeItem: Codable, Sendable, Equatable {
    public var ingredient: String
    public var amountMg: Int64
    public init(ingredient: String, amountMg: Int64) {
        self.ingredient = ingredient
        self.amountMg = amountMg
    }
}

/// What a recipe is created or replaced with.
public struct RecipeDraft: Codable, Sendable, Equatable {
    public var name: String
    public var items: [RecipeItem]
}

/// Something the person should know about a job that was still created
/// (stock is a ledger, not a lock: a shortage never refuses a job).
public struct JobWarning: Codable, Sendable, Equatable {
    public var code: String
    public var frascoIndex: Int
    public var ingredient: String
    public var neededMg: Int64
    public var stockMg: Int64
    public var message: String
}
