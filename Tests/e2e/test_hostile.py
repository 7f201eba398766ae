"""Hostile and mistaken input on every endpoint: each is refused with the
contract's status and error shape, and nothing changes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from yaguts_client import Reply, log

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def assert_error(reply: Reply, status: int, field: str | None = None) -> dict:
    assert reply.status == status, (status, reply.status, reply.body[:300])
    assert (reply.header("Content-Type") or "").startswith("application/json"), reply.headers
    body = reply.json
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "fields", "field_codes"} and {"code", "message"} <= set(error), error
    # field_codes (docs/api.md) come with fields, for the same paths, each with a snake_case code.
    assert ("field_codes" in error) == ("fields" in error), error
    if "field_codes" in error:
        assert set(error["field_codes"]) == set(error["fields"]), error
        assert all(SNAKE.match(v["code"]) for v in error["field_codes"].values()), error
    assert SNAKE.match(error["code"]), error["code"]
    assert isinstance(error["message"], str) and error["message"].strip()
    if "fields" in error:
        assert status == 422, f"fields only for validation errors: {error}"
        assert isinstance(error["fields"], dict) and error["fields"]
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in error["fields"].items())
    if status == 422:
        assert "fields" in error, error
    if field is not None:
        assert field in error["fields"], f"422 must name {field!r}: {error}"
    return error


@dataclass
class World:
    user: object
    other: object
    device: object
    other_device: object
    job: dict
    running: dict
    other_job: dict


@pytest.fixture
def world(api, user, other_user) -> World:
    device = api.device(user, frascos=3, stock={0: 5_000, 1: 5_000, 2: 5_000})
    other_device = api.device(other_user, frascos=2, stock={0: 9_000})
    running = api.job(user, device, [(0, 100), (1, 200)])
    assert api.next_job(device).json["job"]["id"] == running["id"]
    job = api.job(user, device, [(2, 300)])
    other_job = api.job(other_user, other_device, [(0, 1)])
    assert api.next_job(other_device).json["job"]["id"] == other_job["id"]
    return World(user, other_user, device, other_device, job, running, other_job)


def snapshot(api, w: World) -> dict:
    """Everything a refused request must leave alone."""
    state = {}
    for owner, device in ((w.user, w.device), (w.other, w.other_device)):
        state[f"device{device.id}"] = api.get(f"/devices/{device.id}", who=owner).json["device"] | {"online": None,
                                                                                                     "last_seen_at": None}
        state[f"movements{device.id}"] = api.movements(device)
        # Without `delivery`: the hand-out below counts one each snapshot, by design.
        state[f"jobs{owner.id}"] = [{k: v for k, v in job.items() if k != "delivery"}
                                    for job in api.get("/jobs?limit=200", who=owner).json["jobs"]]
        assert api.get("/me", who=owner).status == 200
        # Both devices have a running job, so asking again only returns it.
        assert api.get("/devices/me/jobs/next", who=device).status == 200
    return state


def user_routes(w: World) -> list[tuple[str, str, dict | None]]:
    """(method, path, a valid body) for every user endpoint that takes an id."""
    d, j = w.device.id, w.job["id"]
    return [
        ("GET", f"/devices/{d}", None),
        ("POST", f"/devices/{d}/token", None),
        ("PUT", f"/devices/{d}/frascos/0", {"ingredient": "salt", "capacity_mg": 100_000}),
        ("POST", f"/devices/{d}/frascos/0/refill", {"amount_mg": 10}),
        ("POST", f"/devices/{d}/frascos/0/adjust", {"stock_mg": 1, "note": "count"}),
        ("GET", f"/devices/{d}/stock/movements", None),
        ("GET", f"/jobs/{j}", None),
        ("POST", f"/jobs/{j}/cancel", None),
    ]


def body_routes(w: World) -> list[tuple[str, str, str, dict, str, object]]:
    """(who, method, path, valid body, a field, a wrong-typed value for it)."""
    d, r = w.device.id, w.running["id"]
    return [
        ("anon", "POST", "/auth/register", {"email": "new@example.test", "password": "0123456789ab"}, "email", 5),
        ("anon", "POST", "/auth/login", {"email": "x@example.test", "password": "0123456789ab"}, "password", ["x"]),
        ("user", "POST", "/devices", {"name": "n", "frascos": 2}, "frascos", "two"),
        ("user", "PUT", f"/devices/{d}/frascos/1", {"ingredient": "salt", "capacity_mg": 10}, "ingredient", 7),
        ("user", "POST", f"/devices/{d}/frascos/1/refill", {"amount_mg": 10}, "amount_mg", "10"),
        ("user", "POST", f"/devices/{d}/frascos/1/adjust", {"stock_mg": 1}, "stock_mg", True),
        ("user", "POST", "/jobs", {"device_id": d, "items": [{"frasco_index": 0, "amount_mg": 1}]}, "items", {"a": 1}),
        ("user", "POST", "/devices/test/simulate-execution", {"job_id": w.job["id"]}, "job_id", "1"),
        ("device", "POST", f"/devices/me/jobs/{r}/progress",
         {"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 1}, "status", 3),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 0, "ok", 100)]}, "execution_logs", "all"),
        ("device", "POST", "/devices/me/heartbeat", {"fw_version": "1", "uptime_s": 1}, "uptime_s", "long"),
    ]


_sources = iter(range(1, 1 << 16))


def send(api, w, who, method, path, **kw) -> Reply:
    headers = kw.pop("headers", {})
    if who == "anon":
        # Log-in and registration are rate limited per client address; each
        # hostile attempt comes from its own loopback address.
        n = next(_sources)
        kw["source"] = f"127.{1 + n // 65025}.{(n // 255) % 255}.{1 + n % 254}"
    if who == "user":
        headers = {**w.user.auth, **headers}
    elif who == "device":
        headers = {**w.device.auth, **headers}
    return api.request(method, path, headers=headers, **kw)


def test_bodies_malformed_wrong_type_unknown_oversized_unsupported(api, world):
    w = world
    before = snapshot(api, w)
    for who, method, path, valid, field, wrong in body_routes(w):
        ctx = f"{method} {path}"
        json_ct = {"Content-Type": "application/json"}
        for bad in (b"{", b"", b"not json", b"\xff\xfe", b"[1,2", b'{"a":"\\ud800"', b"nul\x00l"):
            assert_error(send(api, w, who, method, path, raw=bad, headers=json_ct), 400), (ctx, bad)
        for wrong_shape in (b"[]", b"null", b"42", b'"text"'):
            reply = send(api, w, who, method, path, raw=wrong_shape, headers=json_ct)
            assert reply.status in (400, 422), (ctx, wrong_shape, reply.status)
            assert_error(reply, reply.status)
        assert_error(send(api, w, who, method, path, body={**valid, field: wrong}), 422, field)
        assert_error(send(api, w, who, method, path, body={**valid, "surprise": 1}), 422, "surprise")
        missing = {k: v for k, v in valid.items() if k != field}
        assert_error(send(api, w, who, method, path, body=missing), 422, field)
        payload = json.dumps({**valid, "pad": "x" * (64 * 1024)}).encode()
        assert_error(send(api, w, who, method, path, raw=payload, headers=json_ct), 413)
        encoded = json.dumps(valid).encode()
        assert_error(send(api, w, who, method, path, raw=encoded), 415)
        assert_error(send(api, w, who, method, path, raw=encoded, headers={"Content-Type": "text/plain"}), 415)
        assert_error(send(api, w, who, method, path, raw=encoded,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    assert snapshot(api, w) == before


def test_trailing_comma_is_malformed_json(api, world):
    for who, method, path, valid, _, _ in body_routes(world):
        raw = json.dumps(valid)[:-1] + ",}"
        assert_error(send(api, world, who, method, path, raw=raw.encode(),
                          headers={"Content-Type": "application/json"}), 400), (method, path)


def test_huge_numbers_are_refused(api, world):
    w = world
    before = snapshot(api, w)
    d = w.device.id
    cases = [
        ("POST", f"/devices/{d}/frascos/0/refill", '{"amount_mg": %s}'),
        ("POST", f"/devices/{d}/frascos/0/adjust", '{"stock_mg": %s}'),
        ("PUT", f"/devices/{d}/frascos/0", '{"ingredient": "x", "capacity_mg": %s}'),
        ("POST", "/jobs", '{"device_id": %s, "items": [{"frasco_index": 0, "amount_mg": 1}]}'),
        ("POST", "/jobs", '{"device_id": %d, "items": [{"frasco_index": 0, "amount_mg": %%s}]}' % d),
        ("POST", "/devices", '{"name": "n", "frascos": %s}'),
    ]
    for method, path, template in cases:
        for number in ("1e30", str(2 ** 70), str(-(2 ** 70)), "9223372036854775808", "1.5", "-0.5", "1e400"):
            reply = send(api, w, "user", method, path, raw=(template % number).encode(),
                         headers={"Content-Type": "application/json"})
            assert reply.status in (400, 422), (method, path, number, reply.status)
            assert_error(reply, reply.status)
        for number in ("9223372036854775807", "-9223372036854775808", "0", "-1"):
            if number == "0" and (path.endswith("/adjust") or method == "PUT"):
                continue  # a valid count / capacity
            reply = send(api, w, "user", method, path, raw=(template % number).encode(),
                         headers={"Content-Type": "application/json"})
            assert reply.status in (404, 422), (method, path, number, reply.status, reply.body)
            assert_error(reply, reply.status)
    device_cases = [
        (f"/devices/me/jobs/{w.running['id']}/progress",
         '{"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": %s}'),
        (f"/devices/me/jobs/{w.running['id']}/complete",
         '{"execution_logs": [{"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": %s}]}'),
        (f"/devices/me/jobs/{w.running['id']}/complete",
         '{"execution_logs": [{"position": %s, "frasco_index": 0, "status": "ok", "dispensed_mg": 1}]}'),
    ]
    for path, template in device_cases:
        for number in ("1e30", str(2 ** 70), "-1", "1.5"):
            reply = send(api, w, "device", "POST", path, raw=(template % number).encode(),
                         headers={"Content-Type": "application/json"})
            assert_error(reply, 422)
    assert snapshot(api, w) == before


def test_huge_numbers_name_the_field(api, world):
    d = world.device.id
    reply = send(api, world, "user", "POST", f"/devices/{d}/frascos/0/refill", raw=b'{"amount_mg": 1e30}',
                 headers={"Content-Type": "application/json"})
    assert_error(reply, 422, "amount_mg")
    reply = send(api, world, "user", "POST", "/jobs",
                 raw=('{"device_id": %d, "items": [{"frasco_index": 0, "amount_mg": %d}]}' % (d, 2 ** 70)).encode(),
                 headers={"Content-Type": "application/json"})
    assert_error(reply, 422, "items[0].amount_mg")
    reply = send(api, world, "user", "POST", "/jobs",
                 raw=('{"device_id": %d, "items": [{"frasco_index": 0, "amount_mg": 1.5}]}' % d).encode(),
                 headers={"Content-Type": "application/json"})
    assert_error(reply, 422, "items[0].amount_mg")


def test_domain_validation_names_fields(api, world):
    w = world
    before = snapshot(api, w)
    d, r = w.device.id, w.running["id"]
    items33 = [{"frasco_index": 0, "amount_mg": 1}] * 33
    cases = [
        ("user", "POST", "/jobs", {"device_id": d, "items": []}, "items"),
        ("user", "POST", "/jobs", {"device_id": d, "items": items33}, "items"),
        ("user", "POST", "/jobs", {"device_id": d, "items": [{"frasco_index": 0, "amount_mg": 1},
                                                             {"frasco_index": 0, "amount_mg": 0}]}, "items[1].amount_mg"),
        ("user", "POST", "/jobs", {"device_id": d, "items": [{"frasco_index": 3, "amount_mg": 1}]},
         "items[0].frasco_index"),
        ("user", "POST", "/devices", {"name": "n", "frascos": 17}, "frascos"),
        ("user", "POST", "/devices", {"name": "n", "frascos": 0}, "frascos"),
        ("user", "POST", f"/devices/{d}/frascos/0/refill", {"amount_mg": 0}, "amount_mg"),
        ("anon", "POST", "/auth/register", {"email": "short@example.test", "password": "123"}, "password"),
        ("device", "POST", f"/devices/me/jobs/{r}/progress",
         {"position": 5, "frasco_index": 0, "status": "ok", "dispensed_mg": 1}, "position"),
        ("device", "POST", f"/devices/me/jobs/{r}/progress",
         {"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 1, "error": "e" * 4097}, "error"),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 0, "ok", 100), log(0, 0, "ok", 100)]}, "execution_logs[1].position"),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 0, "ok", 100), log(2, 1, "ok", 1)]}, "execution_logs[1].position"),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 1, "ok", 100)]}, "execution_logs[0].frasco_index"),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 0, "ok", -1)]}, "execution_logs[0].dispensed_mg"),
        ("device", "POST", f"/devices/me/jobs/{r}/complete",
         {"execution_logs": [log(0, 0, "exploded", 1)]}, "execution_logs[0].status"),
    ]
    for who, method, path, body, field in cases:
        assert_error(send(api, w, who, method, path, body=body), 422, field), (path, body)
    reply = send(api, w, "user", "POST", f"/devices/{d}/frascos/0/refill", body={"amount_mg": 10 ** 12 + 1})
    assert_error(reply, 422, "amount_mg")
    assert snapshot(api, w) == before


def test_bad_ids_in_paths_are_404(api, world):
    w = world
    before = snapshot(api, w)
    for method, path, body in user_routes(w):
        for bad in ("-1", "0", "00", str(2 ** 70), "1e3", "abc", "%2F", "1.0", " 1", "1 "):
            bad_path = path.replace(f"/{w.device.id}", f"/{bad}", 1) if path.startswith("/devices/") \
                else path.replace(f"/{w.job['id']}", f"/{bad}", 1)
            reply = send(api, w, "user", method, bad_path.replace(" ", "%20"), body=body)
            assert_error(reply, 404), (method, bad_path)
    for bad_index in ("-1", "16", "99", "x"):
        reply = send(api, w, "user", "POST", f"/devices/{w.device.id}/frascos/{bad_index}/refill",
                     body={"amount_mg": 1})
        assert_error(reply, 404)
    # A frasco index within 0..15 but beyond this device's frascos names nothing either.
    assert send(api, w, "user", "POST", f"/devices/{w.device.id}/frascos/3/refill",
                body={"amount_mg": 1}).status in (404, 422)
    for bad in ("-1", "0", str(2 ** 70), "x"):
        assert_error(send(api, w, "device", "POST", f"/devices/me/jobs/{bad}/progress",
                          body={"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 1}), 404)
        assert_error(send(api, w, "device", "POST", f"/devices/me/jobs/{bad}/complete",
                          body={"execution_logs": []}), 404)
    assert snapshot(api, w) == before


def test_credentials_are_checked_everywhere(api, world):
    w = world
    before = snapshot(api, w)
    r = w.running["id"]
    user_endpoints = [(m, p, b) for m, p, b in user_routes(w)] + [
        ("GET", "/me", None), ("POST", "/auth/logout", None), ("GET", "/devices", None),
        ("POST", "/devices", {"name": "x", "frascos": 1}), ("GET", "/jobs", None),
        ("POST", "/jobs", {"device_id": w.device.id, "items": [{"frasco_index": 0, "amount_mg": 1}]}),
        ("POST", "/devices/test/simulate-execution", {"job_id": w.job["id"]}),
    ]
    device_endpoints = [
        ("GET", "/devices/me/jobs/next", None),
        ("POST", f"/devices/me/jobs/{r}/progress", {"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 1}),
        ("POST", f"/devices/me/jobs/{r}/complete", {"execution_logs": [log(0, 0, "ok", 100)]}),
        ("POST", "/devices/me/heartbeat", {"fw_version": "x", "uptime_s": 1}),
    ]
    bad_headers = [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nope"},
                   {"Authorization": f"Basic {w.user.token}"}, {"Authorization": "Bearer " + "a" * 600},
                   {"Cookie": "yaguts_session=nope"}]
    for method, path, body in user_endpoints:
        for headers in bad_headers + [w.device.auth]:
            assert_error(api.request(method, path, body=body, headers=headers), 401), (method, path, headers)
    for method, path, body in device_endpoints:
        for headers in bad_headers + [w.user.auth, {"Cookie": f"yaguts_session={w.user.token}"}]:
            assert_error(api.request(method, path, body=body, headers=headers), 401), (method, path, headers)
    assert snapshot(api, w) == before


def test_other_users_resources_are_404_everywhere(api, world):
    w = world
    before = snapshot(api, w)
    for method, path, body in user_routes(w):
        assert_error(api.request(method, path, body=body, headers=w.other.auth), 404), (method, path)
    assert_error(api.request("GET", f"/devices/{w.device.id}/stock/movements?before=999", headers=w.other.auth), 404)
    assert_error(api.request("POST", "/jobs", body={"device_id": w.device.id,
                                                    "items": [{"frasco_index": 0, "amount_mg": 1}]},
                             headers=w.other.auth), 404)
    assert_error(api.request("POST", "/devices/test/simulate-execution", body={"job_id": w.job["id"]},
                             headers=w.other.auth), 404)
    listed = api.get(f"/jobs?device_id={w.device.id}", who=w.other)
    assert listed.status in (200, 404)
    if listed.status == 200:
        assert listed.json["jobs"] == []
    assert all(d["id"] != w.device.id for d in api.get("/devices", who=w.other).json["devices"])
    # Another device's job, seen from a device: 404 as well.
    assert_error(api.request("POST", f"/devices/me/jobs/{w.running['id']}/progress",
                             body={"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 1},
                             headers=w.other_device.auth), 404)
    assert_error(api.request("POST", f"/devices/me/jobs/{w.running['id']}/complete",
                             body={"execution_logs": [log(0, 0, "ok", 100)]}, headers=w.other_device.auth), 404)
    assert snapshot(api, w) == before


def test_unknown_route_405_and_allow(api, world):
    for path in ("/nope", "/devices/1/nope", "/jobs/1/2/3", "/ws/nothing", "/auth", "/%00", "/devices/me/jobs"):
        assert_error(api.request("GET", path, headers=world.user.auth), 404)
    for method, path, allowed in (("DELETE", f"/jobs/{world.job['id']}", {"GET"}),
                                  ("PUT", "/jobs", {"GET", "POST"}),
                                  ("GET", "/auth/register", {"POST"}),
                                  ("POST", "/healthz", {"GET"}),
                                  ("PATCH", f"/devices/{world.device.id}/frascos/0", {"PUT"})):
        reply = api.request(method, path, headers=world.user.auth)
        assert_error(reply, 405)
        allow = {m.strip() for m in (reply.header("Allow") or "").split(",")}
        assert allowed <= allow, (method, path, allow)
        assert method not in allow


def test_list_query_validation(api, world):
    for query in ("limit=0", "limit=201", "limit=x", "before=0", "before=-3", "before=abc"):
        assert_error(api.get(f"/jobs?{query}", who=world.user), 422)
        assert_error(api.get(f"/devices/{world.device.id}/stock/movements?{query}", who=world.user), 422)
    assert_error(api.get("/jobs?status=exploded", who=world.user), 422, "status")
    assert_error(api.get("/jobs?device_id=-1", who=world.user), 422, "device_id")
    assert_error(api.get("/devices/me/jobs/next?wait=31", who=world.device), 422, "wait")
    assert_error(api.get("/devices/me/jobs/next?wait=-1", who=world.device), 422, "wait")
    jobs = api.get("/jobs?limit=1", who=world.user).json["jobs"]
    assert len(jobs) == 1
    older = api.get(f"/jobs?limit=200&before={jobs[0]['id']}", who=world.user).json["jobs"]
    assert [j["id"] for j in older] == sorted((j["id"] for j in older), reverse=True)
    assert all(j["id"] < jobs[0]["id"] for j in older) and len(older) == 1


def test_job_idempotency_key(api, world):
    w = world
    body = {"device_id": w.device.id, "items": [{"frasco_index": 0, "amount_mg": 3}]}
    first = api.post("/jobs", body, who=w.user, headers={"Idempotency-Key": "k-1"})
    assert first.status == 201 and first.header("Idempotent-Replayed") is None
    same = api.post("/jobs", dict(reversed(list(body.items()))), who=w.user, headers={"Idempotency-Key": "k-1"})
    assert same.status == 201 and same.json == first.json and same.header("Idempotent-Replayed") == "true"
    assert_error(api.post("/jobs", {**body, "items": [{"frasco_index": 0, "amount_mg": 4}]}, who=w.user,
                          headers={"Idempotency-Key": "k-1"}), 409)
    # Keys are per user: the other user's same key makes its own job.
    other = api.post("/jobs", {"device_id": w.other_device.id, "items": [{"frasco_index": 0, "amount_mg": 3}]},
                     who=w.other, headers={"Idempotency-Key": "k-1"})
    assert other.status == 201 and other.json["job"]["id"] != first.json["job"]["id"]


def test_device_token_rotation(api, world):
    w = world
    reply = api.post(f"/devices/{w.device.id}/token", who=w.user)
    assert reply.status == 200
    old = w.device.token
    assert_error(api.get("/devices/me/jobs/next", headers={"Authorization": f"Bearer {old}"}), 401)
    w.device.token = reply.json["device_token"]
    assert api.get("/devices/me/jobs/next", who=w.device).status == 200


def test_refill_capacity_and_adjust(api, world):
    w = world
    d = w.device.id
    assert api.put(f"/devices/{d}/frascos/2", {"ingredient": "pepper", "capacity_mg": 6_000}, who=w.user).status == 200
    assert_error(api.post(f"/devices/{d}/frascos/2/refill", {"amount_mg": 1_001}, who=w.user), 422, "amount_mg")
    assert api.post(f"/devices/{d}/frascos/2/refill", {"amount_mg": 1_000}, who=w.user).json["frasco"] == \
        {"index": 2, "ingredient": "pepper", "stock_mg": 6_000, "capacity_mg": 6_000, "low_stock_mg": None}
    adjusted = api.post(f"/devices/{d}/frascos/2/adjust", {"stock_mg": 4_321, "note": "counted"}, who=w.user)
    assert adjusted.status == 200 and adjusted.json["frasco"]["stock_mg"] == 4_321
    latest = api.movements(w.device)[0]
    assert latest["reason"] == "adjust" and latest["delta_mg"] == 4_321 - 6_000 and latest["frasco_index"] == 2
    assert_error(api.post(f"/devices/{d}/frascos/2/adjust", {"stock_mg": -1}, who=w.user), 422, "stock_mg")


def test_rate_limits_answer_429_with_retry_after(api, world):
    from concurrent.futures import ThreadPoolExecutor
    r = world.running["id"]

    def post(_):
        return api.progress(world.device, r, 0, 0, "dispensing", 1)

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(post, range(400)))
    limited = [x for x in replies if x.status == 429]
    assert limited, "400 progress posts at once must exceed the per-device burst of 200"
    assert {x.status for x in replies} == {202, 429}
    for reply in limited:
        assert_error(reply, 429)
        assert int(reply.header("Retry-After")) >= 1
    # Registration attempts from one address are limited too.
    source = "127.9.9.9"
    statuses = []
    for i in range(30):
        reply = api.request("POST", "/auth/register", body={"email": f"flood{i}@example.test", "password": "x"},
                            source=source)
        statuses.append(reply.status)
        if reply.status == 429:
            assert_error(reply, 429)
            assert int(reply.header("Retry-After")) >= 1
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {422}, statuses
