"""Edges of the contract that a careful reading finds: one job at a time per
device (also for the simulator), only a started job can be completed, the
401 challenge, canonical ids, capacity, and the data directory's lock."""
import os
import subprocess

from yaguts_client import log


def test_a_job_the_device_never_took_cannot_be_completed(api, user):
    device = api.device(user, frascos=2, stock={0: 1000, 1: 1000})
    first = api.job(user, device, [(0, 100)])
    second = api.job(user, device, [(1, 100)])
    assert api.next_job(device).json["job"]["id"] == first["id"]
    reply = api.complete(device, second["id"], [log(0, 1, "ok", 100)])
    assert reply.status == 409 and reply.json["error"]["code"] == "job_not_started"
    assert api.get_job(user, second["id"])["status"] == "pending"
    assert api.stock(device) == {0: 1000, 1: 1000}


def test_the_simulator_respects_one_job_at_a_time(server_factory):
    server = server_factory("--simulator")
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1, stock={0: 1000})
    running = api.job(user, device, [(0, 10)])
    waiting = api.job(user, device, [(0, 20)])
    assert api.next_job(device).json["job"]["id"] == running["id"]
    reply = api.post("/devices/test/simulate-execution", {"job_id": waiting["id"], "frasco_delay_ms": 0}, who=user)
    assert reply.status == 409 and reply.json["error"]["code"] == "device_busy"
    assert api.get_job(user, waiting["id"])["status"] == "pending"


def test_unauthorized_carries_a_bearer_challenge(api):
    reply = api.get("/me")
    assert reply.status == 401
    assert (reply.header("WWW-Authenticate") or "").startswith("Bearer")
    reply = api.get("/me", headers={"Authorization": "Bearer not-a-token"})
    assert reply.status == 401 and "invalid_token" in reply.header("WWW-Authenticate")


def test_ids_are_canonical_decimals(api, user):
    device = api.device(user, frascos=1)
    for path in (f"/devices/+{device.id}", f"/devices/0{device.id}", "/devices/0", "/devices/-1"):
        assert api.get(path, who=user).status == 404, path
    for index in ("00", "+0", "-0", "16"):
        reply = api.post(f"/devices/{device.id}/frascos/{index}/refill", {"amount_mg": 1}, who=user)
        assert reply.status == 404, index
    assert api.stock(device) == {0: 0}


def test_capacity_bounds_counts_and_edits(api, user):
    device = api.device(user, frascos=1, stock={0: 5000})
    reply = api.put(f"/devices/{device.id}/frascos/0", {"ingredient": "Rum", "capacity_mg": 4000}, who=user)
    assert reply.status == 422 and "capacity_mg" in reply.json["error"]["fields"]
    assert api.put(f"/devices/{device.id}/frascos/0", {"ingredient": "Rum", "capacity_mg": 6000}, who=user).status == 200
    reply = api.post(f"/devices/{device.id}/frascos/0/adjust", {"stock_mg": 7000}, who=user)
    assert reply.status == 422 and "stock_mg" in reply.json["error"]["fields"]
    assert api.stock(device) == {0: 5000}


def test_restore_refuses_while_a_server_runs_and_one_server_per_directory(server, tmp_path):
    binary = os.environ.get("YAGUTS_BIN", ".build/debug/yaguts")
    backup = tmp_path / "backup.sqlite"
    assert subprocess.run([binary, "backup", str(backup), "--data", str(server.data_dir)],
                          capture_output=True, timeout=60).returncode == 0
    restore = subprocess.run([binary, "restore", str(backup), "--data", str(server.data_dir)],
                             capture_output=True, timeout=60)
    assert restore.returncode != 0 and b"running" in restore.stderr
    second = subprocess.run([binary, "serve", "--port", "0", "--data", str(server.data_dir)],
                            capture_output=True, timeout=60)
    assert second.returncode != 0 and b"another yaguts" in second.stderr
    assert server.api.get("/healthz").status == 200


def test_a_silent_device_goes_offline_and_watchers_hear_it(server_factory):
    from ws_watch import Watcher, ws_url
    server = server_factory("--offline-after", "1")
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1)
    watcher = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    try:
        assert watcher.next()["device"]["online"] is False
        reply = api.post("/devices/me/heartbeat", {"fw_version": "2.0.1", "uptime_s": 5}, who=device)
        assert reply.status == 200 and reply.json["update"] is None
        states = []
        while not states or states[-1]["online"] is not False or len(states) < 2:
            states.append(watcher.next(timeout=10)["device"])
        assert states[0]["online"] is True and states[-1]["online"] is False
        assert states[-1]["fw_version"] == "2.0.1" and states[-1]["last_seen_at"]
        assert api.get(f"/devices/{device.id}", who=user).json["device"]["online"] is False
    finally:
        watcher.close()
