"""Firmware updates against the real server: the registry (upload with curl,
SHA-256 computed by the server, the owner's openssl signature passed through
untouched), offers on the heartbeat only when they are safe, staged rollouts
(a percentage, widened; a list), the abort rule (failures and the deadline),
resumable downloads (Range over raw sockets and curl -C -), ownership, the
size limit and bad input."""
from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from yaguts_client import ok_logs, wait_until


# -- helpers -------------------------------------------------------------------


class Signer:
    """A real P-256 key made with openssl, and the two commands the docs give."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.key = directory / "key.pem"
        self.pub = directory / "pub.pem"
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(self.key)],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "ec", "-in", str(self.key), "-pubout", "-out", str(self.pub)],
                       check=True, capture_output=True)

    def sign(self, image: Path) -> str:
        der = image.with_suffix(".sig")
        subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key), "-out", str(der), str(image)],
                       check=True, capture_output=True)
        return base64.b64encode(der.read_bytes()).decode()

    def verifies(self, image: bytes, signature_b64: str) -> bool:
        (self.dir / "check.bin").write_bytes(image)
        (self.dir / "check.sig").write_bytes(base64.b64decode(signature_b64))
        done = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(self.pub), "-signature",
                               str(self.dir / "check.sig"), str(self.dir / "check.bin")], capture_output=True)
        return done.returncode == 0


@pytest.fixture
def signer(tmp_path) -> Signer:
    return Signer(tmp_path)


def make_image(directory: Path, size: int, name: str = "image.bin") -> Path:
    path = directory / name
    path.write_bytes(os.urandom(size))
    return path


def curl_upload(server, user, image: Path, query: str, content_type: str = "application/octet-stream") -> tuple[int, str]:
    """POST /firmware with curl (the way the docs tell an owner to); returns (status, body)."""
    done = subprocess.run(
        ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", f"@{image}",
         "-H", f"Content-Type: {content_type}", "-H", f"Authorization: Bearer {user.token}",
         f"{server.url}/firmware?{query}"], capture_output=True, check=True, text=True)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def upload(api, user, image: bytes, version: str, signature: str, **query) -> "Reply":
    params = urllib.parse.urlencode({"version": version, "signature": signature, **query})
    return api.post(f"/firmware?{params}", who=user, raw=image, headers={"Content-Type": "application/octet-stream"})


def heartbeat(api, device, version: str) -> dict:
    reply = api.post("/devices/me/heartbeat", {"fw_version": version, "uptime_s": 5}, who=device)
    assert reply.status == 200, (reply.status, reply.body)
    return reply.json


def status(api, device, version: str, state: str, error: str | None = None):
    return api.post("/devices/me/firmware/status", {"version": version, "state": state, "error": error}, who=device)


def rollout(api, user, **body) -> dict:
    reply = api.post("/rollouts", body, who=user)
    assert reply.status == 201, (reply.status, reply.body)
    return reply.json["rollout"]


def get_rollout(api, user, rollout_id: int) -> dict:
    reply = api.get(f"/rollouts/{rollout_id}", who=user)
    assert reply.status == 200, (reply.status, reply.body)
    return reply.json["rollout"]


def metric(api, name: str, **labels) -> float:
    """One sample of /metrics, matched by name and labels (0 if absent)."""
    wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}" if labels else "")
    for line in api.get("/metrics").body.decode().splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def raw_get(server, path: str, token: str, extra: str = "", method: str = "GET") -> tuple[int, dict, bytes]:
    """One request over a plain socket; returns (status, headers, body) read by Content-Length."""
    request = (f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n{extra}"
               "Connection: close\r\n\r\n").encode()
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = 0 if method == "HEAD" else int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk, "connection closed before the body was complete"
            body += chunk
        return int(lines[0].split()[1]), headers, body


@pytest.fixture
def registry(server, api, user, signer, tmp_path):
    """One owner's 1.2.0 image (300 kB, so the default 64 KiB body limit must not apply)."""
    path = make_image(tmp_path, 300_000)
    signature = signer.sign(path)
    code, body = curl_upload(server, user, path, f"version=1.2.0&signature={signature}")
    assert code == 201, body
    firmware = api.get("/firmware", who=user).json["firmware"][0]
    return path.read_bytes(), signature, firmware


