"""HTTP strictness beyond framing: an invalid Host value is 400 (RFC 9112
§3.2), and a JSON object with a repeated member name is 400 malformed_json on
every endpoint that takes a JSON body — nothing is changed by it."""

from __future__ import annotations

import pytest

from yaguts_client import log, status_line


def status_for_host(server, host_value: str) -> int:
    request = f"GET /healthz HTTP/1.1\r\nHost: {host_value}\r\nConnection: close\r\n\r\n".encode()
    return int(status_line(server.host, server.port, request).split(b" ", 2)[1])


@pytest.mark.parametrize("value", ["a b", "evil.example/x", "127.0.0.1:80x", "user@host", "[::1", "a%zz"])
def test_invalid_host_value_is_400(server, value):
    assert status_for_host(server, value) == 400


@pytest.mark.parametrize("value", ["127.0.0.1", "localhost:8080", "[::1]:9", "example.com"])
def test_valid_host_values_are_served(server, value):
    assert status_for_host(server, value) == 200


def test_duplicate_json_keys_are_400_on_every_endpoint(server, api, user):
    device = api.device(user, frascos=2, stock={0: 10_000})
    job = api.job(user, device, [(0, 100)])
    assert api.next_job(device).json["job"]["id"] == job["id"]
    other = api.job(user, device, [(1, 5)])
    # (method, path, who, body with a member name repeated, where the two
    # values would each be acceptable alone)
    cases = [
        ("POST", "/auth/register", None, '{"email":"dup@example.test","password":"long enough pw","email":"x@example.test"}'),
        ("POST", "/auth/login", None, f'{{"email":"{user.email}","password":"correct horse battery","password":"x"}}'),
        ("POST", "/devices", user, '{"name":"a","frascos":2,"name":"b"}'),
        ("PUT", f"/devices/{device.id}/frascos/0", user, '{"ingredient":"a","ingredient":"b"}'),
        ("POST", f"/devices/{device.id}/frascos/0/refill", user, '{"amount_mg":5,"amount_mg":7}'),
        ("POST", f"/devices/{device.id}/frascos/0/adjust", user, '{"stock_mg":5,"stock_mg":7}'),
        ("POST", "/jobs", user, f'{{"device_id":{device.id},"items":[{{"frasco_index":0,"amount_mg":1,"amount_mg":2}}]}}'),
        ("POST", f"/devices/me/jobs/{job['id']}/progress", device,
         '{"position":0,"frasco_index":0,"status":"dispensing","dispensed_mg":1,"dispensed_mg":2}'),
        ("POST", f"/devices/me/jobs/{job['id']}/complete", device,
         '{"execution_logs":[{"position":0,"frasco_index":0,"status":"ok","dispensed_mg":100,"status":"failed"}]}'),
        ("POST", "/devices/me/heartbeat", device, '{"fw_version":"1.0","uptime_s":1,"fw_version":"2.0"}'),
        ("POST", "/devices/test/simulate-execution", user, f'{{"job_id":{other["id"]},"job_id":{other["id"]}}}'),
        # Equal after unescaping is still the same name.
        ("POST", "/devices", user, '{"name":"a","frascos":2,"n\\u0061me":"b"}'),
    ]
    stock_before = api.stock(device)
    for method, path, who, body in cases:
        reply = api.request(method, path, raw=body.encode(),
                            headers={"Content-Type": "application/json", **(who.auth if who else {})})
        assert reply.status == 400, (path, reply.status, reply.body)
        assert reply.json["error"]["code"] == "malformed_json", path
    # Nothing happened: no account, no device, no stock change, the job still runs.
    assert api.post("/auth/login", {"email": "dup@example.test", "password": "long enough pw"}).status == 401
    assert len(api.get("/devices", who=user).json["devices"]) == 1
    assert api.stock(device) == stock_before
    assert api.get_job(user, job["id"])["status"] == "running"
    assert api.complete(device, job["id"], [log(0, 0, "ok", 100)]).status == 200
