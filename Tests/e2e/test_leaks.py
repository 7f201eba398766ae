"""Abusive connections leave no file descriptors behind and little memory."""

from __future__ import annotations

import os
import random
import socket
import struct
import time

import pytest

from yaguts_client import wait_until


def abuse(host: str, port: int, kind: int, rng: random.Random) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(5)
    try:
        sock.connect((host, port))
        if kind == 0:    # garbage bytes
            sock.sendall(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 600))))
        elif kind == 1:  # half a request head
            sock.sendall(b"POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Le")
        elif kind == 2:  # a head promising a body that never comes
            sock.sendall(b"POST /devices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 5000\r\n\r\n{\"na")
        elif kind == 3:  # half a WebSocket handshake, then a reset
            sock.sendall(b"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
        elif kind == 4:  # a full request, reset before reading the answer
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        elif kind == 5:  # bad chunked framing
            sock.sendall(b"POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        # kind 6: connect and leave
        if rng.random() < 0.5:
            # RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    finally:
        sock.close()


def kill_if_stuck(server, settled: bool) -> None:
    """A server holding leaked connections does not exit on SIGTERM (see
    test_sigterm_after_reset_connections_exits); kill it so the fixture's
    teardown reports this test's failure, not a hang."""
    if not settled and server.running:
        server.kill9()


def test_abusive_connections_leak_nothing(server_factory):
    server = server_factory("--test-endpoints")
    api = server.api
    assert api.get("/healthz").status == 200
    baseline_fds = server.fd_count()
    baseline_rss = server.rss_kib()
    rng = random.Random(1234)
    for i in range(2_000):
        abuse(server.host, server.port, i % 7, rng)
    # Every connection was closed by us; the server must let go of each.
    settled = False
    try:
        wait_until(lambda: server.fd_count() <= baseline_fds, 10,
                   f"fd count back to {baseline_fds}", interval=0.1)
        settled = True
    finally:
        kill_if_stuck(server, settled)
    growth_mib = (server.rss_kib() - baseline_rss) / 1024
    assert growth_mib < 20, f"RSS grew {growth_mib:.1f} MiB over 2,000 abusive connections"
    assert api.get("/healthz").json["status"] == "ok"
    fds = sorted(os.listdir(f"/proc/{server.pid}/fd"), key=int)
    assert len(fds) == server.fd_count()


def test_abusive_connections_without_reset_leak_nothing(server_factory):
    """The same abuse minus resets (closed with FIN): this part must hold today."""
    server = server_factory("--test-endpoints")
    api = server.api
    assert api.get("/healthz").status == 200
    baseline_fds = server.fd_count()
    baseline_rss = server.rss_kib()

    class NoReset(random.Random):
        def random(self):
            return 0.99

    rng = NoReset(99)
    for i in range(2_000):
        abuse(server.host, server.port, i % 7, rng)
    wait_until(lambda: server.fd_count() <= baseline_fds, 30, f"fd count back to {baseline_fds}", interval=0.1)
    assert (server.rss_kib() - baseline_rss) / 1024 < 20
    assert api.get("/healthz").json["status"] == "ok"


def test_sigterm_after_reset_connections_exits(server_factory):
    server = server_factory()
    for _ in range(20):
        sock = socket.create_connection((server.host, server.port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    assert server.api.get("/healthz").status == 200
    try:
        code = server.terminate(timeout=15)
    except AssertionError:
        code = "still running 15 s after SIGTERM"
    assert code == 0