# -- the registry ----------------------------------------------------------------


def test_upload_computes_the_checksum_and_passes_the_signature_through(server, api, user, signer, registry, tmp_path):
    image, signature, firmware = registry
    assert firmware["version"] == "1.2.0" and firmware["size"] == len(image)
    assert firmware["sha256"] == hashlib.sha256(image).hexdigest()
    assert firmware["signature"] == signature
    assert api.get(f"/firmware/{firmware['id']}", who=user).json["firmware"] == firmware
    # The owner may state the checksum; a wrong one is refused before anything is stored.
    other = make_image(tmp_path, 5000, "other.bin")
    wrong = hashlib.sha256(b"something else").hexdigest()
    code, body = curl_upload(server, user, other, f"version=1.3.0&signature={signer.sign(other)}&sha256={wrong}")
    assert code == 422 and '"sha256"' in body, body
    right = hashlib.sha256(other.read_bytes()).hexdigest()
    code, body = curl_upload(server, user, other, f"version=1.3.0&signature={signer.sign(other)}&sha256={right}")
    assert code == 201, body
    # A version is uploaded once per owner.
    reply = upload(api, user, other.read_bytes(), "1.3.0", signer.sign(other))
    assert reply.status == 409 and reply.json["error"]["code"] == "firmware_version_exists"
    assert [f["version"] for f in api.get("/firmware", who=user).json["firmware"]] == ["1.3.0", "1.2.0"]

    # What a device is offered carries the owner's signature, which verifies the downloaded bytes.
    device = api.device(user, frascos=1)
    rollout(api, user, firmware_id=firmware["id"], device_ids=[device.id])
    offer = heartbeat(api, device, "1.0.0")["update"]
    assert offer == {"version": "1.2.0", "url": f"/devices/me/firmware/{firmware['id']}", "sha256": firmware["sha256"],
                     "size": len(image), "signature": signature}
    code, _, body = raw_get(server, offer["url"], device.token)
    assert code == 200 and body == image
    assert signer.verifies(body, offer["signature"])
    assert not signer.verifies(body[:-1] + bytes([body[-1] ^ 1]), offer["signature"])


def test_size_limit_is_configurable_and_answers_413(server_factory, tmp_path, signer):
    server = server_factory("--firmware-max-bytes", "2048")
    api = server.api
    user = api.register()
    exact = make_image(tmp_path, 2048, "exact.bin")
    code, body = curl_upload(server, user, exact, f"version=1.0.0&signature={signer.sign(exact)}")
    assert code == 201, body
    over = make_image(tmp_path, 2049, "over.bin")
    code, body = curl_upload(server, user, over, f"version=1.0.1&signature={signer.sign(over)}")
    assert code == 413, body
    assert [f["version"] for f in api.get("/firmware", who=user).json["firmware"]] == ["1.0.0"]
    # The larger limit belongs to the upload route only.
    reply = api.post("/devices", raw=b'{"name":"' + b"x" * 70_000 + b'","frascos":1}', who=user,
                     headers={"Content-Type": "application/json"})
    assert reply.status == 413


