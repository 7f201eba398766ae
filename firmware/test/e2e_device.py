#!/usr/bin/env python3
"""End-to-end: the host build of the firmware (yaguts-device) against the real server.

Starts `.build/release/yaguts serve --port 0 --data TMP`, registers a user,
creates a 3-frasco device, refills it, and then:
  1. runs a job to completion (--once);
  2. SIGKILLs the device mid-dispense and restarts it: the job resumes, the
     interrupted item is reported failed and is never dispensed again;
  3. stops the server while the device dispenses, restarts it on the same
     data dir and port: the device kept dispensing and reports once it is back;
  4. checks that the server's stock equals exactly the refills minus what the
     device's own ledger says it dispensed;
  5. deletes the flash file mid-job: the re-delivered job (delivery 2) runs no
     motor and is reported record_lost, deducting nothing;
  6. aborts a job mid-way: the device stops before the next item;
  7. signed OTA with keys made by openssl: a proxy cuts the image download
     twice (resumed with Range), the device verifies, re-execs into 1.2.0 and
     confirms; a byte flipped in transit and a badly signed image are refused;
     an image that cannot reach the server is rolled back at its deadline.
  5-7 print "SKIP ..." when the server lacks the endpoint (delivery count,
  POST /jobs/{id}/abort, POST /firmware: branches issue-11-srv and issue-12).

Python 3 stdlib only. Exits 0 with "SKIP: server binary not built" if the
server binary does not exist. Ends with a line "N passed, N failed".
Environment: YAGUTS_E2E_SERVER overrides the server command (e.g. for a
stand-in server); YAGUTS_E2E_VERBOSE=1 echoes the device's log.
"""
import base64
import hashlib
import json
import os
import socket
import queue
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"
DEVICE_BIN = FIRMWARE / ".build" / "yaguts-device"
DEFAULT_SERVER = ROOT / ".build" / "release" / "yaguts"
VERBOSE = os.environ.get("YAGUTS_E2E_VERBOSE") == "1"
REFILL_MG = 100_000

passed = 0
failed = 0
skipped = 0


def skip(name, why):
    """A check the server under test cannot take yet (an endpoint of a branch not merged)."""
    global skipped
    skipped += 1
    print(f"SKIP {name}: {why}")
    sys.stdout.flush()


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")
    sys.stdout.flush()
    return condition


class Server:
    """The server process; restartable on the same data dir and port."""

    def __init__(self, command, data_dir, log_path):
        self.command = command
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc = None
        self.port = 0
        self.url = None

    def start(self, port=0, attempts=20):
        for _ in range(attempts):
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                self.command + ["serve", "--port", str(port), "--data", str(self.data_dir)],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
            log.close()
            lines = queue.Queue()
            threading.Thread(target=self._drain, args=(self.proc.stdout, lines), daemon=True).start()
            try:
                first = lines.get(timeout=30)
            except queue.Empty:
                first = ""
            match = re.match(r"listening on (http://127\.0\.0\.1:(\d+))", first or "")
            if match:
                self.url, self.port = match.group(1), int(match.group(2))
                return
            # The port may still be held by the previous process: try again.
            self.stop()
            time.sleep(0.5)
        raise RuntimeError("server did not start (see %s)" % self.log_path)

    @staticmethod
    def _drain(stream, lines):
        for raw in stream:
            lines.put(raw.decode(errors="replace").strip())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def fw_attempts(server, user, device_id, dev):
    """The device's update attempts as the server keeps them: the real server's
    GET /devices/{id}/firmware, or the reports the stand-in lists on the device."""
    if "fw_attempts" in dev["device"]:
        return dev["device"]["fw_attempts"]
    _, fw = api(server, "GET", f"/devices/{device_id}/firmware", token=user, expect=200)
    return fw["attempts"]


