"""Live monitoring over RFC 6455 with the `websockets` asyncio client, plus a
hand-written handshake for the slow-watcher case."""

from __future__ import annotations

import asyncio
import base64
import http.client
import os
import socket
import struct
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from yaguts_client import log, ok_logs, wait_until
from ws_watch import Watcher, ws_connect, ws_url


def status_of_refusal(url: str, headers: dict[str, str] | None = None, **kw) -> int:
    async def attempt():
        try:
            async with ws_connect(url, additional_headers=headers, **kw):
                return 101
        except InvalidStatus as error:
            return error.response.status_code
    return asyncio.run(attempt())


def running_job(api, user, items=((0, 10),), stock=None):
    device = api.device(user, frascos=max(f for f, _ in items) + 1, stock=stock or {f: 100_000 for f, _ in items})
    job = api.job(user, device, list(items))
    assert api.next_job(device).json["job"]["id"] == job["id"]
    return device, job


# -- /ws/jobs/{id} -----------------------------------------------------------

def test_job_watch_snapshot_progress_completed_once(server, api, user):
    device, job = running_job(api, user, items=((0, 10), (0, 20)))
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    snapshot = watcher.next()
    assert snapshot == {"type": "snapshot", "job": api.get_job(user, job["id"])}
    assert snapshot["job"]["status"] == "running"
    assert api.progress(device, job["id"], 0, 0, "dispensing", 3).status == 202
    progress = watcher.next()
    assert progress == {"type": "progress", "job_id": job["id"], "position": 0, "frasco_index": 0,
                        "status": "dispensing", "dispensed_mg": 3, "error": None}
    assert api.complete(device, job["id"], ok_logs(job)).status == 200
    completed = watcher.next()
    assert completed["type"] == "completed" and completed["job"] == api.get_job(user, job["id"])
    # Progress after completion is accepted and ignored; replays publish nothing.
    assert api.progress(device, job["id"], 1, 0, "ok", 20).status == 202
    assert api.complete(device, job["id"], ok_logs(job)).json["replayed"] is True
    watcher.close()
    assert [m for m in watcher.drain() if m is not Watcher.CLOSED] == []


def test_late_watcher_gets_only_final_snapshot(server, api, user):
    device, job = running_job(api, user)
    assert api.complete(device, job["id"], ok_logs(job)).status == 200
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    snapshot = watcher.next()
    assert snapshot["type"] == "snapshot" and snapshot["job"]["status"] == "done"
    # Prove the socket is live and idle by closing it ourselves: nothing else arrived.
    watcher.close()
    assert watcher.drain() == [Watcher.CLOSED]
    assert watcher.close_code == 1000


def test_cancel_is_announced_as_completed(server, api, user):
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["job"]["status"] == "pending"
    reply = api.post(f"/jobs/{job['id']}/cancel", who=user)
    assert reply.status == 200 and reply.json["job"]["status"] == "cancelled"
    completed, _ = watcher.until("completed")
    assert completed["job"]["status"] == "cancelled"
    assert api.post(f"/jobs/{job['id']}/cancel", who=user).status == 409
    assert api.complete(device, job["id"], ok_logs(job)).status == 409
    assert api.next_job(device).status == 204
    watcher.close()


def test_job_watch_refusals(server, api, user, other_user):
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    url = ws_url(server, f"/ws/jobs/{job['id']}")
    assert status_of_refusal(url) == 401
    assert status_of_refusal(url, {"Authorization": "Bearer not-a-token"}) == 401
    assert status_of_refusal(url, device.auth) == 401
    assert status_of_refusal(url, user.auth, origin="http://evil.example") == 403
    assert status_of_refusal(url, user.auth, origin=f"http://{server.host}:{server.port}") == 101
    assert status_of_refusal(url, other_user.auth) == 404
    assert status_of_refusal(ws_url(server, "/ws/jobs/999999"), user.auth) == 404
    assert status_of_refusal(ws_url(server, "/ws/jobs/-1"), user.auth) == 404
    assert status_of_refusal(ws_url(server, f"/ws/devices/{device.id}"), other_user.auth) == 404


def test_wrong_websocket_version_is_426(server, api, user):
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", f"/ws/jobs/{job['id']}", headers={
        **user.auth, "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Sec-WebSocket-Version": "12"})
    response = conn.getresponse()
    assert response.status == 426
    assert response.getheader("Sec-WebSocket-Version") == "13"
    conn.close()


