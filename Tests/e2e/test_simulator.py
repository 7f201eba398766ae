"""The simulator endpoint: a simulated device runs a job through the device
protocol, with failing bottles and a Wi-Fi drop."""

from __future__ import annotations

from ws_watch import Watcher, ws_url
from yaguts_client import wait_until


def test_simulated_failure_and_wifi_drop(server, api, user):
    device = api.device(user, frascos=3, stock={0: 1_000, 1: 1_000, 2: 1_000})
    job = api.job(user, device, [(0, 100), (1, 200), (2, 300), (0, 50)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["job"]["status"] == "pending"
    reply = api.post("/devices/test/simulate-execution", {
        "job_id": job["id"], "frasco_delay_ms": 20, "fail_frasco_indices": [1], "simulate_wifi_drop": True,
        "drop_at_frasco_index": 2, "drop_duration_seconds": 0.5}, who=user)
    assert reply.status == 202, reply.body
    completed, before = watcher.until("completed", timeout=30)
    progress = [m for m in before if m["type"] == "progress"]
    assert progress, "the watcher must see progress before completion"
    positions = [m["position"] for m in progress]
    assert positions == sorted(positions), "progress comes in item order"
    assert 0 in positions and 1 in positions
    assert 2 not in positions, "progress posted during the drop is lost"
    failed = [m for m in progress if m["status"] == "failed"]
    assert [m["frasco_index"] for m in failed] == [1]
    assert completed["job"]["status"] == "done_partial"
    assert [i["status"] for i in completed["job"]["items"]] == ["ok", "failed", "ok", "ok"]
    assert api.stock(device) == {0: 850, 1: 1_000, 2: 700}
    dev = api.get(f"/devices/{device.id}", who=user).json["device"]
    # The simulator is not the device: no hardware was ever heard from, so it is neither online nor seen.
    assert dev["online"] is False and dev["last_seen_at"] is None
    assert dev["fw_version"] is None  # and it does not claim a firmware version of its own
    # Not pending any more: 409, and nothing changes.
    assert api.post("/devices/test/simulate-execution", {"job_id": job["id"]}, who=user).status == 409
    assert api.stock(device) == {0: 850, 1: 1_000, 2: 700}
    watcher.close()


def test_simulation_all_ok_and_conflicts(server, api, user, other_user):
    device = api.device(user, frascos=1, stock={0: 500})
    job = api.job(user, device, [(0, 100), (0, 100)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    watcher.next()
    assert api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": 0},
                    who=other_user).status == 404
    assert api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": 0},
                    who=user).status == 202
    completed, _ = watcher.until("completed", timeout=30)
    assert completed["job"]["status"] == "done"
    assert api.stock(device) == {0: 300}
    cancelled = api.job(user, device, [(0, 1)])
    assert api.post(f"/jobs/{cancelled['id']}/cancel", who=user).status == 200
    assert api.post("/devices/test/simulate-execution", {"job_id": cancelled["id"]}, who=user).status == 409
    assert api.post("/devices/test/simulate-execution", {"job_id": 999_999}, who=user).status == 404
    assert api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": -1},
                    who=user).status == 422
    watcher.close()


def test_simulator_is_404_when_off(server_factory):
    plain = server_factory()
    api = plain.api
    user = api.register()
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 1)])
    reply = api.post("/devices/test/simulate-execution", {"job_id": job["id"]}, who=user)
    assert reply.status == 404 and reply.json["error"]["code"]
    assert api.get_job(user, job["id"])["status"] == "pending"


def test_a_simulation_resumed_after_a_restart_counts_a_redelivery(server, api, user):
    device = api.device(user, frascos=2, stock={0: 1_000, 1: 1_000})
    job = api.job(user, device, [(0, 100), (1, 200)])
    # Each item takes 1.5 s, so the kill lands long before the first item is done.
    reply = api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": 1500}, who=user)
    assert reply.status == 202, reply.body
    assert api.get_job(user, job["id"])["delivery"] == 1
    server.kill9()
    server.restart()
    # The simulated device comes back with its record, asks for its job again, and finishes it once.
    done = wait_until(lambda: (j := api.get_job(user, job["id"]))["status"] == "done" and j, 20, "the resumed simulation")
    assert done["delivery"] == 2
    assert api.stock(device) == {0: 900, 1: 800}


def test_simulation_shows_as_simulating_never_as_the_device_online(server, api, user):
    device = api.device(user, frascos=1, stock={0: 500})
    job = api.job(user, device, [(0, 100), (0, 100)])
    feed = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    first = feed.next()["device"]
    assert (first["online"], first["simulating"]) == (False, False)
    assert api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": 50},
                    who=user).status == 202
    # The run starts and ends on the device feed; the device is never online meanwhile.
    states = []
    while not states or states[-1] != (False, False) or (False, True) not in states:
        d = feed.next(timeout=30)["device"]
        states.append((d["online"], d["simulating"]))
    assert (False, True) in states and all(online is False for online, _ in states), states
    dev = api.get(f"/devices/{device.id}", who=user).json["device"]
    assert (dev["online"], dev["simulating"], dev["last_seen_at"]) == (False, False, None)
    assert api.stock(device) == {0: 300}
    feed.close()
