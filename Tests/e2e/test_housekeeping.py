"""Audit log, telemetry, CSV export, device rename and removal (issue 12),
against the real server."""

from __future__ import annotations

import csv
import io

from yaguts_client import log, ok_logs


def actions(api, user):
    return [(e["action"], e["object"]) for e in api.get("/audit?limit=200", who=user).json["entries"]]


def test_audit_log_records_state_changes_with_actor_object_and_address(server, api):
    user = api.register()
    stranger = api.register()
    device = api.device(user, frascos=2, stock={0: 5_000})
    assert api.request("PATCH", f"/devices/{device.id}", body={"name": "Balcão"}, headers=user.auth).status == 200
    assert api.post(f"/devices/{device.id}/token", who=user).status == 200
    job = api.job(user, device, [(0, 100)])
    assert api.post(f"/jobs/{job['id']}/cancel", who=user).status == 200
    # A refused request changes nothing and is not recorded.
    assert api.post(f"/jobs/{job['id']}/cancel", who=user).status == 409
    recipe = api.post("/recipes", {"name": "R", "items": [{"ingredient": "a", "amount_mg": 1}]}, who=user).json["recipe"]
    login = api.post("/auth/login", {"email": user.email, "password": "correct horse battery"})
    assert login.status == 200
    assert api.post("/auth/logout", headers={"Authorization": f"Bearer {login.json['token']}"}).status == 204
    entries = api.get("/audit?limit=200", who=user).json["entries"]
    assert all(e["client_address"] == "127.0.0.1" for e in entries)
    got = [(e["action"], e["object"]) for e in reversed(entries)]
    assert got == [
        ("account.register", f"/users/{user.id}"),
        ("device.create", f"/devices/{device.id}"),
        ("frasco.refill", f"/devices/{device.id}/frascos/0/refill"),
        ("device.rename", f"/devices/{device.id}"),
        ("device.token_rotate", f"/devices/{device.id}/token"),
        ("job.create", f"/jobs/{job['id']}"),
        ("job.cancel", f"/jobs/{job['id']}/cancel"),
        ("recipe.create", f"/recipes/{recipe['id']}"),
        ("account.login", f"/users/{user.id}"),
        ("account.logout", "/auth/logout"),
    ]
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)
    # Paging, and ownership: another user's entries are not found.
    page = api.get(f"/audit?limit=2&before={ids[1]}", who=user).json["entries"]
    assert [e["id"] for e in page] == ids[2:4]
    assert api.get(f"/audit/{ids[0]}", who=user).json["entry"] == entries[0]
    assert api.get(f"/audit/{ids[0]}", who=stranger).status == 404
    assert [a for a, _ in actions(api, stranger)] == ["account.register"]
    # Device protocol calls are not user actions.
    before = len(actions(api, user))
    other = api.device(user, frascos=1)
    assert api.post("/devices/me/heartbeat", {"fw_version": "1", "uptime_s": 1}, who=other).status == 200
    assert [a for a, _ in actions(api, user)[: len(actions(api, user)) - before]] == ["device.create"]


def test_telemetry_is_kept_per_device_and_owned(server, api, user, other_user):
    device = api.device(user, frascos=1)
    assert api.get(f"/devices/{device.id}/telemetry", who=user).json == {"samples": []}
    reply = api.post("/devices/me/heartbeat", {"fw_version": "1.0.0", "uptime_s": 42, "rssi": -61, "free_heap": 151_000}, who=device)
    assert reply.status == 200
    # A second heartbeat within 10 s is not stored again (bounded growth).
    assert api.post("/devices/me/heartbeat", {"fw_version": "1.0.0", "uptime_s": 43, "rssi": -60}, who=device).status == 200
    samples = api.get(f"/devices/{device.id}/telemetry?hours=1", who=user).json["samples"]
    assert [(s["uptime_s"], s["rssi"], s["free_heap"]) for s in samples] == [(42, -61, 151_000)]
    assert api.get(f"/devices/{device.id}/telemetry", who=other_user).status == 404
    assert api.get(f"/devices/{device.id}/telemetry?hours=0", who=user).status == 422