def test_cookie_authenticates_the_watcher(server, api):
    reply = api.post("/auth/register", {"email": "cookie@example.test", "password": "long enough password"})
    cookie = reply.header("Set-Cookie")
    assert cookie.startswith("yaguts_session=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert token == reply.json["token"]
    from yaguts_client import User
    user = User(reply.json["user"]["id"], "cookie@example.test", token)
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), {"Cookie": f"yaguts_session={token}"},
                      origin=f"http://{server.host}:{server.port}")
    assert watcher.next()["job"]["id"] == job["id"]
    watcher.close()
    assert api.get("/me", headers={"Cookie": f"other=1; yaguts_session={token}"}).status == 200
    # After logout the cookie opens nothing.
    assert api.post("/auth/logout", who=user).status == 204
    assert status_of_refusal(ws_url(server, f"/ws/jobs/{job['id']}"), {"Cookie": f"yaguts_session={token}"}) == 401
    login = api.post("/auth/login", {"email": "cookie@example.test", "password": "long enough password"})
    assert login.status == 200 and login.json["token"] != token
    user.token = login.json["token"]  # the ledger check reads as this user


def test_device_watch_on_open_and_after_refill(server, api, user):
    device = api.device(user, frascos=2, stock={1: 50})
    watcher = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    first = watcher.next()
    assert first["type"] == "device" and first["device"]["id"] == device.id
    assert [f["stock_mg"] for f in first["device"]["frascos"]] == [0, 50]
    api.refill(device, 0, 1_234)
    message = watcher.next()
    while [f["stock_mg"] for f in message["device"]["frascos"]] != [1_234, 50]:
        message = watcher.next()  # an online-state change may come first
    assert message["type"] == "device"
    watcher.close()


# -- slow watcher ------------------------------------------------------------

