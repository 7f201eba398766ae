"""A small client for the Yaguts wire contract, built on http.client only.

Every call opens its own connection unless a `conn` is passed, so tests can
run calls from many threads without sharing state. Responses are decoded into
`Reply(status, headers, body, json)`; nothing here asserts, the tests do.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable


JSON = {"Content-Type": "application/json"}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class User:
    id: int
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class DeviceRef:
    id: int
    token: str
    owner: User
    frascos: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


_emails = itertools.count(1)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """Polls `predicate` until it returns something truthy; the timeout is only a safety bound."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Api:
    """Calls against one running server. `devices` records every device made
    through it, so the ledger check can visit them after the test."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.devices: list[DeviceRef] = []
        self._lock = threading.Lock()
        # Set to an ssl.SSLContext to speak HTTPS (e.g. through a TLS proxy).
        self.tls_context = None

    def retarget(self, port: int) -> None:
        self.port = port

    # -- raw calls ---------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                raw: bytes | None = None, timeout: float = 30.0,
                conn: http.client.HTTPConnection | None = None, source: str | None = None) -> Reply:
        hdrs = dict(headers or {})
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        own = conn is None
        if own:
            address = (source, 0) if source else None
            conn = (http.client.HTTPSConnection(self.host, self.port, timeout=timeout, source_address=address,
                                                context=self.tls_context)
                    if self.tls_context else
                    http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=address))
        try:
            conn.request(method, path, body=payload, headers=hdrs)
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            if own:
                conn.close()

    def get(self, path: str, who: User | DeviceRef | None = None, **kw) -> Reply:
        return self.request("GET", path, headers=_auth(who, kw.pop("headers", None)), **kw)

    def post(self, path: str, body: Any = None, who: User | DeviceRef | None = None, **kw) -> Reply:
        return self.request("POST", path, body=body, headers=_auth(who, kw.pop("headers", None)), **kw)

    def put(self, path: str, body: Any = None, who: User | DeviceRef | None = None, **kw) -> Reply:
        return self.request("PUT", path, body=body, headers=_auth(who, kw.pop("headers", None)), **kw)

    # -- accounts ----------------------------------------------------------

    def register(self, email: str | None = None, password: str = "correct horse battery") -> User:
        email = email or f"user{next(_emails)}-{time.monotonic_ns()}@example.test"
        deadline = time.monotonic() + 30
        while True:
            reply = self.post("/auth/register", {"email": email, "password": password})
            if reply.status == 429 and time.monotonic() < deadline:
                # The contract's rate limit on registrations: honour Retry-After.
                time.sleep(float(reply.header("Retry-After") or 1))
                continue
            assert reply.status == 201, (reply.status, reply.body)
            return User(reply.json["user"]["id"], email, reply.json["token"])

    # -- devices and stock -------------------------------------------------

    def device(self, owner: User, frascos: int = 3, stock: dict[int, int] | None = None,
               name: str = "dispenser") -> DeviceRef:
        reply = self.post("/devices", {"name": name, "frascos": frascos}, who=owner)
        assert reply.status == 201, (reply.status, reply.body)
        ref = DeviceRef(reply.json["device"]["id"], reply.json["device_token"], owner, frascos)
        with self._lock:
            self.devices.append(ref)
        for index, amount in (stock or {}).items():
            self.refill(ref, index, amount)
        return ref

    def refill(self, device: DeviceRef, index: int, amount_mg: int) -> dict:
        reply = self.post(f"/devices/{device.id}/frascos/{index}/refill", {"amount_mg": amount_mg}, who=device.owner)
        assert reply.status == 200, (reply.status, reply.body)
        return reply.json["frasco"]

    def stock(self, device: DeviceRef) -> dict[int, int]:
        reply = self.get(f"/devices/{device.id}", who=device.owner)
        assert reply.status == 200, (reply.status, reply.body)
        return {f["index"]: f["stock_mg"] for f in reply.json["device"]["frascos"]}

    def movements(self, device: DeviceRef) -> list[dict]:
        """Every movement of the device, following `before` through all pages."""
        out: list[dict] = []
        before = None
        while True:
            path = f"/devices/{device.id}/stock/movements?limit=200"
            if before is not None:
                path += f"&before={before}"
            reply = self.get(path, who=device.owner)
            assert reply.status == 200, (reply.status, reply.body)
            page = reply.json["movements"]
            ids = [m["id"] for m in page]
            assert ids == sorted(ids, reverse=True), "movements must come newest first"
            if before is not None:
                assert all(i < before for i in ids), "before is exclusive"
            out.extend(page)
            if len(page) < 200:
                return out
            before = ids[-1]

    # -- jobs --------------------------------------------------------------

    def job(self, owner: User, device: DeviceRef, items: list[tuple[int, int]], **kw) -> dict:
        body = {"device_id": device.id, "items": [{"frasco_index": f, "amount_mg": a} for f, a in items]}
        reply = self.post("/jobs", body, who=owner, **kw)
        assert reply.status == 201, (reply.status, reply.body)
        return reply.json["job"]

    def get_job(self, owner: User, job_id: int) -> dict:
        reply = self.get(f"/jobs/{job_id}", who=owner)
        assert reply.status == 200, (reply.status, reply.body)
        return reply.json["job"]

    # -- device protocol ---------------------------------------------------

    def next_job(self, device: DeviceRef, wait: int = 0) -> Reply:
        return self.get(f"/devices/me/jobs/next?wait={wait}", who=device, timeout=wait + 30)

    def progress(self, device: DeviceRef, job_id: int, position: int, frasco_index: int, status: str,
                 dispensed_mg: int = 0, error: str | None = None) -> Reply:
        body = {"position": position, "frasco_index": frasco_index, "status": status, "dispensed_mg": dispensed_mg}
        if error is not None:
            body["error"] = error
        return self.post(f"/devices/me/jobs/{job_id}/progress", body, who=device)

    def complete(self, device: DeviceRef, job_id: int, logs: list[dict], fw_version: str | None = None) -> Reply:
        body: dict[str, Any] = {"execution_logs": logs}
        if fw_version is not None:
            body["fw_version"] = fw_version
        return self.post(f"/devices/me/jobs/{job_id}/complete", body, who=device)

    def metric(self, name: str) -> float:
        """The sum of every sample of a metric family in /metrics (0 if absent)."""
        reply = self.get("/metrics")
        assert reply.status == 200
        total = 0.0
        for line in reply.body.decode().splitlines():
            if line.startswith("#"):
                continue
            key = line.split(" ", 1)[0].split("{", 1)[0]
            if key == name:
                total += float(line.rsplit(" ", 1)[1])
        return total


def log(position: int, frasco_index: int, status: str, dispensed_mg: int, **extra) -> dict:
    return {"position": position, "frasco_index": frasco_index, "status": status, "dispensed_mg": dispensed_mg, **extra}


def ok_logs(job: dict) -> list[dict]:
    return [log(i["position"], i["frasco_index"], "ok", i["amount_mg"]) for i in job["items"]]


def _auth(who: User | DeviceRef | None, headers: dict[str, str] | None) -> dict[str, str]:
    out = dict(who.auth) if who is not None else {}
    out.update(headers or {})
    return out


def raw_exchange(host: str, port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Sends `data`, then reads until the server closes (or the timeout)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_line(host: str, port: int, request: bytes, timeout: float = 10.0) -> bytes:
    """Sends a raw request and returns the response's status line."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0]