def test_bad_uploads_are_refused(api, user, signer, tmp_path):
    path = make_image(tmp_path, 1000)
    image, signature = path.read_bytes(), signer.sign(path)

    def refused(reply, status, field=None):
        assert reply.status == status, (reply.status, reply.body)
        if field:
            assert field in reply.json["error"]["fields"], reply.json

    refused(api.post(f"/firmware?version=1.0.0&signature={urllib.parse.quote(signature)}", raw=image, who=user,
                     headers={"Content-Type": "application/json"}), 415)
    refused(api.post(f"/firmware?version=1.0.0&signature={urllib.parse.quote(signature)}", raw=image, who=user), 415)
    refused(upload(api, user, image, "", signature), 422, "version")
    refused(upload(api, user, image, "1.0 beta", signature), 422, "version")
    refused(upload(api, user, image, "v" * 65, signature), 422, "version")
    refused(api.post("/firmware?version=1.0.0", raw=image, who=user,
                     headers={"Content-Type": "application/octet-stream"}), 422, "signature")
    refused(upload(api, user, image, "1.0.0", "not base64!"), 422, "signature")
    refused(upload(api, user, image, "1.0.0", base64.b64encode(b"\x30\x03abc").decode()), 422, "signature")
    refused(upload(api, user, image, "1.0.0", hashlib.sha256(image).hexdigest()), 422, "signature")
    refused(upload(api, user, b"", "1.0.0", signature), 422, "body")
    refused(upload(api, user, image, "1.0.0", signature, sha256="zz"), 422, "sha256")
    assert api.post(f"/firmware?version=1.0.0&signature=x", raw=image,
                    headers={"Content-Type": "application/octet-stream"}).status == 401
    assert api.get("/firmware", who=user).json["firmware"] == []
    # The signature may come percent-encoded, or URL-safe, or with a raw `+`.
    urlsafe = base64.urlsafe_b64encode(base64.b64decode(signature)).decode().rstrip("=")
    reply = upload(api, user, image, "1.0.0", urlsafe)
    assert reply.status == 201 and reply.json["firmware"]["signature"] == signature


def test_delete_and_in_use(api, user, registry):
    _, _, firmware = registry
    device = api.device(user, frascos=1)
    active = rollout(api, user, firmware_id=firmware["id"], device_ids=[device.id])
    reply = api.request("DELETE", f"/firmware/{firmware['id']}", headers=user.auth)
    assert reply.status == 409 and reply.json["error"]["code"] == "firmware_in_use"
    stopped = api.post(f"/rollouts/{active['id']}/stop", who=user)
    assert stopped.status == 200 and stopped.json["rollout"]["status"] == "stopped"
    again = api.post(f"/rollouts/{active['id']}/stop", who=user)
    assert again.status == 409 and again.json["error"]["code"] == "rollout_not_active"
    assert heartbeat(api, device, "1.0.0")["update"] is None
    assert api.request("DELETE", f"/firmware/{firmware['id']}", headers=user.auth).status == 204
    assert api.get(f"/firmware/{firmware['id']}", who=user).status == 404
    assert api.request("DELETE", f"/firmware/{firmware['id']}", headers=user.auth).status == 404


def test_another_owner_sees_404(api, user, other_user, registry):
    image, _, firmware = registry
    mine = api.device(user, frascos=1)
    theirs = api.device(other_user, frascos=1)
    mine_rollout = rollout(api, user, firmware_id=firmware["id"], device_ids=[mine.id])
    fid = firmware["id"]
    assert api.get(f"/firmware/{fid}", who=other_user).status == 404
    assert api.request("DELETE", f"/firmware/{fid}", headers=other_user.auth).status == 404
    assert api.get("/firmware", who=other_user).json["firmware"] == []
    assert api.get(f"/rollouts/{mine_rollout['id']}", who=other_user).status == 404
    assert api.post(f"/rollouts/{mine_rollout['id']}/stop", who=other_user).status == 404
    assert api.request("PATCH", f"/rollouts/{mine_rollout['id']}", body={"percent": 100},
                       headers=other_user.auth).status == 404
    assert api.get(f"/devices/{mine.id}/firmware", who=other_user).status == 404
    # Another owner's device cannot download the image, and cannot be targeted with it.
    assert api.get(f"/devices/me/firmware/{fid}", who=theirs).status == 404
    assert api.get(f"/devices/me/firmware/{fid}", who=mine).body == image
    reply = api.post("/rollouts", {"firmware_id": fid, "device_ids": [theirs.id]}, who=user)
    assert reply.status == 422 and "device_ids" in reply.json["error"]["fields"]
    reply = api.post("/rollouts", {"firmware_id": fid, "device_ids": [theirs.id]}, who=other_user)
    assert reply.status == 422 and "firmware_id" in reply.json["error"]["fields"]
    assert heartbeat(api, theirs, "1.0.0")["update"] is None


# -- downloads -------------------------------------------------------------------