def test_csv_exports_quote_per_rfc4180(server, api, user):
    device = api.device(user, frascos=2, stock={0: 10_000, 1: 500})
    assert api.put(f"/devices/{device.id}/frascos/0", {"ingredient": 'Sal, "grosso"', "capacity_mg": None},
                   who=user).status == 200
    adjusted = api.post(f"/devices/{device.id}/frascos/1/adjust", {"stock_mg": 400, "note": "=HYPERLINK(\"x\")\nline 2"}, who=user)
    assert adjusted.status == 200
    job = api.job(user, device, [(0, 1_000), (1, 100)])
    assert api.next_job(device).status == 200
    assert api.complete(device, job["id"], [log(0, 0, "ok", 1_000), log(1, 1, "failed", 0, error="clog")]).status == 200
    reply = api.get(f"/devices/{device.id}/stock/movements.csv", who=user)
    assert reply.status == 200 and reply.header("content-type").startswith("text/csv")
    assert b"\r\n" in reply.body and b'"Sal, ""grosso"""' in reply.body
    rows = list(csv.reader(io.StringIO(reply.body.decode(), newline="")))
    assert rows[0] == ["id", "at", "frasco_index", "ingredient", "delta_mg", "reason", "job_id", "note"]
    body = rows[1:]
    assert [(r[2], r[4], r[5]) for r in body] == [("0", "-1000", "dispense"), ("1", "-100", "adjust"),
                                                   ("1", "500", "refill"), ("0", "10000", "refill")]
    assert body[0][3] == 'Sal, "grosso"' and body[0][6] == str(job["id"])
    assert body[1][7] == "'=HYPERLINK(\"x\")\nline 2"  # a formula is defused; the line break survives quoted
    jobs = list(csv.reader(io.StringIO(api.get(f"/jobs.csv?device_id={device.id}", who=user).body.decode(), newline="")))
    assert jobs[0][:3] == ["id", "device_id", "status"]
    assert jobs[1][0] == str(job["id"]) and jobs[1][2] == "done_partial" and jobs[1][8:] == ["1100", "1000", "1"]
    assert api.get(f"/devices/{device.id}/stock/movements.csv").status == 401


def test_rename_and_remove_device_keeps_the_ledger(server, api, user, other_user):
    device = api.device(user, frascos=1, stock={0: 5_000})
    bad = api.request("PATCH", f"/devices/{device.id}", body={"name": " "}, headers=user.auth)
    assert bad.status == 422 and "name" in bad.json["error"]["fields"]
    assert api.request("PATCH", f"/devices/{device.id}", body={"name": "x"}, headers=other_user.auth).status == 404
    renamed = api.request("PATCH", f"/devices/{device.id}", body={"name": "Cozinha"}, headers=user.auth)
    assert renamed.status == 200 and renamed.json["device"]["name"] == "Cozinha"
    running = api.job(user, device, [(0, 1_000)])
    assert api.next_job(device).status == 200
    pending = api.job(user, device, [(0, 1_000)])
    busy = api.request("DELETE", f"/devices/{device.id}", headers=user.auth)
    assert busy.status == 409 and busy.json["error"]["code"] == "device_busy"
    assert api.complete(device, running["id"], ok_logs(running)).status == 200
    assert api.request("DELETE", f"/devices/{device.id}", headers=other_user.auth).status == 404
    assert api.request("DELETE", f"/devices/{device.id}", headers=user.auth).status == 204
    # Gone from the user's view; its token no longer works; pending work cancelled; history kept.
    assert api.get(f"/devices/{device.id}", who=user).status == 404
    assert device.id not in [d["id"] for d in api.get("/devices", who=user).json["devices"]]
    assert api.next_job(device).status == 401
    assert api.get_job(user, pending["id"])["status"] == "cancelled"
    assert api.get_job(user, running["id"])["status"] == "done"
    assert ("device.delete", f"/devices/{device.id}") in actions(api, user)
    api.devices.remove(device)  # the ledger check visits live devices only
