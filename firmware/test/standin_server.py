#!/usr/bin/env python3
"""A small stand-in for `yaguts serve`, only for exercising e2e_device.py and
yaguts-device before the real server exists. It implements just the routes the
e2e test uses, per the wire contract and the shared wire decisions (delivery
counts, abort, firmware upload/rollouts, Range image downloads, firmware status), with state in DATA/state.json (rewritten
atomically after each change). It is not the server and proves nothing about it.

    YAGUTS_E2E_SERVER="python3 firmware/test/standin_server.py" python3 firmware/test/e2e_device.py
"""
import base64
import hashlib
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Condition()
STATE = {"users": {}, "devices": {}, "jobs": {}, "firmware": {}, "rollouts": [], "next_id": 1}
DATA = None
RESULTS = ("confirmed", "failed", "rolled_back")  # the device-reported states that end an attempt


def save():
    tmp = os.path.join(DATA, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(STATE, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(DATA, "state.json"))


def new_id():
    STATE["next_id"] += 1
    return STATE["next_id"] - 1


def public_job(job):
    out = {k: job[k] for k in ("id", "device_id", "status", "items", "created_at", "started_at", "completed_at")}
    out["delivery"] = job.get("delivery", 0)
    out["abort_requested"] = job.get("abort_requested", False)
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, headers=()):
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def error(self, status, code):
        self.reply(status, {"error": {"code": code, "message": code}})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"null")

    def bearer(self):
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else None

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def raw_body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_image(self, image, fid):
        """GET /devices/me/firmware/{id}: the whole image, or one Range (206/416)."""
        size = len(image)
        etag = '"%s"' % hashlib.sha256(image).hexdigest()
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if m is None:
            start, end, status = 0, size - 1, 200
        else:
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            status = 206
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(image[start:end + 1])

    def route(self, method):
        url = urlparse(self.path)
        path, query = url.path, parse_qs(url.query)
        token = self.bearer()
        if method == "POST" and path == "/firmware":
            return self.upload_firmware(token, query)
        body = self.body() if method == "POST" else None
        with LOCK:
            user = next((u for u in STATE["users"].values() if token in u["tokens"]), None)
            device = next((d for d in STATE["devices"].values() if d["token"] == token), None)
        if method == "POST" and path == "/auth/register":
            with LOCK:
                uid = new_id()
                tok = secrets.token_hex(32)
                STATE["users"][str(uid)] = {"id": uid, "email": body["email"], "tokens": [tok]}
                save()
            return self.reply(201, {"user": {"id": uid, "email": body["email"]}, "token": tok})
        if path.startswith("/devices/me/"):
            if device is None:
                return self.error(401, "unauthorized")
            return self.device_route(method, path, query, body, device)
        if user is None:
            return self.error(401, "unauthorized")
        with LOCK:
            if method == "POST" and path == "/devices":
                did = new_id()
                tok = secrets.token_hex(32)
                dev = {"id": did, "owner": user["id"], "name": body["name"], "token": tok, "fw_version": None,
                       "frascos": [{"index": i, "ingredient": None, "stock_mg": 0, "capacity_mg": None}
                                   for i in range(body["frascos"])]}
                STATE["devices"][str(did)] = dev
                save()
                return self.reply(201, {"device": self.public_device(dev), "device_token": tok})
            m = re.fullmatch(r"/devices/(\d+)/frascos/(\d+)/refill", path)
            if method == "POST" and m:
                dev = STATE["devices"][m.group(1)]
                frasco = dev["frascos"][int(m.group(2))]
                frasco["stock_mg"] += body["amount_mg"]
                save()
                return self.reply(200, {"frasco": frasco})
            m = re.fullmatch(r"/devices/(\d+)", path)
            if method == "GET" and m:
                return self.reply(200, {"device": self.public_device(STATE["devices"][m.group(1)])})
            if method == "POST" and path == "/jobs":
                jid = new_id()
                job = {"id": jid, "device_id": body["device_id"], "status": "pending", "report": None,
                       "items": [{"position": p, "frasco_index": it["frasco_index"], "amount_mg": it["amount_mg"],
                                  "status": "pending", "dispensed_mg": 0, "error": None} for p, it in enumerate(body["items"])],
                       "created_at": time.time(), "started_at": None, "completed_at": None}
                STATE["jobs"][str(jid)] = job
                save()
                LOCK.notify_all()
                return self.reply(201, {"job": public_job(job)})
            if method == "POST" and path == "/rollouts":
                rid = new_id()
                rollout = {"id": rid, "firmware_id": body["firmware_id"], "device_ids": body.get("device_ids") or [],
                           "owner": user["id"], "status": "active"}
                STATE["rollouts"].append(rollout)
                save()
                return self.reply(201, {"rollout": rollout})
            m = re.fullmatch(r"/jobs/(\d+)/abort", path)
            if method == "POST" and m:
                job = STATE["jobs"].get(m.group(1))
                if job is None:
                    return self.error(404, "not_found")
                if job["status"] != "running":
                    return self.error(409, "conflict")
                job["abort_requested"] = True
                save()
                return self.reply(200, {"job": public_job(job)})
            m = re.fullmatch(r"/jobs/(\d+)", path)
            if method == "GET" and m:
                return self.reply(200, {"job": public_job(STATE["jobs"][m.group(1)])})
            if method == "GET" and path == "/jobs":
                did = int(query["device_id"][0])
                jobs = [public_job(j) for j in STATE["jobs"].values() if j["device_id"] == did]
                return self.reply(200, {"jobs": sorted(jobs, key=lambda j: -j["id"])})
        return self.error(404, "not_found")

    def upload_firmware(self, token, query):
        """POST /firmware?version=V&signature=B64[&sha256=HEX], the image as the body."""
        with LOCK:
            user = next((u for u in STATE["users"].values() if token in u["tokens"]), None)
        image = self.raw_body()
        if user is None:
            return self.error(401, "unauthorized")
        digest = hashlib.sha256(image).hexdigest()
        if "sha256" in query and query["sha256"][0] != digest:
            return self.error(422, "sha256_mismatch")
        with LOCK:
            fid = new_id()
            path = os.path.join(DATA, f"firmware-{fid}.bin")
            with open(path, "wb") as f:
                f.write(image)
            STATE["firmware"][str(fid)] = {
                "id": fid, "owner": user["id"], "version": query["version"][0], "sha256": digest,
                "size": len(image), "signature": query["signature"][0].replace(" ", "+")}
            save()
            return self.reply(201, {"firmware": STATE["firmware"][str(fid)]})

    @staticmethod
    def offer_for(device, running_version):
        """The newest active rollout naming this device, unless it runs that version or has a running job."""
        if any(j["device_id"] == device["id"] and j["status"] == "running" for j in STATE["jobs"].values()):
            return None
        for rollout in reversed(STATE["rollouts"]):
            if rollout["status"] == "active" and device["id"] in rollout["device_ids"]:
                fw = STATE["firmware"][str(rollout["firmware_id"])]
                if fw["version"] == running_version:
                    return None
                # As the real server (docs/api.md §12, rule 4): once the device's
                # attempt in this rollout reached a result, the rollout offers
                # nothing more to it (a newer rollout can).
                if device.get("rollout_states", {}).get(str(rollout["id"])) in RESULTS:
                    return None
                return {"version": fw["version"], "url": f"/devices/me/firmware/{fw['id']}",
                        "sha256": fw["sha256"], "size": fw["size"], "signature": fw["signature"]}
        return None

    @staticmethod
    def rollout_for(device, version):
        """The newest active rollout that includes the device and targets `version`."""
        return next((r for r in reversed(STATE["rollouts"]) if r["status"] == "active"
                     and device["id"] in r["device_ids"]
                     and STATE["firmware"][str(r["firmware_id"])]["version"] == version), None)

    @staticmethod
    def attempt_record(device, report, rollout):
        """The attempt as the real server answers it (docs/api.md §12): ~300 bytes
        plus the error, so a device that buffers the 202's body is caught here."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        result = report.get("state") in RESULTS
        fw = next((f for f in STATE["firmware"].values() if f["version"] == report.get("version")), None)
        return {"deadline_at": now, "device_id": device["id"], "error": report.get("error"),
                "finished_at": now if result else None, "firmware_id": fw["id"] if fw else None,
                "from_version": device["fw_version"], "id": len(device["fw_attempts"]),
                "rollout_id": rollout["id"] if rollout else None, "started_at": now, "state": report.get("state"), "updated_at": now,
                "version": report.get("version")}

    @staticmethod
    def public_device(dev):
        out = {k: dev[k] for k in ("id", "name", "fw_version", "frascos")}
        out["fw_attempts"] = dev.get("fw_attempts", [])
        return out

    def device_route(self, method, path, query, body, device):
        m = re.fullmatch(r"/devices/me/firmware/(\d+)", path)
        if method == "GET" and m:
            with LOCK:
                fw = STATE["firmware"].get(m.group(1))
            if fw is None:
                return self.error(404, "not_found")
            with open(os.path.join(DATA, f"firmware-{fw['id']}.bin"), "rb") as f:
                return self.send_image(f.read(), fw["id"])
        if method == "POST" and path == "/devices/me/firmware/status":
            with LOCK:
                device.setdefault("fw_attempts", []).append(body)
                rollout = self.rollout_for(device, body.get("version"))
                if rollout is not None:  # the real server links the attempt to that rollout
                    device.setdefault("rollout_states", {})[str(rollout["id"])] = body.get("state")
                if body.get("state") == "confirmed":
                    device["fw_version"] = body.get("version")
                save()
                attempt = self.attempt_record(device, body, rollout)
            return self.reply(202, {"attempt": attempt})
        if method == "POST" and path == "/devices/me/heartbeat":
            with LOCK:
                device["fw_version"] = body.get("fw_version") or device["fw_version"]
                update = self.offer_for(device, device["fw_version"])
                save()
            with LOCK:
                aborting = next((j["id"] for j in STATE["jobs"].values() if j["device_id"] == device["id"]
                                 and j["status"] == "running" and j.get("abort_requested")), None)
            return self.reply(200, {"server_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                    "update": update, "abort_job_id": aborting})
        if method == "GET" and path == "/devices/me/jobs/next":
            deadline = time.monotonic() + int(query.get("wait", ["0"])[0])
            with LOCK:
                while True:
                    mine = sorted((j for j in STATE["jobs"].values() if j["device_id"] == device["id"]),
                                  key=lambda j: j["id"])
                    job = next((j for j in mine if j["status"] == "running"), None) or \
                        next((j for j in mine if j["status"] == "pending"), None)
                    if job is not None:
                        job["status"] = "running"
                        job["started_at"] = job["started_at"] or time.time()
                        job["delivery"] = job.get("delivery", 0) + 1
                        save()
                        return self.reply(200, {"job": public_job(job), "delivery": job["delivery"]})
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return self.reply(204)
                    LOCK.wait(left)
        m = re.fullmatch(r"/devices/me/jobs/(\d+)/(progress|complete)", path)
        if method == "POST" and m:
            with LOCK:
                job = STATE["jobs"].get(m.group(1))
                if job is None or job["device_id"] != device["id"]:
                    return self.error(404, "not_found")
                if m.group(2) == "progress":
                    return self.reply(202, {"abort": bool(job.get("abort_requested")) and job["status"] == "running"})
                if job["report"] is not None:
                    if job["report"] == body:
                        return self.reply(200, dict(job["result"], replayed=True), [("Idempotent-Replayed", "true")])
                    return self.reply(409, {"error": {"code": "conflict", "message": "already"}, "result": job["result"]})
                ok = 0
                for entry in body["execution_logs"]:
                    item = job["items"][entry["position"]]
                    item["status"] = entry["status"]
                    item["dispensed_mg"] = entry["dispensed_mg"]
                    item["error"] = entry.get("error")
                    if entry["status"] == "ok":
                        ok += 1
                        frasco = device["frascos"][entry["frasco_index"]]
                        frasco["stock_mg"] = max(0, frasco["stock_mg"] - entry["dispensed_mg"])
                for item in job["items"]:
                    if item["status"] == "pending":
                        item["status"] = "failed"
                job["status"] = "done" if ok == len(job["items"]) else ("failed" if ok == 0 else "done_partial")
                job["report"] = body
                job["completed_at"] = time.time()
                if body.get("fw_version"):
                    device["fw_version"] = body["fw_version"]
                job["result"] = {"job_id": job["id"], "status": job["status"], "replayed": False,
                                 "stock": [{"frasco_index": f["index"], "stock_mg": f["stock_mg"]}
                                           for f in device["frascos"]]}
                save()
                return self.reply(200, job["result"])
        return self.error(404, "not_found")


def main():
    global DATA, STATE
    args = sys.argv[1:]
    if args and args[0] == "serve":
        args = args[1:]
    port, DATA = 8080, "./data"
    for i, a in enumerate(args):
        if a == "--port":
            port = int(args[i + 1])
        if a == "--data":
            DATA = args[i + 1]
    os.makedirs(DATA, exist_ok=True)
    if os.path.exists(os.path.join(DATA, "state.json")):
        with open(os.path.join(DATA, "state.json")) as f:
            STATE = json.load(f)
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{httpd.server_address[1]}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=httpd.shutdown).start())
    httpd.serve_forever()
    httpd.server_close()


if __name__ == "__main__":
    main()