def test_download_supports_ranges(server, api, user, registry):
    image, _, firmware = registry
    device = api.device(user, frascos=1)
    path, size, tag = f"/devices/me/firmware/{firmware['id']}", len(image), f'"{firmware["sha256"]}"'

    code, headers, body = raw_get(server, path, device.token)
    assert (code, body) == (200, image)
    assert headers["accept-ranges"] == "bytes" and headers["etag"] == tag
    assert headers["content-type"] == "application/octet-stream"

    cases = {
        "bytes=1000-": (1000, size - 1),
        "bytes=0-0": (0, 0),
        "bytes=10-19": (10, 19),
        "bytes=-100": (size - 100, size - 1),
        f"bytes=5-{size + 1000}": (5, size - 1),      # a last position past the end is clamped
        f"bytes=-{size * 2}": (0, size - 1),          # so is a suffix longer than the image
        "BYTES=7-8": (7, 8),                          # the unit is case-insensitive
        "bytes=, 7-8 ,": (7, 8),                      # empty list elements are allowed
    }
    for spec, (first, last) in cases.items():
        code, headers, body = raw_get(server, path, device.token, f"Range: {spec}\r\n")
        assert code == 206, (spec, code)
        assert headers["content-range"] == f"bytes {first}-{last}/{size}", spec
        assert body == image[first:last + 1] and int(headers["content-length"]) == last - first + 1, spec
        assert headers["etag"] == tag and headers["accept-ranges"] == "bytes"

    for spec in (f"bytes={size}-", f"bytes={size + 5}-{size + 10}", "bytes=-0", "bytes=99999999999999999999999-"):
        code, headers, body = raw_get(server, path, device.token, f"Range: {spec}\r\n")
        assert code == 416, (spec, code)
        assert headers["content-range"] == f"bytes */{size}", spec
        assert b"range_not_satisfiable" in body

    # Ranges that are not valid syntax, several ranges, and a stale If-Range all get the whole image.
    for extra in ("Range: bytes=abc\r\n", "Range: bytes = 7-8\r\n", "Range: items=0-1\r\n", "Range: bytes=5-1\r\n", "Range: bytes=0-1,5-9\r\n",
                  'Range: bytes=10-\r\nIf-Range: "0000"\r\n', f"Range: bytes=10-\r\nIf-Range: W/{tag}\r\n"):
        code, headers, body = raw_get(server, path, device.token, extra)
        assert (code, body) == (200, image), extra
    code, headers, body = raw_get(server, path, device.token, f"Range: bytes=10-\r\nIf-Range: {tag}\r\n")
    assert (code, body) == (206, image[10:])

    code, headers, body = raw_get(server, path, device.token, method="HEAD")
    assert code == 200 and body == b"" and int(headers["content-length"]) == size
    assert raw_get(server, path, "not-a-token")[0] == 401
    assert raw_get(server, path, user.token)[0] == 401  # a user token is not a device token
    assert raw_get(server, "/devices/me/firmware/999", device.token)[0] == 404


def test_a_download_cut_midway_resumes(server, api, user, registry, tmp_path):
    image, _, firmware = registry
    device = api.device(user, frascos=1)
    path = f"/devices/me/firmware/{firmware['id']}"
    # A flaky link: the connection dies after part of the body.
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {device.token}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < 70_000:
            chunk = sock.recv(16384)
            assert chunk
            data += chunk
    received = data.partition(b"\r\n\r\n")[2][:70_000]
    assert received == image[:70_000]
    # The device asks for the rest only, guarded by the ETag it saw.
    code, headers, rest = raw_get(server, path, device.token,
                                  f'Range: bytes={len(received)}-\r\nIf-Range: "{firmware["sha256"]}"\r\n')
    assert code == 206 and headers["content-range"] == f"bytes 70000-{len(image) - 1}/{len(image)}"
    assert hashlib.sha256(received + rest).hexdigest() == firmware["sha256"]

    # curl's own resume (-C -) against a partial file.
    partial = tmp_path / "partial.bin"
    partial.write_bytes(image[:123_456])
    subprocess.run(["curl", "-sS", "-f", "-C", "-", "-o", str(partial), "-H", f"Authorization: Bearer {device.token}",
                    f"{server.url}{path}"], check=True, capture_output=True)
    assert hashlib.sha256(partial.read_bytes()).hexdigest() == firmware["sha256"]


# -- offers ----------------------------------------------------------------------


