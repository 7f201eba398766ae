"""What the web UI relies on from the server: per-field codes with the values a
person needs (in mg), and GET /config instead of probing."""

from __future__ import annotations

import re
from pathlib import Path

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
DOCUMENTED = set(re.findall(r"^\| `([a-z_]+)` \|", DOC.split("### Field codes")[1].split("\n### ")[0], re.M))


def codes(reply) -> dict:
    assert reply.status == 422, (reply.status, reply.body)
    error = reply.json["error"]
    assert set(error["field_codes"]) == set(error["fields"]), "every field named has a code"
    for entry in error["field_codes"].values():
        assert entry["code"] in DOCUMENTED, f"{entry['code']} is not in docs/api.md's field-code table"
    return error["field_codes"]


def test_refill_over_capacity_says_how_much_still_fits_in_mg(api, user):
    device = api.device(user, frascos=1)
    assert api.put(f"/devices/{device.id}/frascos/0", {"ingredient": "Sal", "capacity_mg": 170_000}, who=user).status == 200
    api.refill(device, 0, 8_000)
    reply = api.post(f"/devices/{device.id}/frascos/0/refill", {"amount_mg": 200_000}, who=user)
    assert codes(reply) == {"amount_mg": {"code": "exceeds_capacity", "fits_mg": 162_000}}
    assert reply.json["error"]["fields"] == {"amount_mg": "at most 162000 fits"}  # the contract's text stays


def test_every_validation_path_carries_a_documented_code(api, user):
    device = api.device(user, frascos=4)
    assert codes(api.post("/jobs", {"device_id": device.id, "items": [
        {"frasco_index": 0, "amount_mg": 1}, {"frasco_index": 9, "amount_mg": 5}, {"frasco_index": 1, "amount_mg": 0}]}, who=user)) == {
        "items[1].frasco_index": {"code": "out_of_range", "min": 0, "max": 3},
        "items[2].amount_mg": {"code": "at_least", "min": 1}}
    assert codes(api.post("/jobs", {"device_id": device.id, "items": []}, who=user)) == {"items": {"code": "min_items", "min": 1}}
    assert codes(api.post("/jobs", {"device_id": "1", "items": []}, who=user)) == {"device_id": {"code": "type_integer"}}
    assert codes(api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0}]}, who=user)) == {
        "items[0].amount_mg": {"code": "required"}}
    assert codes(api.post("/devices", {"name": "x", "frascos": 2, "colour": "red"}, who=user)) == {"colour": {"code": "unknown_field"}}
    assert codes(api.post("/devices", {"name": "", "frascos": 2}, who=user)) == {"name": {"code": "length", "min": 1, "max": 100}}
    assert codes(api.get("/jobs?limit=0&before=x", who=user)) == {
        "limit": {"code": "out_of_range", "min": 1, "max": 200}, "before": {"code": "positive_id"}}
    assert codes(api.get("/jobs?status=bogus&device_id=0", who=user)) == {
        "status": {"code": "not_one_of"}, "device_id": {"code": "positive_id"}}
    assert codes(api.post(f"/devices/{device.id}/frascos/0/adjust", {"stock_mg": -1, "note": "x" * 501}, who=user)) == {
        "stock_mg": {"code": "out_of_range", "min": 0, "max": 1_000_000_000_000}, "note": {"code": "max_length", "max": 500}}
    assert codes(api.post("/auth/register", {"email": "ana@example", "password": "short"})) == {
        "email": {"code": "email"}, "password": {"code": "min_length", "min": 10}}


def test_config_names_the_simulator_and_the_caller_without_a_401(server, api, user):
    anonymous = api.get("/config")
    assert anonymous.status == 200
    assert anonymous.json == {"simulator": True, "user": None}
    signed_in = api.get("/config", who=user).json
    assert signed_in["simulator"] is True and signed_in["user"]["email"] == user.email
    # A stale token is not an error here either: the page simply learns nobody is signed in.
    stale = api.get("/config", headers={"Authorization": "Bearer nope"})
    assert (stale.status, stale.json["user"]) == (200, None)


def test_config_without_the_simulator(server_factory):
    plain = server_factory()
    assert plain.api.get("/config").json == {"simulator": False, "user": None}


def test_history_filters_by_bottle_and_by_creation_time(api, user):
    device = api.device(user, frascos=3, stock={0: 1_000, 1: 2_000, 2: 3_000})
    only = api.get(f"/devices/{device.id}/stock/movements?frasco_index=1", who=user).json["movements"]
    assert [(m["frasco_index"], m["delta_mg"]) for m in only] == [(1, 2_000)]
    paged = api.get(f"/devices/{device.id}/stock/movements?frasco_index=2&limit=1", who=user).json["movements"]
    assert [m["frasco_index"] for m in paged] == [2]
    assert codes(api.get(f"/devices/{device.id}/stock/movements?frasco_index=16", who=user)) == {
        "frasco_index": {"code": "out_of_range", "min": 0, "max": 15}}

    first = api.job(user, device, [(0, 10)])
    second = api.job(user, device, [(1, 10)])
    def ids(query: str) -> list[int]:
        reply = api.get(f"/jobs?{query}", who=user)
        assert reply.status == 200, reply.body
        return [j["id"] for j in reply.json["jobs"]]
    # Bounds at the jobs' own creation times: from is inclusive, before exclusive
    # (expected lists come from the times themselves: two jobs may share a millisecond).
    newest_first = [second, first]
    at = second["created_at"]
    assert ids(f"created_from={at}") == [j["id"] for j in newest_first if j["created_at"] >= at]
    assert ids(f"created_before={at}") == [j["id"] for j in newest_first if j["created_at"] < at]
    assert ids(f"created_from={first['created_at']}&created_before={at}") == [
        j["id"] for j in newest_first if first["created_at"] <= j["created_at"] < at]
    assert ids("created_from=2000-01-01T00:00:00Z&created_before=2000-01-02T00:00:00-03:00") == []
    assert ids("created_from=2000-01-01T00:00:00.5Z") == [second["id"], first["id"]]
    assert codes(api.get("/jobs?created_from=yesterday&created_before=2026-13-01T00:00:00Z", who=user)) == {
        "created_from": {"code": "timestamp"}, "created_before": {"code": "timestamp"}}
