"""The seed's scenarios end to end: a device fetches, reports progress and
completes over HTTP while WebSocket watchers follow the job."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from yaguts_client import log, ok_logs, wait_until
from ws_watch import Watcher, ws_url


def take(api, device, job_id):
    reply = api.next_job(device)
    assert reply.status == 200, (reply.status, reply.body)
    assert reply.json["job"]["id"] == job_id
    assert reply.json["job"]["status"] == "running"
    # Taken for the first time: delivery 1, at the top level and in the job.
    assert reply.json["delivery"] == 1 and reply.json["job"]["delivery"] == 1, reply.json
    return reply.json["job"]


def test_normal_execution_all_ok(server, api, user):
    device = api.device(user, frascos=3, stock={0: 10_000, 1: 5_000, 2: 2_000})
    job = api.job(user, device, [(0, 1_500), (1, 250), (2, 2_000), (0, 500)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    snapshot = watcher.next()
    assert snapshot["type"] == "snapshot" and snapshot["job"]["status"] == "pending"

    take(api, device, job["id"])
    for item in job["items"]:
        assert api.progress(device, job["id"], item["position"], item["frasco_index"], "dispensing").status == 202
        assert api.progress(device, job["id"], item["position"], item["frasco_index"], "ok",
                            item["amount_mg"]).status == 202
    reply = api.complete(device, job["id"], ok_logs(job), fw_version="1.2.3")
    assert reply.status == 200, reply.body
    assert reply.json == {"job_id": job["id"], "status": "done", "replayed": False,
                          "stock": [{"frasco_index": 0, "stock_mg": 8_000}, {"frasco_index": 1, "stock_mg": 4_750},
                                    {"frasco_index": 2, "stock_mg": 0}]}
    assert reply.header("Idempotent-Replayed") is None

    completed, before = watcher.until("completed")
    progress = [m for m in before if m["type"] == "progress"]
    assert [(m["position"], m["status"]) for m in progress] == \
        [(i["position"], s) for i in job["items"] for s in ("dispensing", "ok")]
    assert all(m["job_id"] == job["id"] for m in progress)
    assert completed["job"]["status"] == "done"
    assert [i["status"] for i in completed["job"]["items"]] == ["ok"] * 4
    assert [i["dispensed_mg"] for i in completed["job"]["items"]] == [1_500, 250, 2_000, 500]
    watcher.close()

    assert api.stock(device) == {0: 8_000, 1: 4_750, 2: 0}
    final = api.get_job(user, job["id"])
    assert final["status"] == "done" and final["completed_at"] and final["started_at"]
    dispenses = [m for m in api.movements(device) if m["reason"] == "dispense"]
    assert sorted((m["frasco_index"], m["delta_mg"]) for m in dispenses) == [(0, -1_500), (0, -500), (1, -250), (2, -2_000)]
    assert all(m["job_id"] == job["id"] for m in dispenses)
    assert api.get(f"/devices/{device.id}", who=user).json["device"]["fw_version"] == "1.2.3"


def test_partial_failure_deducts_only_ok_bottles(server, api, user):
    device = api.device(user, frascos=3, stock={0: 1_000, 1: 1_000, 2: 1_000})
    job = api.job(user, device, [(0, 100), (1, 200), (2, 300)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    take(api, device, job["id"])
    assert api.progress(device, job["id"], 1, 1, "failed", 0, error="motor stalled").status == 202
    logs = [log(0, 0, "ok", 100), log(1, 1, "failed", 0, error="motor stalled"), log(2, 2, "ok", 300)]
    reply = api.complete(device, job["id"], logs)
    assert reply.status == 200, reply.body
    assert reply.json["status"] == "done_partial" and reply.json["replayed"] is False
    completed, before = watcher.until("completed")
    assert [m["error"] for m in before if m["type"] == "progress"] == ["motor stalled"]
    assert completed["job"]["status"] == "done_partial"
    assert [i["status"] for i in completed["job"]["items"]] == ["ok", "failed", "ok"]
    assert api.stock(device) == {0: 900, 1: 1_000, 2: 700}
    watcher.close()


def test_items_missing_from_report_count_as_failed(api, user):
    device = api.device(user, frascos=2, stock={0: 1_000, 1: 1_000})
    job = api.job(user, device, [(0, 100), (1, 200)])
    take(api, device, job["id"])
    reply = api.complete(device, job["id"], [log(1, 1, "ok", 200)])
    assert reply.status == 200 and reply.json["status"] == "done_partial"
    assert api.stock(device) == {0: 1_000, 1: 800}
    job2 = api.job(user, device, [(0, 100)])
    take(api, device, job2["id"])
    reply = api.complete(device, job2["id"], [log(0, 0, "failed", 0)])
    assert reply.status == 200 and reply.json["status"] == "failed"
    assert api.stock(device) == {0: 1_000, 1: 800}


def _send_and_vanish(api, device, job_id, logs) -> None:
    """A complete report whose answer the device never reads (the Wi-Fi died)."""
    import json
    body = json.dumps({"execution_logs": logs}).encode()
    with socket.create_connection((api.host, api.port), timeout=5) as sock:
        sock.sendall(f"POST /devices/me/jobs/{job_id}/complete HTTP/1.1\r\nHost: x\r\n"
                     f"Authorization: Bearer {device.token}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def test_wifi_drop_then_retries_deduct_exactly_once(server, api, user):
    device = api.device(user, frascos=3, stock={0: 5_000, 1: 5_000, 2: 5_000})
    job = api.job(user, device, [(0, 1_000), (1, 1_000), (2, 1_000)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    take(api, device, job["id"])
    assert api.progress(device, job["id"], 0, 0, "ok", 1_000).status == 202
    # Wi-Fi drops: items 1 and 2 are dispensed with no progress posted. Nothing
    # may change on the server while the device is silent.
    first, _ = watcher.until("progress")
    assert (first["position"], first["status"]) == (0, "ok")
    assert watcher.messages.empty()
    assert api.get_job(user, job["id"])["status"] == "running"
    assert api.stock(device) == {0: 5_000, 1: 5_000, 2: 5_000}

    logs = ok_logs(job)
    _send_and_vanish(api, device, job["id"], logs)
    replies = [api.complete(device, job["id"], logs) for _ in range(4)]
    assert all(r.status == 200 for r in replies), [r.body for r in replies]
    fresh = [r for r in replies if r.json["replayed"] is False]
    assert len(fresh) <= 1, "at most one report may be the first"
    for reply in replies[1:]:
        assert reply.json["replayed"] is True
        assert reply.header("Idempotent-Replayed") == "true"
    assert {r.json["status"] for r in replies} == {"done"}
    assert all(r.json["stock"] == replies[0].json["stock"] for r in replies)

    completed, between = watcher.until("completed")
    assert between == []
    assert completed["job"]["status"] == "done"
    assert api.stock(device) == {0: 4_000, 1: 4_000, 2: 4_000}
    assert len([m for m in api.movements(device) if m["reason"] == "dispense"]) == 3
    assert api.metric("yaguts_reports_replayed_total") >= 3
    # A different report for the settled job is refused with the recorded result.
    conflict = api.complete(device, job["id"], [log(0, 0, "failed", 0)])
    assert conflict.status == 409
    assert conflict.json["result"] == {**replies[-1].json, "replayed": False}
    assert conflict.json["error"]["code"]
    # Nothing more comes on the watcher: `completed` is sent once.
    watcher.close()
    assert [m for m in watcher.drain() if m is not Watcher.CLOSED] == []


def test_same_report_in_other_key_order_is_a_replay(api, user):
    import json
    device = api.device(user, frascos=1, stock={0: 1_000})
    job = api.job(user, device, [(0, 10)])
    take(api, device, job["id"])
    assert api.complete(device, job["id"], ok_logs(job)).json["replayed"] is False
    reordered = '{"execution_logs":[{"dispensed_mg":10,"status":"ok","frasco_index":0,"position":0}]}'
    reply = api.request("POST", f"/devices/me/jobs/{job['id']}/complete", raw=reordered.encode(),
                        headers={**device.auth, "Content-Type": "application/json"})
    assert reply.status == 200 and reply.json["replayed"] is True
    assert json.loads(reply.body)["stock"] == [{"frasco_index": 0, "stock_mg": 990}]


def test_fifty_concurrent_identical_reports_deduct_once(api, user):
    device = api.device(user, frascos=2, stock={0: 10_000, 1: 10_000})
    job = api.job(user, device, [(0, 700), (1, 300)])
    take(api, device, job["id"])
    logs = ok_logs(job)
    barrier = threading.Barrier(50)

    def report(_):
        import http.client
        conn = http.client.HTTPConnection(api.host, api.port, timeout=30)
        conn.connect()
        barrier.wait(30)
        try:
            return api.request("POST", f"/devices/me/jobs/{job['id']}/complete", body={"execution_logs": logs},
                               headers=device.auth, conn=conn)
        finally:
            conn.close()

    with ThreadPoolExecutor(50) as pool:
        replies = list(pool.map(report, range(50)))
    assert [r.status for r in replies] == [200] * 50, [r.body for r in replies if r.status != 200]
    assert sum(1 for r in replies if r.json["replayed"] is False) == 1
    assert all(r.header("Idempotent-Replayed") == "true" for r in replies if r.json["replayed"])
    assert {tuple((s["frasco_index"], s["stock_mg"]) for s in r.json["stock"]) for r in replies} == {((0, 9_300), (1, 9_700))}
    assert api.stock(device) == {0: 9_300, 1: 9_700}


def test_hundred_devices_run_jobs_simultaneously(api, user):
    devices = [api.device(user, frascos=2, stock={0: 1_000 + i, 1: 2_000}) for i in range(100)]
    jobs = [api.job(user, d, [(0, 10 + i), (1, 20), (0, 5)]) for i, d in enumerate(devices)]
    barrier = threading.Barrier(100)

    def run(i):
        device, job = devices[i], jobs[i]
        barrier.wait(60)
        got = api.next_job(device)
        assert got.status == 200 and got.json["job"]["id"] == job["id"], got.body
        outcome = i % 3  # 0: all ok, 1: middle item fails, 2: all fail
        logs = []
        for item in job["items"]:
            failed = outcome == 2 or (outcome == 1 and item["position"] == 1)
            assert api.progress(device, job["id"], item["position"], item["frasco_index"],
                                "failed" if failed else "ok", 0 if failed else item["amount_mg"]).status == 202
            logs.append(log(item["position"], item["frasco_index"], "failed" if failed else "ok",
                            0 if failed else item["amount_mg"]))
        reply = api.complete(device, job["id"], logs)
        assert reply.status == 200, reply.body
        return reply.json["status"]

    with ThreadPoolExecutor(100) as pool:
        statuses = list(pool.map(run, range(100)))
    assert statuses == [("done", "done_partial", "failed")[i % 3] for i in range(100)]
    for i, (device, job) in enumerate(zip(devices, jobs)):
        expected = {0: 1_000 + i, 1: 2_000}
        if i % 3 == 0:
            expected = {0: 1_000 + i - (10 + i) - 5, 1: 2_000 - 20}
        elif i % 3 == 1:
            expected = {0: 1_000 + i - (10 + i) - 5, 1: 2_000}
        assert api.stock(device) == expected, f"device {i}"
        assert api.get_job(user, job["id"])["status"] == statuses[i]


def test_kill9_after_complete_keeps_result(server, api, user):
    device = api.device(user, frascos=2, stock={0: 3_000, 1: 3_000})
    job = api.job(user, device, [(0, 1_234), (1, 1)])
    take(api, device, job["id"])
    logs = [log(0, 0, "ok", 1_234), log(1, 1, "failed", 0, error="empty")]
    reply = api.complete(device, job["id"], logs)
    assert reply.status == 200 and reply.json["status"] == "done_partial"
    server.kill9()
    server.restart()
    assert api.get_job(user, job["id"])["status"] == "done_partial"
    assert api.stock(device) == {0: 1_766, 1: 3_000}
    again = api.complete(device, job["id"], logs)
    assert again.status == 200
    assert again.json == {**reply.json, "replayed": True}
    assert again.header("Idempotent-Replayed") == "true"
    assert api.stock(device) == {0: 1_766, 1: 3_000}


def test_rebooted_device_gets_its_running_job_back(server, api, user):
    device = api.device(user, frascos=1, stock={0: 100})
    first = api.job(user, device, [(0, 10)])
    second = api.job(user, device, [(0, 20)])
    assert api.get_job(user, second["id"])["delivery"] == 0
    assert take(api, device, first["id"])["id"] == first["id"]
    # The device reboots and asks again: the job it took, not the next one,
    # and the delivery count says it was handed out before.
    again = api.next_job(device)
    assert again.status == 200 and again.json["job"]["id"] == first["id"]
    assert again.json["delivery"] == 2 and again.json["job"]["delivery"] == 2
    assert api.get_job(user, second["id"])["status"] == "pending"
    # The count is durable: a restarted server hands it out a third time.
    assert server.terminate() == 0
    server.restart()
    third = api.next_job(device)
    assert third.json["job"]["id"] == first["id"] and third.json["delivery"] == 3
    assert api.get_job(user, first["id"])["delivery"] == 3
    assert api.complete(device, first["id"], ok_logs(first)).status == 200
    assert take(api, device, second["id"])["id"] == second["id"]
    assert api.complete(device, second["id"], ok_logs(second)).status == 200
    assert api.next_job(device).status == 204
    assert api.stock(device) == {0: 70}


def test_long_poll_receives_a_new_job_at_once(api, user):
    device = api.device(user, frascos=1, stock={0: 100})
    result = {}

    def poll():
        started = time.monotonic()
        result["reply"] = api.next_job(device, wait=10)
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=poll)
    thread.start()
    # The poll is parked once the device shows as online (it was seen).
    wait_until(lambda: api.get(f"/devices/{device.id}", who=user).json["device"]["online"], 5, "device online")
    job = api.job(user, device, [(0, 1)])
    thread.join(15)
    assert result["reply"].status == 200, result["reply"].body
    assert result["reply"].json["job"]["id"] == job["id"]
    assert result["elapsed"] < 5, f"long poll took {result['elapsed']:.2f}s for a job created while waiting"
    assert api.complete(device, job["id"], ok_logs(job)).status == 200


def test_long_poll_times_out_with_204(api, user):
    device = api.device(user, frascos=1)
    started = time.monotonic()
    reply = api.next_job(device, wait=1)
    assert reply.status == 204 and reply.body == b""
    assert time.monotonic() - started >= 0.9