def test_offer_only_for_another_version_and_no_running_job(api, user, registry):
    _, _, firmware = registry
    device = api.device(user, frascos=1, stock={0: 1000})
    assert heartbeat(api, device, "1.0.0")["update"] is None  # no rollout yet
    rollout(api, user, firmware_id=firmware["id"], device_ids=[device.id])
    assert heartbeat(api, device, "1.0.0")["update"]["version"] == "1.2.0"
    assert heartbeat(api, device, "1.2.0")["update"] is None  # already on it (and that confirms)

    other = api.device(user, frascos=1, stock={0: 1000})
    rollout(api, user, firmware_id=firmware["id"], device_ids=[other.id])
    job = api.job(user, other, [(0, 10)])
    assert heartbeat(api, other, "1.0.0")["update"]["version"] == "1.2.0"  # a pending job is not running yet
    assert api.next_job(other).json["job"]["id"] == job["id"]
    assert heartbeat(api, other, "1.0.0")["update"] is None  # running a job: never now
    assert api.complete(other, job["id"], ok_logs(job)).status == 200
    assert heartbeat(api, other, "1.0.0")["update"]["version"] == "1.2.0"

    seen = api.get(f"/devices/{device.id}/firmware", who=user).json
    assert seen["fw_version"] == "1.2.0" and seen["target"]["version"] == "1.2.0"
    assert [(a["version"], a["from_version"], a["state"]) for a in seen["attempts"]] == [("1.2.0", "1.0.0", "confirmed")]
    assert metric(api, "yaguts_firmware_updates_total", result="confirmed") == 1


def test_device_reports_the_steps_of_an_attempt(api, user, registry):
    _, _, firmware = registry
    device = api.device(user, frascos=1)
    started = rollout(api, user, firmware_id=firmware["id"], device_ids=[device.id])
    assert heartbeat(api, device, "1.0.0")["update"] is not None
    for state in ("downloading", "downloading", "verified", "installing"):
        reply = status(api, device, "1.2.0", state)
        assert reply.status == 202 and reply.json["attempt"]["state"] == state
    attempts = api.get(f"/devices/{device.id}/firmware", who=user).json["attempts"]
    assert len(attempts) == 1 and attempts[0]["state"] == "installing" and attempts[0]["rollout_id"] == started["id"]
    reply = status(api, device, "1.2.0", "confirmed")
    assert reply.status == 202 and reply.json["attempt"]["finished_at"] is not None
    assert status(api, device, "1.2.0", "confirmed").status == 202  # a retried report changes nothing
    assert metric(api, "yaguts_firmware_updates_total", result="confirmed") == 1
    assert get_rollout(api, user, started["id"])["counts"] == {
        "targeted": 1, "attempted": 1, "in_progress": 0, "confirmed": 1, "failed": 0}

    def refused(body, code, field=None, content_type="application/json"):
        reply = api.post("/devices/me/firmware/status", raw=body, who=device, headers={"Content-Type": content_type})
        assert reply.status == code, (body, reply.status, reply.body)
        if field:
            assert field in reply.json["error"]["fields"], reply.json

    refused(b'{"version":"1.2.0","state":"exploded","error":null}', 422, "state")
    refused(b'{"version":"1.2.0","state":"offered","error":null}', 422, "state")  # the server's state, not the device's
    refused(b'{"version":"","state":"failed","error":null}', 422, "version")
    refused(b'{"version":"1.2.0","state":"failed","error":"' + b"x" * 501 + b'"}', 422, "error")
    refused(b'{"state":"failed"}', 422, "version")
    refused(b'{"version":"1.2.0","state":"failed","extra":1}', 422, "extra")
    refused(b'{"version":', 400)
    refused(b'{"version":"1.2.0","state":"failed"}', 415, content_type="text/plain")
    assert api.post("/devices/me/firmware/status", {"version": "1.2.0", "state": "failed"}, who=user).status == 401


# -- rollouts --------------------------------------------------------------------


