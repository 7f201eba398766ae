"""Low-stock thresholds and signed webhooks (issue 12) against the real server
and a real Python HTTP receiver: delivery, signatures, retries while the
receiver is down, and nothing lost across a restart or a kill -9."""

from __future__ import annotations

import pytest

from yaguts_client import log, ok_logs, wait_until
from webhook_receiver import Receiver, free_port, verify

SECRET = "s3cret-for-tests-0123456789"
ALL = ["job.completed", "job.expired", "stock.low", "device.offline", "device.online"]


@pytest.fixture
def hook_server(server_factory):
    # Private URLs allowed (the receiver is on 127.0.0.1); retries at most 1 s apart;
    # maintenance every second (offline and expiry sweeps).
    return server_factory("--webhooks-allow-private", "--webhook-max-backoff", "1", "--offline-after", "3")


def add_hook(api, user, url, events=ALL):
    reply = api.post("/webhooks", {"url": url, "events": events, "secret": SECRET}, who=user)
    assert reply.status == 201, reply.body
    return reply.json["webhook"]


def test_webhook_validation_privacy_and_ownership(server, api, user, other_user):
    # This server does not allow private receivers.
    refused = api.post("/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["job.completed"], "secret": SECRET}, who=user)
    assert refused.status == 422
    assert refused.json["error"]["fields"] == {"url": "must not point to a loopback or private address"}
    for url in ("http://10.1.2.3/", "http://[::1]:8080/", "http://192.168.0.10/", "http://169.254.169.254/latest"):
        assert api.post("/webhooks", {"url": url, "events": ["job.completed"], "secret": SECRET}, who=user).status == 422, url
    bad = api.post("/webhooks", {"url": "https://example.com/hook", "events": [], "secret": "short"}, who=user)
    assert bad.status == 422
    assert set(bad.json["error"]["fields"]) == {"url", "events", "secret"}
    assert "TLS" in bad.json["error"]["fields"]["url"]
    unknown = api.post("/webhooks", {"url": "http://93.184.215.14/", "events": ["job.eaten"], "secret": SECRET}, who=user)
    assert unknown.status == 422 and "events[0]" in unknown.json["error"]["fields"]
    # A public address literal is accepted (nothing is sent until an event).
    hook = add_hook(api, user, "http://93.184.215.14/hook", ["job.completed"])
    assert hook["secret_hint"] == "…" + SECRET[-4:] and "secret" not in hook
    assert [h["id"] for h in api.get("/webhooks", who=user).json["webhooks"]] == [hook["id"]]
    for method, path in (("GET", f"/webhooks/{hook['id']}/deliveries"), ("POST", f"/webhooks/{hook['id']}/test"),
                         ("DELETE", f"/webhooks/{hook['id']}")):
        assert api.request(method, path, headers=other_user.auth).status == 404, path
    assert api.get("/webhooks", who=other_user).json["webhooks"] == []
    assert api.request("DELETE", f"/webhooks/{hook['id']}", headers=user.auth).status == 204


def test_events_are_delivered_signed(hook_server):
    api = hook_server.api
    receiver = Receiver().start()
    try:
        user = api.register()
        hook = add_hook(api, user, receiver.url)
        device = api.device(user, frascos=2, stock={0: 6_000, 1: 9_000})
        threshold = api.put(f"/devices/{device.id}/frascos/0/low-stock", {"low_stock_mg": 5_000}, who=user)
        assert threshold.status == 200 and threshold.json["frasco"]["low_stock_mg"] == 5_000
        assert api.put(f"/devices/{device.id}/frascos/0/low-stock", {"low_stock_mg": -1}, who=user).status == 422

        # "Send test event" first.
        test = api.post(f"/webhooks/{hook['id']}/test", who=user)
        assert test.status == 202 and test.json["delivery"]["event"] == "webhook.test"
        first = receiver.next()
        assert first["path"] == "/hooks/yaguts?src=test"
        assert first["headers"]["yaguts-event"] == "webhook.test" and verify(first, SECRET)
        assert not verify(first, SECRET + "x")

        # A job takes frasco 0 from 6 g to 4 g: job.completed and stock.low (once).
        job = api.job(user, device, [(0, 2_000), (1, 1_000)])
        assert api.next_job(device).json["job"]["id"] == job["id"]  # device.online
        assert api.complete(device, job["id"], ok_logs(job)).status == 200
        # Device goes silent: device.offline after --offline-after.
        got = receiver.until(lambda seen: {"job.completed", "stock.low", "device.online", "device.offline"}
                             <= {r["json"]["type"] for r in seen})
        by_type = {r["json"]["type"]: r for r in got}
        assert all(verify(r, SECRET) for r in got)
        completed = by_type["job.completed"]["json"]
        assert completed["data"]["job"]["id"] == job["id"] and completed["data"]["job"]["status"] == "done"
        assert by_type["stock.low"]["json"]["data"] == {"device_id": device.id, "frasco_index": 0, "ingredient": "",
                                                         "stock_mg": 4_000, "low_stock_mg": 5_000}
        assert by_type["device.offline"]["json"]["data"]["online"] is False
        assert by_type["job.completed"]["headers"]["yaguts-delivery"].isdigit()
        # Below the threshold already: no second stock.low for a further dispense.
        job2 = api.job(user, device, [(0, 1_000)])
        assert api.next_job(device).json["job"]["id"] == job2["id"]
        assert api.complete(device, job2["id"], ok_logs(job2)).status == 200
        more = receiver.until(lambda seen: any(r["json"]["type"] == "job.completed" for r in seen))
        assert "stock.low" not in {r["json"]["type"] for r in more}
        log_ = api.get(f"/webhooks/{hook['id']}/deliveries", who=user).json["deliveries"]
        wait_until(lambda: all(d["delivered_at"] for d in api.get(f"/webhooks/{hook['id']}/deliveries", who=user)
                               .json["deliveries"]), 20, "every delivery marked delivered")
        assert log_[0]["event"] in ALL + ["webhook.test"]
    finally:
        receiver.stop()


def test_receiver_down_then_up_gets_everything_across_restart_and_kill(hook_server):
    api = hook_server.api
    receiver = Receiver(port=free_port())  # not started: the receiver is down
    user = api.register()
    hook = add_hook(api, user, receiver.url, ["job.completed", "job.expired"])
    device = api.device(user, frascos=1, stock={0: 100_000})
    ids = []
    for amount in (1_000, 2_000, 3_000):
        job = api.job(user, device, [(0, amount)])
        assert api.next_job(device).json["job"]["id"] == job["id"]
        assert api.complete(device, job["id"], [log(0, 0, "ok", amount)]).status == 200
        ids.append(job["id"])
    expiring = api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0, "amount_mg": 1}],
                                  "expires_in_s": 1}, who=user).json["job"]
    wait_until(lambda: api.get_job(user, expiring["id"])["status"] == "expired", 20, "the job to expire")
    # Failed attempts are logged and retried.
    wait_until(lambda: all(d["attempts"] >= 1 and d["last_error"] for d in
                           api.get(f"/webhooks/{hook['id']}/deliveries", who=user).json["deliveries"]), 20,
               "a failed attempt on every delivery")
    # A graceful restart, then a kill -9: the outbox is in the database.
    assert hook_server.terminate() == 0
    hook_server.restart()
    hook_server.kill9()
    hook_server.restart()
    receiver.start()
    try:
        got = receiver.until(lambda seen: {r["json"]["data"]["job"]["id"] for r in seen} >= set(ids) | {expiring["id"]})
        assert all(verify(r, SECRET) for r in got)
        assert {r["json"]["type"] for r in got} == {"job.completed", "job.expired"}
        wait_until(lambda: all(d["delivered_at"] for d in api.get(f"/webhooks/{hook['id']}/deliveries", who=user)
                               .json["deliveries"]), 20, "every delivery marked delivered")
    finally:
        receiver.stop()
