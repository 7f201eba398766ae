"""Job expiry, abort of a running job, and stuck-job visibility (issue 12),
against the real server: a Python device client speaks the device protocol."""

from __future__ import annotations

from yaguts_client import log, wait_until
from ws_watch import Watcher, ws_url


def expiring_job(api, user, device, amount_mg: int) -> dict:
    """A job that expires one second after it is created."""
    reply = api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0, "amount_mg": amount_mg}],
                               "expires_in_s": 1}, who=user)
    assert reply.status == 201, reply.body
    return reply.json["job"]


def _expiring_server(server_factory):
    # --offline-after 3 → maintenance (the expiry sweep) every second.
    return server_factory("--offline-after", "3")


def test_pending_job_expires_is_never_delivered_and_watchers_hear_it(server_factory):
    server = _expiring_server(server_factory)
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1, stock={0: 5_000})
    job = expiring_job(api, user, device, 1_000)
    assert job["status"] == "pending" and job["expires_at"] > job["created_at"]
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    completed, _ = watcher.until("completed")
    assert completed["job"]["status"] == "expired"
    assert api.get_job(user, job["id"])["status"] == "expired"
    # Never delivered, and a report for it is refused.
    assert api.next_job(device).status == 204
    refused = api.complete(device, job["id"], [log(0, 0, "ok", 1_000)])
    assert refused.status == 409 and refused.json["error"]["code"] == "job_expired", refused.body
    listed = api.get("/jobs?status=expired", who=user).json["jobs"]
    assert [j["id"] for j in listed] == [job["id"]]
    assert api.stock(device) == {0: 5_000}
    watcher.close()


def test_owner_default_expiry_and_validation(server, api, user):
    device = api.device(user, frascos=1)
    assert api.get("/account/settings", who=user).json == {"settings": {"default_job_expires_in_s": None}}
    bad = api.put("/account/settings", {"default_job_expires_in_s": 0}, who=user)
    assert bad.status == 422 and "default_job_expires_in_s" in bad.json["error"]["fields"]
    ok = api.put("/account/settings", {"default_job_expires_in_s": 3600}, who=user)
    assert ok.status == 200 and ok.json["settings"]["default_job_expires_in_s"] == 3600
    job = api.job(user, device, [(0, 10)])
    assert job["expires_at"] is not None and job["expires_at"] > job["created_at"]
    bad = api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0, "amount_mg": 1}],
                             "expires_in_s": 99_999_999}, who=user)
    assert bad.status == 422 and "expires_in_s" in bad.json["error"]["fields"]
    # Clearing the default: new jobs never expire.
    assert api.put("/account/settings", {"default_job_expires_in_s": None}, who=user).status == 200
    assert api.job(user, device, [(0, 10)])["expires_at"] is None


def test_running_job_never_expires(server_factory):
    server = _expiring_server(server_factory)
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1, stock={0: 5_000})
    job = expiring_job(api, user, device, 1_000)
    assert api.next_job(device).json["job"]["id"] == job["id"]
    # A second job with the same short expiry: once it has expired, the sweep has
    # certainly passed the first job's expiry too, and left it running.
    other = expiring_job(api, user, device, 1)
    wait_until(lambda: api.get_job(user, other["id"])["status"] == "expired", 20, "the second job to expire")
    assert api.get_job(user, job["id"])["status"] == "running"
    assert api.complete(device, job["id"], [log(0, 0, "ok", 1_000)]).status == 200
    assert api.stock(device) == {0: 4_000}