def test_percentage_rollout_offers_to_its_share_and_widens(api, user, registry):
    _, _, firmware = registry
    devices = [api.device(user, frascos=1) for _ in range(10)]
    staged = rollout(api, user, firmware_id=firmware["id"], percent=30)
    chosen = set(staged["device_ids"])
    assert staged["percent"] == 30 and len(chosen) == 3 and chosen <= {d.id for d in devices}
    offered = {d.id for d in devices if heartbeat(api, d, "1.0.0")["update"] is not None}
    assert offered == chosen

    wider = api.request("PATCH", f"/rollouts/{staged['id']}", body={"percent": 60}, headers=user.auth)
    assert wider.status == 200, wider.body
    widened = set(wider.json["rollout"]["device_ids"])
    assert len(widened) == 6 and chosen < widened
    offered = {d.id for d in devices if heartbeat(api, d, "1.0.0")["update"] is not None}
    assert offered == widened
    assert get_rollout(api, user, staged["id"])["counts"]["attempted"] == 6

    narrower = api.request("PATCH", f"/rollouts/{staged['id']}", body={"percent": 50}, headers=user.auth)
    assert narrower.status == 422 and "percent" in narrower.json["error"]["fields"]
    listed = rollout(api, user, firmware_id=firmware["id"], device_ids=[devices[0].id])
    reply = api.request("PATCH", f"/rollouts/{listed['id']}", body={"percent": 100}, headers=user.auth)
    assert reply.status == 422

    for body, field in (({"firmware_id": firmware["id"]}, "percent"),
                        ({"firmware_id": firmware["id"], "percent": 0}, "percent"),
                        ({"firmware_id": firmware["id"], "percent": 101}, "percent"),
                        ({"firmware_id": firmware["id"], "percent": 5, "device_ids": [devices[0].id]}, "device_ids"),
                        ({"firmware_id": firmware["id"], "device_ids": []}, "device_ids"),
                        ({"firmware_id": firmware["id"], "device_ids": [devices[0].id, devices[0].id]}, "device_ids"),
                        ({"firmware_id": firmware["id"], "percent": 5, "max_failure_percent": 101}, "max_failure_percent"),
                        ({"firmware_id": firmware["id"], "percent": 5, "confirm_within_s": 0}, "confirm_within_s"),
                        ({"firmware_id": 999, "percent": 5}, "firmware_id"),
                        ({"firmware_id": "7", "percent": 5}, "firmware_id"),
                        ({"percent": 5}, "firmware_id")):
        reply = api.post("/rollouts", body, who=user)
        assert reply.status == 422 and field in reply.json["error"]["fields"], (body, reply.status, reply.body)
    assert api.post("/rollouts", raw=b"{", who=user, headers={"Content-Type": "application/json"}).status == 400
    ids = [r["id"] for r in api.get("/rollouts", who=user).json["rollouts"]]
    assert ids == [listed["id"], staged["id"]]


def test_the_newest_rollout_that_lists_a_device_wins_and_supersedes(api, user, registry, signer, tmp_path):
    _, _, firmware = registry
    path = make_image(tmp_path, 4000, "hotfix.bin")
    hotfix = upload(api, user, path.read_bytes(), "1.2.1", signer.sign(path)).json["firmware"]
    a, b = api.device(user, frascos=1), api.device(user, frascos=1)
    fleet = rollout(api, user, firmware_id=firmware["id"], percent=100, max_failure_percent=0)
    assert heartbeat(api, b, "1.0.0")["update"]["version"] == "1.2.0"
    assert status(api, b, "1.2.0", "downloading").status == 202
    rollout(api, user, firmware_id=hotfix["id"], device_ids=[b.id])
    assert heartbeat(api, a, "1.0.0")["update"]["version"] == "1.2.0"
    assert heartbeat(api, b, "1.0.0")["update"]["version"] == "1.2.1"
    # b's attempt at 1.2.0 was overtaken: closed, and no failure of the fleet rollout (whose limit is 0 %).
    attempts = api.get(f"/devices/{b.id}/firmware", who=user).json["attempts"]
    assert [(x["version"], x["state"]) for x in attempts] == [("1.2.1", "offered"), ("1.2.0", "superseded")]
    assert get_rollout(api, user, fleet["id"])["status"] == "active"
    assert metric(api, "yaguts_firmware_updates_total", result="superseded") == 1


