import Runtime

/// Jobs made from recipes: `POST /jobs {device_id, recipe_id, servings?}`.
extension JobService {
    /// Exactly one of `items` and `recipe_id`; `servings` only with a recipe.
    static func validateShape(_ request: NewJob) throws(DomainError) {
        switch (request.items, request.recipeId) {
        case (nil, nil):
            throw .invalid(message: "The job is not valid.", fields: ["items": "is required (or recipe_id)"])
        case (.some, .some):
            throw .invalid(message: "The job is not valid.", fields: ["recipe_id": "cannot be sent together with items"])
        case (.some, nil) where request.servings != nil:
            throw .invalid(message: "The job is not valid.", fields: ["servings": "is only allowed with recipe_id"])
        default:
            break
        }
    }

    /// The job's items: as sent, or the recipe mapped onto the device's frascos
    /// (with shortage warnings). Runs inside the creating transaction.
    static func items(_ db: SQLiteConnection, userID: Int64, deviceID: Int64, request: NewJob) throws
        -> (items: [JobRules.NewItem], warnings: [JobWarning]) {
        if let items = request.items { return (items, []) }
        guard let recipeID = request.recipeId, let recipe = try RecipeQueries.recipe(db, id: recipeID, userID: userID) else {
            throw DomainError.notFound("No such recipe.")
        }
        let frascos = try DeviceQueries.frascos(db, deviceID: deviceID)
        return try RecipeRules.resolve(recipe, servings: request.servings ?? 1, frascos: frascos)
    }
}