def api(server, method, path, body=None, token=None, expect=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    payload = json.loads(raw) if raw else None
    if expect is not None and status != expect:
        raise RuntimeError(f"{method} {path}: expected {expect}, got {status}: {raw[:300]!r}")
    return status, payload


class Device:
    """One run of yaguts-device; its stderr is collected line by line."""

    def __init__(self, args):
        self.lines = []
        self.done = False
        self.cond = threading.Condition()
        self.proc = subprocess.Popen([str(DEVICE_BIN)] + args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            if VERBOSE:
                print("   | " + line, file=sys.stderr)
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    if regex.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.done:
                    return None
                self.cond.wait(min(left, 0.2))

    def count(self, pattern):
        regex = re.compile(pattern)
        with self.cond:
            return sum(1 for line in self.lines if regex.search(line))

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class CuttingProxy:
    """A TCP proxy between the device and the server that breaks (or tampers
    with) firmware downloads: the first `cuts` image responses are cut after
    `cut_after` bytes; with `tamper`, one byte of every image body is flipped."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.cuts = 0
        self.cut_after = 0
        self.tamper = False
        self.image_requests = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        except OSError:
            client.close()
            return
        first = client.recv(65536)
        image = first.startswith(b"GET /devices/me/firmware/")
        limit, tamper = None, False
        if image:
            with self.lock:
                self.image_requests += 1
                if self.cuts > 0:
                    self.cuts -= 1
                    limit = self.cut_after
                tamper = self.tamper
        upstream.sendall(first)
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        sent, flipped, head = 0, False, b""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                if tamper and not flipped:
                    head += data
                    end = head.find(b"\r\n\r\n")
                    if end < 0 or len(head) < end + 4 + 100:
                        continue
                    data, head = bytearray(head), b""
                    data[end + 4 + 99] ^= 0x20
                    flipped = True
                if limit is not None and sent + len(data) >= limit:
                    client.sendall(bytes(data[:limit - sent]))
                    break
                client.sendall(bytes(data))
                sent += len(data)
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass

    def close(self):
        self.sock.close()


def openssl(*args, **kw):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, **kw).stdout


def host_image(path, version, behaviour="normal", size=200_000):
    """A host firmware image (see firmware/host/file_slots.h) of about `size` bytes."""
    head = f"YAGUTS-HOST-IMAGE\nversion={version}\nbehaviour={behaviour}\n\n".encode()
    path.write_bytes(head + os.urandom(size - len(head)))
    return path


def ledger_totals(path):
    """frasco -> mg, from the device's own record of completed dispenses."""
    totals = {}
    if not path.exists():
        return totals
    for line in path.read_text().splitlines():
        m = re.match(r"dispensed frasco=(\d+) mg=(\d+)$", line)
        if m:
            totals[int(m.group(1))] = totals.get(int(m.group(1)), 0) + int(m.group(2))
    return totals


def ledger_lines(path):
    return len(path.read_text().splitlines()) if path.exists() else 0


def ota_section(server, user, device_id, device_token, tmp, devices):
    keys = tmp / "keys"
    keys.mkdir()
    key, pub = keys / "key.pem", keys / "pub.pem"
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
    openssl("ec", "-in", str(key), "-pubout", "-out", str(pub))
    other_key = keys / "other.pem"
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(other_key))

    def sign(image, signing_key=key):
        sig = keys / (image.name + ".sig")
        openssl("dgst", "-sha256", "-sign", str(signing_key), "-out", str(sig), str(image))
        return base64.b64encode(sig.read_bytes()).decode()

    def upload(image, version, signature):
        data = image.read_bytes()
        query = urllib.parse.urlencode({"version": version, "signature": signature,
                                        "sha256": hashlib.sha256(data).hexdigest()})
        req = urllib.request.Request(f"{server.url}/firmware?{query}", data=data, method="POST")
        req.add_header("Content-Type", "application/octet-stream")
        req.add_header("Authorization", "Bearer " + user)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, None

    def roll_out(firmware_id):
        return api(server, "POST", "/rollouts", {"firmware_id": firmware_id, "device_ids": [device_id]},
                   token=user, expect=201)[1]

    image = host_image(tmp / "fw-1.2.0.bin", "1.2.0")
    status, body = upload(image, "1.2.0", sign(image))
    if status in (404, 405):
        skip("signed OTA", f"the server answers {status} to POST /firmware (issue-11-srv not merged)")
        return
    check("firmware 1.2.0 uploaded", status == 201, str(status))
    proxy = CuttingProxy(server.port)
    proxy.cuts, proxy.cut_after = 2, 60_000
    flash = tmp / "ota-device.flash"

    def ota_device(confirm_ms=20000):
        d = Device(["--server", f"http://127.0.0.1:{proxy.port}", "--token", device_token, "--flash", str(flash),
                    "--frascos", "3", "--dispense-ms", "100", "--retry-ms", "200", "--wait", "1",
                    "--heartbeat-ms", "500", "--backoff-ms", "200", "--ota-pubkey", str(pub),
                    "--ota-retry-ms", "200", "--ota-confirm-ms", str(confirm_ms)])
        devices.append(d)
        return d

    try:
        roll_out(body["firmware"]["id"])
        d = ota_device()
        check("device confirms 1.2.0 after resuming a cut download",
              d.wait_for(r"ota: 1\.2\.0 reached the server; confirmed", 60) is not None)
        check("the download was cut twice and resumed",
              d.count(r"ota: download of 1\.2\.0 stopped at [1-9][0-9]*/200000 ") >= 2 and proxy.image_requests >= 3,
              f"requests={proxy.image_requests}")
        check("verified before installing", d.count(r"ota: 1\.2\.0 verified \(sha256 and signature\)") == 1)
        check("the re-exec'd program runs 1.2.0", d.count(r"fw_version=1\.2\.0 server=") == 1)
        _, dev = api(server, "GET", f"/devices/{device_id}", token=user, expect=200)
        check("server sees fw_version 1.2.0", dev["device"].get("fw_version") == "1.2.0",
              str(dev["device"].get("fw_version")))

        # A tampered download (one byte flipped on the way): sha256 mismatch, not installed.
        image13 = host_image(tmp / "fw-1.3.0.bin", "1.3.0")
        _, fw13 = upload(image13, "1.3.0", sign(image13))
        proxy.tamper = True
        roll_out(fw13["firmware"]["id"])
        check("tampered image refused", d.wait_for(r"ota: update to 1\.3\.0 failed: sha256 mismatch", 60) is not None)
        proxy.tamper = False

        # Signed with another key: bad signature, not installed.
        image14 = host_image(tmp / "fw-1.4.0.bin", "1.4.0")
        _, fw14 = upload(image14, "1.4.0", sign(image14, other_key))
        roll_out(fw14["firmware"]["id"])
        check("badly signed image refused", d.wait_for(r"ota: update to 1\.4\.0 failed: bad signature", 60) is not None)
        check("no rebooting for refused images", d.count(r"ota: rebooting into 1\.[34]\.0") == 0)
        d.kill()

        # An image that never reaches the server: rolled back at the deadline.
        image15 = host_image(tmp / "fw-1.5.0.bin", "1.5.0", behaviour="offline")
        _, fw15 = upload(image15, "1.5.0", sign(image15))
        roll_out(fw15["firmware"]["id"])
        d = ota_device(confirm_ms=3000)
        check("device installs 1.5.0", d.wait_for(r"ota: rebooting into 1\.5\.0", 60) is not None)
        check("1.5.0 rolls back at its deadline",
              d.wait_for(r"ota: 1\.5\.0 did not reach the server within 3000 ms; rolling back", 30) is not None)
        check("the previous image runs again and reports rolled_back",
              d.wait_for(r"ota: boot after an update to 1\.5\.0: rolled_back \(running 1\.2\.0\)", 30) is not None)
        check("the restored image heartbeats again", d.wait_for(r"ota: boot after an update", 1) is not None)
        deadline = time.monotonic() + 30
        while True:  # the restored image's heartbeats carry 1.2.0 again
            _, dev = api(server, "GET", f"/devices/{device_id}", token=user, expect=200)
            attempts = fw_attempts(server, user, device_id, dev)
            reported = any(a["state"] == "rolled_back" for a in attempts)
            if (dev["device"].get("fw_version") == "1.2.0" and reported) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        check("server sees fw_version 1.2.0 again", dev["device"].get("fw_version") == "1.2.0",
              str(dev["device"].get("fw_version")))
        check("1.5.0 is not tried again at once", d.count(r"ota: offered 1\.5\.0") == 1)
        states = [(a["version"], a["state"]) for a in attempts]
        check("status posts reach the server", ("1.2.0", "confirmed") in states and
              ("1.5.0", "rolled_back") in states and ("1.3.0", "failed") in states, str(states))
    finally:
        proxy.close()


def main():
    override = os.environ.get("YAGUTS_E2E_SERVER")
    if override:
        command = shlex.split(override)
    else:
        if not DEFAULT_SERVER.exists():
            print(f"SKIP: server binary not built ({DEFAULT_SERVER})")
            print("0 passed, 0 failed, 1 skipped")
            return 0
        command = [str(DEFAULT_SERVER)]
    if not DEVICE_BIN.exists():
        subprocess.run(["make", "-s", "-C", str(FIRMWARE), "device"], check=True)

    tmp = Path(tempfile.mkdtemp(prefix="yaguts-e2e-"))
    server = Server(command, tmp / "data", tmp / "server.log")
    devices = []
    try:
        server.start()
        _, reg = api(server, "POST", "/auth/register",
                     {"email": "e2e-device@example.com", "password": "correct horse battery"}, expect=201)
        user = reg["token"]
        _, created = api(server, "POST", "/devices", {"name": "e2e", "frascos": 3}, token=user, expect=201)
        device_id, device_token = created["device"]["id"], created["device_token"]
        for index in range(3):
            api(server, "POST", f"/devices/{device_id}/frascos/{index}/refill", {"amount_mg": REFILL_MG},
                token=user, expect=200)

        flash = tmp / "device.flash"
        ledger = tmp / "ledger.txt"

        def device(extra, dispense_ms):
            d = Device(["--server", server.url, "--token", device_token, "--flash", str(flash),
                        "--ledger", str(ledger), "--frascos", "3", "--dispense-ms", str(dispense_ms),
                        "--retry-ms", "200", "--wait", "2", "--heartbeat-ms", "1000",
                        "--backoff-ms", "200"] + extra)
            devices.append(d)
            return d

        def new_job(amounts):
            _, body = api(server, "POST", "/jobs", {
                "device_id": device_id,
                "items": [{"frasco_index": i, "amount_mg": mg} for i, mg in enumerate(amounts)]},
                token=user, expect=201)
            return body["job"]["id"]

        def job(job_id):
            return api(server, "GET", f"/jobs/{job_id}", token=user, expect=200)[1]["job"]

        # 1. A job runs to completion.
        j1 = new_job([1000, 2000, 3000])
        d = device(["--once"], 100)
        check("device exits 0 after one job (--once)", d.wait_exit(60) == 0)
        got = job(j1)
        check("job 1 is done", got["status"] == "done", got["status"])
        check("job 1 items dispensed as asked",
              [(i["status"], i["dispensed_mg"]) for i in got["items"]] == [("ok", 1000), ("ok", 2000), ("ok", 3000)],
              json.dumps(got["items"]))

        # 2. SIGKILL mid-dispense, restart: resume, never dispense twice.
        j2 = new_job([500, 600, 700])
        d = device([], 800)
        killed = d.wait_for(rf"dispensing job={j2} position=1 ", 30)
        check("device reaches item 1 of job 2", killed is not None)
        time.sleep(0.3)  # the motor of item 1 is running
        before = ledger_lines(ledger)
        d.kill()
        d = device(["--once"], 800)
        check("restarted device exits 0 after reporting job 2", d.wait_exit(60) == 0)
        check("restart reports item 1 interrupted", d.count(r"position=1 interrupted") == 1)
        check("restart does not dispense item 0 or 1 again", d.count(rf"dispensing job={j2} position=[01] ") == 0)
        check("restart dispenses item 2 once", d.count(rf"dispensing job={j2} position=2 ") == 1)
        check("ledger grew by exactly item 2", ledger_lines(ledger) == before + 1)
        got = job(j2)
        check("job 2 is done_partial", got["status"] == "done_partial", got["status"])
        statuses = [i["status"] for i in got["items"]]
        check("job 2: item 1 failed, 0 and 2 ok", statuses == ["ok", "failed", "ok"], str(statuses))

        # 3. The server goes away while the device dispenses; it comes back on the same port.
        j3 = new_job([400, 450, 480])
        port = server.port
        before = ledger_lines(ledger)
        d = device(["--once"], 500)
        check("device takes job 3", d.wait_for(rf"took job={j3} ", 30) is not None)
        server.stop()
        deadline = time.monotonic() + 30
        while ledger_lines(ledger) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        check("device dispensed all of job 3 with the server down", ledger_lines(ledger) == before + 3)
        check("device retries its report while the server is down",
              d.wait_for(rf"report failed job={j3} .*; retry in", 10) is not None)
        time.sleep(1.0)
        retries = d.count(rf"report failed job={j3} ")
        check("retries are spaced by the retry period, not a busy loop", 2 <= retries <= 15, str(retries))
        server.start(port=port)
        check("device reports job 3 once the server is back", d.wait_exit(60) == 0)
        got = job(j3)
        check("job 3 is done", got["status"] == "done", got["status"])

        # 4. Stock: exactly refills minus what the device's ledger says left each frasco.
        _, dev = api(server, "GET", f"/devices/{device_id}", token=user, expect=200)
        totals = ledger_totals(ledger)
        stock = {f["index"]: f["stock_mg"] for f in dev["device"]["frascos"]}
        expected = {i: REFILL_MG - totals.get(i, 0) for i in range(3)}
        check("server stock equals refills minus the device's ledger", stock == expected,
              f"server={stock} device={expected}")
        check("device reported its fw_version", dev["device"].get("fw_version") == "0.1.0-host",
              str(dev["device"].get("fw_version")))
        _, listed = api(server, "GET", f"/jobs?device_id={device_id}", token=user, expect=200)
        check("no job left running", all(j["status"] != "running" for j in listed["jobs"]))

        def stock_now():
            _, dev = api(server, "GET", f"/devices/{device_id}", token=user, expect=200)
            return {f["index"]: f["stock_mg"] for f in dev["device"]["frascos"]}

        # 5. Flash lost mid-job (NVS erased, a rollback's unreadable record):
        #    the re-delivered job runs no motor again and is reported record_lost.
        j5 = new_job([500, 600, 700])
        stock_before = stock_now()
        d = device([], 800)
        reached = d.wait_for(rf"dispensing job={j5} position=1 ", 30)
        check("device reaches item 1 of job 5", reached is not None)
        if "delivery" not in job(j5):
            skip("record_lost after a flash wipe", "the server's job has no \"delivery\" count "
                 "(issue-11-srv not merged); letting the device finish job 5")
            d.kill()
            d = device(["--once"], 100)
            d.wait_exit(60)
        else:
            before = ledger_lines(ledger)
            d.kill()
            flash.unlink()
            d = device(["--once"], 800)
            check("wiped device exits 0 after reporting job 5", d.wait_exit(60) == 0)
            check("wiped device logs record_lost for job 5", d.count(rf"record_lost: job={j5} delivery=2 ") == 1)
            check("wiped device runs no motor for job 5", d.count(rf"dispensing job={j5} ") == 0)
            check("ledger unchanged by the wiped device", ledger_lines(ledger) == before)
            got = job(j5)
            check("job 5 is failed", got["status"] == "failed", got["status"])
            check("job 5 items all record_lost with 0 mg",
                  all(i["status"] == "failed" and i["dispensed_mg"] == 0 and
                      (i.get("error") or "").startswith("record_lost:") for i in got["items"]),
                  json.dumps(got["items"]))
            check("job 5 deducted nothing (a person recounts)", stock_now() == stock_before)

        # 6. Abort mid-job: the device stops before the next item; only what
        #    dispensed is deducted.
        j6 = new_job([500, 600, 700])
        stock_before = stock_now()
        before_totals = ledger_totals(ledger)
        d = device(["--once"], 800)
        reached = d.wait_for(rf"dispensing job={j6} position=1 ", 30)
        check("device reaches item 1 of job 6", reached is not None)
        status, body = api(server, "POST", f"/jobs/{j6}/abort", token=user)
        if status in (404, 405):
            skip("abort mid-job", f"the server answers {status} to POST /jobs/{{id}}/abort "
                 "(issue-12 not merged)")
            d.wait_exit(60)
        else:
            check("abort answers 200 with abort_requested", status == 200 and body["job"].get("abort_requested") is True,
                  f"{status} {body}")
            check("aborted device exits 0 after reporting job 6", d.wait_exit(60) == 0)
            # The abort lands either before item 1's motor (answered to its
            # "dispensing" post) or while it runs: item 1 is aborted or ok.
            check("device logs the abort before item 2", d.count(rf"abort: job={j6} items from index=[12]") == 1)
            check("device never dispenses item 2 of job 6", d.count(rf"dispensing job={j6} position=2 ") == 0)
            got = job(j6)
            check("job 6 is done_partial", got["status"] == "done_partial", got["status"])
            items = [(i["status"], i.get("error")) for i in got["items"]]
            check("job 6: item 0 ok, item 1 ok or aborted, item 2 aborted",
                  items[0] == ("ok", None) and items[1] in (("ok", None), ("failed", "aborted")) and
                  items[2] == ("failed", "aborted"), json.dumps(got["items"]))
            after_totals = ledger_totals(ledger)
            used = {i: after_totals.get(i, 0) - before_totals.get(i, 0) for i in range(3)}
            check("abort deducts only what dispensed", stock_now() == {i: stock_before[i] - used[i] for i in range(3)},
                  f"used={used}")
        # 7. Signed OTA: download cut twice and resumed, verified, installed,
        #    re-exec'd into the new version and confirmed; a tampered image and a
        #    bad signature refused; an image that never reaches the server rolled back.
        ota_section(server, user, device_id, device_token, tmp, devices)
    except Exception as exc:  # a broken step counts as a failure, never a crash
        check("e2e run completes without errors", False, repr(exc))
    finally:
        for d in devices:
            d.kill()
        server.stop()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
