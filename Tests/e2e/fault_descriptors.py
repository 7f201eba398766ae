"""Fault test (scripts/faults.sh): the server runs out of file descriptors.

The real server's RLIMIT_NOFILE is lowered (prlimit on the running process)
to a little above what it uses, then more clients connect than it can take.
Checked: connections it already had keep working (HTTP keep-alive requests,
writes included, and a WebSocket watcher); the ones over the limit are turned
away without harm (closed, or left waiting in the backlog), never hanging
the server; once clients go away new connections are served again."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess

import pytest

from yaguts_client import wait_until
from ws_watch import Watcher, ws_url


def keep_alive_get(conn: http.client.HTTPConnection, path: str, token: str) -> int:
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    response.read()
    return response.status


def test_descriptor_exhaustion_keeps_existing_connections_and_recovers(server_factory):
    server = server_factory()
    api = server.api
    user = api.register()
    device = api.device(user, frascos=1, stock={0: 1000})

    established = [http.client.HTTPConnection(server.host, server.port, timeout=10) for _ in range(8)]
    for conn in established:
        assert keep_alive_get(conn, "/me", user.token) == 200
    watcher = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    assert watcher.next()["type"] == "device"

    in_use = server.fd_count()
    limit = in_use + 6
    result = subprocess.run(["prlimit", f"--pid={server.pid}", f"--nofile={limit}:{limit}"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot lower the server's descriptor limit: {result.stderr.strip()}")

    # Far more clients than descriptors left.
    outcomes = {"served": 0, "turned away": 0, "waiting": 0}
    flood = []
    for _ in range(60):
        sock = socket.socket()
        sock.settimeout(5)
        try:
            sock.connect((server.host, server.port))  # the kernel completes it (backlog)
        except OSError:
            # A loop out of descriptors closes its listening socket for a moment
            # (see TCPListener): connections queued there are reset. Turned away.
            outcomes["turned away"] += 1
            sock.close()
            continue
        flood.append(sock)
    request = f"GET /healthz HTTP/1.1\r\nHost: {server.host}\r\n\r\n".encode()
    for sock in flood:
        try:
            sock.sendall(request)
            sock.settimeout(0.5)
            data = sock.recv(4096)
            outcomes["served" if data.startswith(b"HTTP/1.1 200") else "turned away"] += 1
        except socket.timeout:
            outcomes["waiting"] += 1
        except OSError:
            outcomes["turned away"] += 1
    assert server.fd_count() <= limit
    assert outcomes["served"] < 60, f"the limit never applied: {outcomes}"

    # The connections it had keep working: reads, writes, and the watcher.
    for conn in established:
        assert keep_alive_get(conn, "/me", user.token) == 200
    body = json.dumps({"amount_mg": 5})
    established[0].request("POST", f"/devices/{device.id}/frascos/0/refill", body=body,
                           headers={**user.auth, "Content-Type": "application/json"})
    reply = established[0].getresponse()
    assert reply.status == 200, reply.read()
    reply.read()
    message = watcher.next()
    while message["device"]["frascos"][0]["stock_mg"] != 1005:
        message = watcher.next()
    assert server.running

    # Clients leave: new connections are served again, by the same process.
    for sock in flood:
        sock.close()

    def healthy():
        try:
            return api.get("/healthz", timeout=2).status == 200
        except OSError:
            return False
    wait_until(healthy, 30, "a new connection served after the flood")
    assert api.post(f"/devices/{device.id}/frascos/0/refill", {"amount_mg": 5}, who=user).status == 200
    for conn in established:
        conn.close()
    watcher.close()
    print(f"descriptor limit {limit} (in use {in_use}); 60 extra clients: {outcomes}")
