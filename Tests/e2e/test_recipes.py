"""Recipes (issue 12): CRUD per owner, and jobs made from a recipe by mapping
ingredients to a device's frascos by name, against the real server."""

from __future__ import annotations

from yaguts_client import ok_logs


def name_frascos(api, device, names):
    for index, name in enumerate(names):
        reply = api.put(f"/devices/{device.id}/frascos/{index}", {"ingredient": name, "capacity_mg": None}, who=device.owner)
        assert reply.status == 200, reply.body


def make_recipe(api, user, name="Caipirinha", items=(("Açúcar", 1_000), ("Limão", 2_500))):
    reply = api.post("/recipes", {"name": name, "items": [{"ingredient": i, "amount_mg": a} for i, a in items]}, who=user)
    assert reply.status == 201, reply.body
    assert reply.header("Location") == f"/recipes/{reply.json['recipe']['id']}"
    return reply.json["recipe"]


def test_recipe_crud_and_ownership(server, api, user, other_user):
    recipe = make_recipe(api, user)
    assert [i["ingredient"] for i in recipe["items"]] == ["Açúcar", "Limão"]
    assert api.get(f"/recipes/{recipe['id']}", who=user).json["recipe"] == recipe
    assert [r["id"] for r in api.get("/recipes", who=user).json["recipes"]] == [recipe["id"]]
    # Another owner sees nothing and can change nothing.
    assert api.get(f"/recipes/{recipe['id']}", who=other_user).status == 404
    assert api.get("/recipes", who=other_user).json["recipes"] == []
    assert api.request("DELETE", f"/recipes/{recipe['id']}", headers=other_user.auth).status == 404
    replaced = api.put(f"/recipes/{recipe['id']}", {"name": "Caipirinha dupla", "items": [{"ingredient": "Limão", "amount_mg": 5_000}]},
                       who=user)
    assert replaced.status == 200 and replaced.json["recipe"]["name"] == "Caipirinha dupla"
    assert replaced.json["recipe"]["items"] == [{"ingredient": "Limão", "amount_mg": 5_000}]
    assert api.request("DELETE", f"/recipes/{recipe['id']}", headers=user.auth).status == 204
    assert api.get(f"/recipes/{recipe['id']}", who=user).status == 404


def test_recipe_validation_names_fields(server, api, user):
    bad = api.post("/recipes", {"name": " ", "items": [{"ingredient": "Sal", "amount_mg": 0},
                                                        {"ingredient": "sal ", "amount_mg": 5}]}, who=user)
    assert bad.status == 422
    assert set(bad.json["error"]["fields"]) == {"name", "items[0].amount_mg", "items[1].ingredient"}
    assert api.post("/recipes", {"name": "x", "items": []}, who=user).json["error"]["fields"] == {"items": "must have at least 1 item"}
    assert api.post("/recipes", {"name": "x", "items": [{"ingredient": "a", "amount_mg": 1}], "extra": 1},
                    who=user).json["error"]["fields"] == {"extra": "unknown field"}


def test_job_from_recipe_maps_ingredients_with_servings_and_warns_on_shortage(server, api, user):
    device = api.device(user, frascos=3, stock={0: 10_000, 1: 3_000, 2: 10_000})
    name_frascos(api, device, ["Água", "acucar", "LIMÃO"])  # matching ignores case and accents
    recipe = make_recipe(api, user)
    reply = api.post("/jobs", {"device_id": device.id, "recipe_id": recipe["id"], "servings": 2}, who=user)
    assert reply.status == 201, reply.body
    job = reply.json["job"]
    assert [(i["frasco_index"], i["amount_mg"]) for i in job["items"]] == [(1, 2_000), (2, 5_000)]
    assert reply.json["warnings"] == []
    # Three servings need 3 g of sugar: exactly the stock, no warning; four need more.
    short = api.post("/jobs", {"device_id": device.id, "recipe_id": recipe["id"], "servings": 4}, who=user)
    assert short.status == 201
    assert [(w["code"], w["frasco_index"], w["needed_mg"], w["stock_mg"]) for w in short.json["warnings"]] == \
        [("low_stock", 1, 4_000, 3_000)]
    # The device runs the first one like any job; stock follows the ledger.
    assert api.next_job(device).json["job"]["id"] == job["id"]
    assert api.complete(device, job["id"], ok_logs(job)).status == 200
    assert api.stock(device) == {0: 10_000, 1: 1_000, 2: 5_000}
    # Plain jobs answer an empty warnings list.
    assert api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0, "amount_mg": 1}]},
                    who=user).json["warnings"] == []


def test_recipe_job_refusals_name_the_ingredient(server, api, user, other_user):
    device = api.device(user, frascos=3)
    name_frascos(api, device, ["Açúcar", "Açúcar", "Gelo"])
    recipe = make_recipe(api, user, items=(("Açúcar", 1_000), ("Limão", 2_000), ("Gelo", 100)))
    reply = api.post("/jobs", {"device_id": device.id, "recipe_id": recipe["id"]}, who=user)
    assert reply.status == 422, reply.body
    assert reply.json["error"]["fields"] == {
        "ingredients.Açúcar": "frascos 0 and 1 both hold 'Açúcar'",
        "ingredients.Limão": "no frasco of this device holds 'Limão'",
    }
    assert api.get(f"/jobs?device_id={device.id}", who=user).json["jobs"] == []
    # Another owner's recipe is not found; shapes are checked.
    theirs = make_recipe(api, other_user)
    assert api.post("/jobs", {"device_id": device.id, "recipe_id": theirs["id"]}, who=user).status == 404
    both = api.post("/jobs", {"device_id": device.id, "recipe_id": recipe["id"],
                              "items": [{"frasco_index": 0, "amount_mg": 1}]}, who=user)
    assert both.status == 422 and "recipe_id" in both.json["error"]["fields"]
    servings = api.post("/jobs", {"device_id": device.id, "recipe_id": recipe["id"], "servings": 0}, who=user)
    assert servings.status == 422 and "servings" in servings.json["error"]["fields"]
    neither = api.post("/jobs", {"device_id": device.id}, who=user)
    assert neither.status == 422 and "items" in neither.json["error"]["fields"]