def test_abort_rule_stops_the_rollout_when_too_many_fail(api, user, registry):
    _, _, firmware = registry
    devices = [api.device(user, frascos=1) for _ in range(4)]
    started = rollout(api, user, firmware_id=firmware["id"], device_ids=[d.id for d in devices], max_failure_percent=25)
    for d in devices[:3]:
        assert heartbeat(api, d, "1.0.0")["update"] is not None
    assert status(api, devices[0], "1.2.0", "rolled_back", "new image never reached the server").status == 202
    # 1 of 3 offered devices failed: 33 % > 25 %.
    stopped = get_rollout(api, user, started["id"])
    assert stopped["status"] == "aborted", stopped
    assert "1 of 3" in stopped["reason"] and stopped["ended_at"] is not None
    assert stopped["counts"] == {"targeted": 4, "attempted": 3, "in_progress": 2, "confirmed": 0, "failed": 1}
    # Nothing more is offered, not even to a device never offered before; a device
    # already updating still confirms.
    assert heartbeat(api, devices[3], "1.0.0")["update"] is None
    assert heartbeat(api, devices[1], "1.0.0")["update"] is None
    heartbeat(api, devices[2], "1.2.0")
    assert get_rollout(api, user, started["id"])["counts"]["confirmed"] == 1
    assert metric(api, "yaguts_firmware_updates_total", result="rolled_back") == 1
    assert metric(api, "yaguts_firmware_updates_total", result="confirmed") == 1
    attempts = api.get(f"/devices/{devices[0].id}/firmware", who=user).json["attempts"]
    assert attempts[0]["state"] == "rolled_back" and attempts[0]["error"] == "new image never reached the server"


def test_failures_within_the_limit_do_not_abort(api, user, registry):
    _, _, firmware = registry
    devices = [api.device(user, frascos=1) for _ in range(4)]
    started = rollout(api, user, firmware_id=firmware["id"], device_ids=[d.id for d in devices], max_failure_percent=25)
    for d in devices:
        assert heartbeat(api, d, "1.0.0")["update"] is not None
    assert status(api, devices[0], "1.2.0", "failed", "sha256 mismatch").status == 202
    # 1 of 4 is 25 %: not more than the limit.
    assert get_rollout(api, user, started["id"])["status"] == "active"
    # The device that failed is not offered the same image again in this rollout.
    assert heartbeat(api, devices[0], "1.0.0")["update"] is None
    assert heartbeat(api, devices[1], "1.0.0")["update"] is not None
    assert status(api, devices[1], "1.2.0", "failed", "bad signature").status == 202
    assert get_rollout(api, user, started["id"])["status"] == "aborted"
    assert metric(api, "yaguts_firmware_updates_total", result="failed") == 2


def test_a_device_that_never_comes_back_counts_as_failed_at_the_deadline(server_factory):
    # --offline-after 3 makes the maintenance pass (which applies deadlines) run every second.
    server = server_factory("--offline-after", "3")
    api = server.api
    user = api.register()
    image = os.urandom(2000)
    signature = base64.b64encode(bytes.fromhex("3006020101020101")).decode()
    firmware = upload(api, user, image, "2.0.0", signature).json["firmware"]
    silent = api.device(user, frascos=1)
    started = rollout(api, user, firmware_id=firmware["id"], device_ids=[silent.id], max_failure_percent=50,
                      confirm_within_s=1)
    assert heartbeat(api, silent, "1.0.0")["update"]["version"] == "2.0.0"
    assert status(api, silent, "2.0.0", "installing").status == 202
    # The device reboots into the new image and is never heard from again.
    aborted = wait_until(lambda: (r := get_rollout(api, user, started["id"]))["status"] == "aborted" and r, 15,
                         "the deadline to abort the rollout")
    assert aborted["counts"]["failed"] == 1
    attempt = api.get(f"/devices/{silent.id}/firmware", who=user).json["attempts"][0]
    assert attempt["state"] == "timed_out" and attempt["finished_at"] is not None
    assert metric(api, "yaguts_firmware_updates_total", result="timed_out") == 1
    # It comes back late, on the new version: the attempt is confirmed after all.
    heartbeat(api, silent, "2.0.0")
    assert api.get(f"/devices/{silent.id}/firmware", who=user).json["attempts"][0]["state"] == "confirmed"