def raw_ws_open(host: str, port: int, path: str, token: str) -> socket.socket:
    """A WebSocket handshake by hand, on a socket with a tiny receive buffer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.settimeout(10)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)  # byte by byte: leave every frame unread in the kernel
        assert chunk, "closed during handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def read_until_close(sock: socket.socket, deadline: float) -> int | None:
    """Reads frames until a close frame (its code) or EOF/reset (None)."""
    sock.settimeout(max(0.1, deadline - time.monotonic()))
    buf = b""

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise EOFError
            buf += chunk

    try:
        while time.monotonic() < deadline:
            need(2)
            opcode, length = buf[0] & 0x0F, buf[1] & 0x7F
            offset = 2
            if length == 126:
                need(4)
                length, offset = struct.unpack("!H", buf[2:4])[0], 4
            elif length == 127:
                need(10)
                length, offset = struct.unpack("!Q", buf[2:10])[0], 10
            need(offset + length)
            payload, buf = buf[offset:offset + length], buf[offset + length:]
            if opcode == 0x8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
    except (EOFError, ConnectionResetError):
        return None
    raise AssertionError("the slow watcher was never closed")


def test_slow_watcher_is_dropped_without_delaying_others(server, api, user):
    device, job = running_job(api, user, items=((0, 10), (1, 10)))
    path = f"/ws/jobs/{job['id']}"
    slow = raw_ws_open(server.host, server.port, path, user.token)
    reader = Watcher(ws_url(server, path), user.auth)
    assert reader.next()["type"] == "snapshot"
    dropped_before = api.metric("yaguts_watchers_dropped_slow_total")

    # Control characters escape to six bytes each in JSON: ~24 KiB per event.
    sent: list[int] = []
    deadline = time.monotonic() + 60
    while api.metric("yaguts_watchers_dropped_slow_total") <= dropped_before:
        assert time.monotonic() < deadline, "the slow watcher was never dropped"
        for _ in range(1):  # the metric moves when the drop is decided: read right after it
            n = len(sent)
            error = f"{n:08d}" + "\x01" * 4088
            reply = api.progress(device, job["id"], n % 2, n % 2, "dispensing", n, error=error)
            if reply.status == 429:
                retry_after = reply.header("Retry-After")
                assert retry_after is not None and int(retry_after) >= 1
                assert reply.json["error"]["code"]
                time.sleep(min(int(retry_after), 1))  # what the server asked for
                continue
            assert reply.status == 202, reply.body
            sent.append(n)

    # The slow watcher, reading now, finds its queued messages dropped and a
    # 1008 close right behind the little the kernel and the stream held.
    code = read_until_close(slow, time.monotonic() + 20)
    assert code == 1008
    slow.close()
    # The reader received every event, in order, while the slow one was dropped.
    got = []
    while len(got) < len(sent):
        message = reader.next(timeout=20)
        assert message is not Watcher.CLOSED, f"reader closed after {len(got)} of {len(sent)}"
        assert message["type"] == "progress"
        got.append(message["dispensed_mg"])
        assert message["error"] == f"{message['dispensed_mg']:08d}" + "\x01" * 4088
    assert got == sent
    assert api.metric("yaguts_watchers_dropped_slow_total") >= 1
    assert len(sent) * 24_000 > 1 << 20
    # The job and its reader go on normally.
    assert api.complete(device, job["id"], ok_logs(job)).status == 200
    completed, rest = reader.until("completed")
    assert rest == [] and completed["job"]["status"] == "done"
    reader.close()


# -- graceful shutdown -------------------------------------------------------

def test_sigterm_closes_watchers_with_1001(server, api, user):
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    assert server.terminate() == 0, server.stderr_text()
    assert watcher.wait_closed(15) == 1001


def test_sigterm_answers_long_poll_and_exits_0(server, api, user):
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    watcher = Watcher(ws_url(server, f"/ws/jobs/{job['id']}"), user.auth)
    assert watcher.next()["type"] == "snapshot"
    other = api.device(user, frascos=1)
    poll: dict = {}

    def long_poll():
        try:
            poll["reply"] = api.next_job(other, wait=25)
        except Exception as error:  # noqa: BLE001 - recorded and asserted below
            poll["error"] = error

    thread = threading.Thread(target=long_poll)
    thread.start()
    wait_until(lambda: api.get(f"/devices/{other.id}", who=user).json["device"]["online"], 5, "poll parked")
    started = time.monotonic()
    code = server.terminate()
    assert code == 0, server.stderr_text()
    thread.join(15)
    assert "error" not in poll, f"long poll got no answer: {poll.get('error')!r}"
    assert poll["reply"].status in (204, 503), poll["reply"].status
    assert time.monotonic() - started < 12, "shutdown must not wait for the long poll's full wait"
    watcher.wait_closed(15)  # closed one way or another, never left hanging


# -- /ws/echo (protocol conformance) -----------------------------------------

def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def test_echo_text_binary_fragmented_ping_and_large(server):
    async def scenario():
        async with ws_connect(ws_url(server, "/ws/echo"), max_size=4 << 20) as ws:
            await ws.send("héllo ✓")
            assert await ws.recv() == "héllo ✓"
            await ws.send(b"\x00\x01\xfe\xff")
            assert await ws.recv() == b"\x00\x01\xfe\xff"
            await ws.send(["frag", "men", "ted ✓"])
            assert await ws.recv() == "fragmented ✓"
            await ws.send([b"\x01", b"\x02\x03"])
            assert await ws.recv() == b"\x01\x02\x03"
            latency = await asyncio.wait_for(await ws.ping(b"are you there"), 10)
            assert latency >= 0
            big = os.urandom(1 << 19)
            await ws.send(big)
            assert await ws.recv() == big
            await ws.send("")
            assert await ws.recv() == ""
        assert ws.close_code == 1000
    run(scenario())


def test_echo_one_mebibyte_messages(server):
    async def scenario():
        async with ws_connect(ws_url(server, "/ws/echo"), max_size=4 << 20) as ws:
            big = os.urandom(1 << 20)
            await ws.send(big)
            assert await ws.recv() == big
            text = "ß" * (1 << 19)  # 1 MiB of UTF-8
            await ws.send(text)
            assert await ws.recv() == text
    run(scenario())


def test_echo_invalid_utf8_closes_1007(server):
    async def scenario():
        async with ws_connect(ws_url(server, "/ws/echo")) as ws:
            await ws.send(b"ok \xff\xfe not utf-8", text=True)
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return ws.protocol.close_rcvd.code if ws.protocol.close_rcvd else None
    assert run(scenario()) == 1007


def test_echo_absent_without_test_endpoints(server_factory):
    plain = server_factory()
    assert status_of_refusal(ws_url(plain, "/ws/echo")) == 404