def test_abort_mid_job_deducts_only_what_dispensed(server, api, user):
    device = api.device(user, frascos=3, stock={0: 10_000, 1: 10_000, 2: 10_000})
    job = api.job(user, device, [(0, 1_000), (1, 2_000), (2, 3_000)])
    # Aborting a pending job is refused: it is cancelled instead.
    pending = api.post(f"/jobs/{job['id']}/abort", who=user)
    assert pending.status == 409 and pending.json["error"]["code"] == "job_not_running"
    assert api.next_job(device).json["job"]["id"] == job["id"]
    first = api.progress(device, job["id"], 0, 0, "ok", 1_000)
    assert first.status == 202 and first.json == {"abort": False}
    heartbeat = api.post("/devices/me/heartbeat", {"fw_version": "1.0.0", "uptime_s": 5}, who=device)
    assert heartbeat.json["abort_job_id"] is None
    # Someone else cannot abort it; its owner can, repeatedly.
    stranger = api.register()
    assert api.post(f"/jobs/{job['id']}/abort", who=stranger).status == 404
    aborted = api.post(f"/jobs/{job['id']}/abort", who=user)
    assert aborted.status == 200 and aborted.json["job"]["abort_requested"] is True
    assert aborted.json["job"]["status"] == "running"
    assert api.post(f"/jobs/{job['id']}/abort", who=user).status == 200
    # The device hears it from a heartbeat and from its next progress post.
    heartbeat = api.post("/devices/me/heartbeat", {"fw_version": "1.0.0", "uptime_s": 6}, who=device)
    assert heartbeat.status == 200 and heartbeat.json["abort_job_id"] == job["id"]
    assert api.progress(device, job["id"], 1, 1, "dispensing", 0).json == {"abort": True}
    # It stops before the next item and reports the rest failed with `aborted`.
    report = [log(0, 0, "ok", 1_000), log(1, 1, "failed", 0, error="aborted"), log(2, 2, "failed", 0, error="aborted")]
    done = api.complete(device, job["id"], report)
    assert done.status == 200 and done.json["status"] == "done_partial", done.body
    assert api.complete(device, job["id"], report).json["replayed"] is True
    assert api.stock(device) == {0: 9_000, 1: 10_000, 2: 10_000}
    final = api.get_job(user, job["id"])
    assert [i["error"] for i in final["items"]] == [None, "aborted", "aborted"]
    finished = api.post(f"/jobs/{job['id']}/abort", who=user)
    assert finished.status == 409 and finished.json["error"]["code"] == "job_not_running"
    assert api.post("/devices/me/heartbeat", {"fw_version": "1.0.0", "uptime_s": 7}, who=device).json["abort_job_id"] is None


def test_abort_with_the_simulator_stops_before_the_next_item(server, api, user):
    device = api.device(user, frascos=3, stock={0: 10_000, 1: 10_000, 2: 10_000})
    job = api.job(user, device, [(0, 1_000), (1, 2_000), (2, 3_000)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    started = api.post("/devices/test/simulate-execution", {"job_id": job["id"], "frasco_delay_ms": 3000,
                                                            "fail_frasco_indices": [], "simulate_wifi_drop": False}, who=user)
    assert started.status == 202, started.body
    # Abort once the first item is under way (its "dispensing" event arrived); 3 s per
    # item leaves ample time for the abort to land before the last one starts.
    watcher.until("progress")
    assert api.post(f"/jobs/{job['id']}/abort", who=user).status == 200
    completed, _ = watcher.until("completed")
    items = completed["job"]["items"]
    assert completed["job"]["status"] in ("done_partial", "failed")
    assert items[-1]["status"] == "failed" and items[-1]["error"] == "aborted"
    dispensed = {i["frasco_index"]: i["dispensed_mg"] for i in items if i["status"] == "ok"}
    assert api.stock(device) == {f: 10_000 - dispensed.get(f, 0) for f in range(3)}
    watcher.close()


def test_running_job_shows_presence_and_progress_time(server, api, user):
    device = api.device(user, frascos=1, stock={0: 1_000})
    job = api.job(user, device, [(0, 100)])
    assert api.get_job(user, job["id"])["device_online"] is None  # pending: not shown
    assert api.next_job(device).json["job"]["id"] == job["id"]
    running = api.get_job(user, job["id"])
    assert running["device_online"] is True and running["last_progress_at"] is None
    assert api.progress(device, job["id"], 0, 0, "dispensing", 0).status == 202
    assert api.get_job(user, job["id"])["last_progress_at"] is not None
    # Not stale under the default threshold (300 s).
    assert api.get("/jobs?stale=true", who=user).json["jobs"] == []
    assert api.get("/jobs?stale=maybe", who=user).status == 422


def test_stale_jobs_are_listed_and_counted(server_factory):
    server = server_factory("--job-stale-after", "1", "--offline-after", "3")
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1, stock={0: 1_000})
    job = api.job(user, device, [(0, 100)])
    assert api.next_job(device).json["job"]["id"] == job["id"]
    stale = wait_until(lambda: api.get("/jobs?stale=true", who=user).json["jobs"], 20, "the job to become stale")
    assert [j["id"] for j in stale] == [job["id"]]
    wait_until(lambda: api.metric("yaguts_jobs_stale") == 1, 20, "the stale gauge")
    wait_until(lambda: api.metric("yaguts_job_oldest_running_age_seconds") >= 1, 20, "the oldest-running-job gauge")
    # A late report is still accepted (offline-first); then nothing is stale.
    assert api.complete(device, job["id"], [log(0, 0, "ok", 100)]).status == 200
    assert api.get("/jobs?stale=true", who=user).json["jobs"] == []
    assert api.stock(device) == {0: 900}
