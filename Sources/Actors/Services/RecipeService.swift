import Runtime

/// Recipes: create, read, list, replace, delete (per owner).
public struct RecipeService: Sendable {
    let dispenser: Dispenser

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    public func create(userID: Int64, _ draft: RecipeDraft) async throws -> Recipe {
        try RecipeRules.validate(draft)
        return try await dispenser.database.write { db in
            let id = try RecipeQueries.insert(db, userID: userID, draft: draft)
            return try RecipeQueries.recipe(db, id: id, userID: userID)!
        }
    }

    public func recipe(userID: Int64, id: Int64) async throws -> Recipe {
        guard let recipe = try await dispenser.database.read({ try RecipeQueries.recipe($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such recipe.")
        }
        return recipe
    }

    public func list(userID: Int64, limit: Int, before: Int64?) async throws -> [Recipe] {
        try await dispenser.database.read { try RecipeQueries.recipes($0, userID: userID, limit: limit, before: before) }
    }

    public func replace(userID: Int64, id: Int64, _ draft: RecipeDraft) async throws -> Recipe {
        try RecipeRules.validate(draft)
        let recipe = try await dispenser.database.write { db -> Recipe? in
            guard try RecipeQueries.replace(db, id: id, userID: userID, draft: draft) else { return nil }
            return try RecipeQueries.recipe(db, id: id, userID: userID)
        }
        guard let recipe else { throw DomainError.notFound("No such recipe.") }
        return recipe
    }

    public func delete(userID: Int64, id: Int64) async throws {
        guard try await dispenser.database.write({ try RecipeQueries.delete($0, id: id, userID: userID) }) else {
            throw DomainError.notFound("No such recipe.")
        }
    }
}
