"""Input rules that keep stored text and state honest: NUL in passwords,
control and bidi characters in names and ingredients."""

from __future__ import annotations

import pytest

from yaguts_client import log

BAD_TEXT = ["Bar\x00", "Bar\x07", "Bar\nBaz", "Bar\t", "Ba\x7fr", "Ba\x85r", "\u202eraB", "Bar\u2066x\u2069",
            "a\u200fb", "a\u2028b"]


def test_password_with_nul_is_422_naming_password(api):
    for path in ("/auth/register", "/auth/login"):
        reply = api.post(path, {"email": "nul@example.test", "password": "long enough\x00password"})
        assert reply.status == 422, (path, reply.status, reply.body)
        assert "password" in reply.json["error"]["fields"], path


@pytest.mark.parametrize("name", BAD_TEXT)
def test_control_and_bidi_characters_in_device_names_are_422(api, user, name):
    reply = api.post("/devices", {"name": name, "frascos": 1}, who=user)
    assert reply.status == 422 and "name" in reply.json["error"]["fields"], (repr(name), reply.status)


@pytest.mark.parametrize("ingredient", BAD_TEXT)
def test_control_and_bidi_characters_in_ingredients_are_422(api, user, ingredient):
    device = api.device(user, frascos=1)
    reply = api.put(f"/devices/{device.id}/frascos/0", {"ingredient": ingredient}, who=user)
    assert reply.status == 422 and "ingredient" in reply.json["error"]["fields"], (repr(ingredient), reply.status)


def test_ordinary_unicode_names_are_fine(api, user):
    reply = api.post("/devices", {"name": "Balcão Açaí 🍹 עברית", "frascos": 1}, who=user)
    assert reply.status == 201
    device_id = reply.json["device"]["id"]
    assert api.put(f"/devices/{device_id}/frascos/0", {"ingredient": "Xarope de maçã"}, who=user).status == 200


# -- firmware version and progress state ---------------------------------------

def running(api, user, amount=100):
    device = api.device(user, frascos=1, stock={0: 10_000})
    job = api.job(user, device, [(0, amount)])
    assert api.next_job(device).json["job"]["id"] == job["id"]
    return device, job


def test_fw_version_is_capped_in_completion_reports_too(api, user):
    device, job = running(api, user)
    long = api.complete(device, job["id"], [log(0, 0, "ok", 100)], fw_version="1." + "9" * 63)
    assert long.status == 422 and "fw_version" in long.json["error"]["fields"]
    control = api.complete(device, job["id"], [log(0, 0, "ok", 100)], fw_version="1.0\n")
    assert control.status == 422 and "fw_version" in control.json["error"]["fields"]
    # Refused before anything was settled: the job still runs, the stock is whole.
    assert api.get_job(user, job["id"])["status"] == "running"
    assert api.stock(device) == {0: 10_000}
    exact = "v" * 64
    assert api.complete(device, job["id"], [log(0, 0, "ok", 100)], fw_version=exact).status == 200
    assert api.get(f"/devices/{device.id}", who=user).json["device"]["fw_version"] == exact
    heartbeat = api.post("/devices/me/heartbeat", {"fw_version": "x" * 65, "uptime_s": 1}, who=device)
    assert heartbeat.status == 422 and "fw_version" in heartbeat.json["error"]["fields"]


def test_progress_only_for_a_running_job(api, user):
    device = api.device(user, frascos=1, stock={0: 10_000})
    pending = api.job(user, device, [(0, 10)])
    reply = api.progress(device, pending["id"], 0, 0, "dispensing", 1)
    assert reply.status == 409 and reply.json["error"]["code"] == "job_not_running"
    assert api.post(f"/jobs/{pending['id']}/cancel", who=user).status == 200
    reply = api.progress(device, pending["id"], 0, 0, "dispensing", 1)
    assert reply.status == 409 and reply.json["error"]["code"] == "job_not_running"

    job = api.job(user, device, [(0, 10)])
    assert api.next_job(device).json["job"]["id"] == job["id"]
    assert api.progress(device, job["id"], 0, 0, "dispensing", 5).status == 202
    too_much = api.progress(device, job["id"], 0, 0, "dispensing", 10**15)
    assert too_much.status == 422 and "dispensed_mg" in too_much.json["error"]["fields"]
    assert api.complete(device, job["id"], [log(0, 0, "ok", 10)]).status == 200
    # After completion: accepted and ignored, as before.
    assert api.progress(device, job["id"], 0, 0, "ok", 10).status == 202
