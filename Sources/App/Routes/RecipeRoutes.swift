import Actors
import Runtime

/// Recipes CRUD. Running one is `POST /jobs {device_id, recipe_id, servings?}` (JobRoutes).
enum RecipeRoutes {
    struct One: Encodable { let recipe: Recipe }
    struct Many: Encodable { let recipes: [Recipe] }

    static func add(to router: inout Router, _ app: AppContext) {
        router.post("/recipes", app.userRoute { request, user in
            let draft = try WireCoding.decode(RecipeDraft.self, from: request)
            let recipe = try await app.recipes.create(userID: user.id, draft)
            return try WireCoding.json(One(recipe: recipe), status: .created, headers: ["Location": "/recipes/\(recipe.id)"])
        })
        router.get("/recipes", app.userRoute { request, user in
            let paging = try Paging(request)
            return try WireCoding.json(Many(recipes: try await app.recipes.list(userID: user.id, limit: paging.limit,
                                                                                before: paging.before)))
        })
        router.get("/recipes/:id", app.userRoute { request, user in
            return try WireCoding.json(One(recipe: try await app.recipes.recipe(userID: user.id, id: try request.id("id"))))
        })
        router.put("/recipes/:id", app.userRoute { request, user in
            let id = try request.id("id")
            let draft = try WireCoding.decode(RecipeDraft.self, from: request)
            return try WireCoding.json(One(recipe: try await app.recipes.replace(userID: user.id, id: id, draft)))
        })
        router.delete("/recipes/:id", app.userRoute { request, user in
            try await app.recipes.delete(userID: user.id, id: try request.id("id"))
            return .noContent
        })
    }
}
