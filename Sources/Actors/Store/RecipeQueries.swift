import Foundation
import Runtime

/// Recipes and their items. Every read is scoped to the owner: another
/// owner's recipe is indistinguishable from a missing one.
enum RecipeQueries {
    static func recipe(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Recipe? {
        guard var recipe = try db.queryOne(
            "SELECT id, name, created_at, updated_at FROM recipes WHERE id = ? AND user_id = ?", id, userID,
            map: { Recipe(id: try $0.get(0), name: try $0.get(1), items: [], createdAt: try $0.get(2), updatedAt: try $0.get(3)) })
        else { return nil }
        recipe.items = try items(db, recipeID: id)
        return recipe
    }

    static func recipes(_ db: SQLiteConnection, userID: Int64, limit: Int, before: Int64?) throws -> [Recipe] {
        let heads = try db.query("""
            SELECT id, name, created_at, updated_at FROM recipes WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, userID, before ?? Int64.max, limit,
            map: { Recipe(id: try $0.get(0), name: try $0.get(1), items: [], createdAt: try $0.get(2), updatedAt: try $0.get(3)) })
        return try heads.map { head in
            var recipe = head
            recipe.items = try items(db, recipeID: head.id)
            return recipe
        }
    }

    private static func items(_ db: SQLiteConnection, recipeID: Int64) throws -> [RecipeItem] {
        try db.query("SELECT ingredient, amount_mg FROM recipe_items WHERE recipe_id = ? ORDER BY position", recipeID) {
            RecipeItem(ingredient: try $0.get(0), amountMg: try $0.get(1))
        }
    }

    static func insert(_ db: SQLiteConnection, userID: Int64, draft: RecipeDraft) throws -> Int64 {
        let now = Timestamp.now()
        try db.run("INSERT INTO recipes (user_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                   userID, draft.name.trimmingCharacters(in: .whitespacesAndNewlines), now, now)
        let id = db.lastInsertRowID
        try insertItems(db, recipeID: id, draft.items)
        return id
    }

    /// Replaces name and items; false when the recipe is not the owner's.
    static func replace(_ db: SQLiteConnection, id: Int64, userID: Int64, draft: RecipeDraft) throws -> Bool {
        guard try db.run("UPDATE recipes SET name = ?, updated_at = ? WHERE id = ? AND user_id = ?",
                         draft.name.trimmingCharacters(in: .whitespacesAndNewlines), Timestamp.now(), id, userID) == 1
        else { return false }
        try db.run("DELETE FROM recipe_items WHERE recipe_id = ?", id)
        try insertItems(db, recipeID: id, draft.items)
        return true
    }

    static func delete(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Bool {
        try db.run("DELETE FROM recipes WHERE id = ? AND user_id = ?", id, userID) == 1
    }

    private static func insertItems(_ db: SQLiteConnection, recipeID: Int64, _ items: [RecipeItem]) throws {
        for (position, item) in items.enumerated() {
            try db.run("INSERT INTO recipe_items (recipe_id, position, ingredient, amount_mg) VALUES (?, ?, ?, ?)",
                       recipeID, position, item.ingredient.trimmingCharacters(in: .whitespacesAndNewlines), item.amountMg)
        }
    }
}
