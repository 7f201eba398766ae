"""RFC 6455 edges on every WebSocket endpoint, over raw sockets: failing the
connection closes TCP right after the close frame (§7.1.7, §7.1.1), an
HTTP/1.0 upgrade and two Sec-WebSocket-Key fields are refused (§4.1,
§4.2.1), and the close codes 1012–1014 are accepted."""

from __future__ import annotations

import base64
import os
import socket
import struct

import pytest

from yaguts_client import status_line


def masked(opcode: int, payload: bytes, fin: bool = True, rsv: int = 0, mask: bool = True) -> bytes:
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", first, (0x80 if mask else 0) | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", first, (0x80 if mask else 0) | 126, n)
    else:
        head = struct.pack("!BBQ", first, (0x80 if mask else 0) | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def upgrade_request(server, path: str, token: str | None, version: str = "HTTP/1.1",
                    keys: int = 1) -> bytes:
    lines = [f"GET {path} {version}", f"Host: {server.host}:{server.port}", "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Version: 13"]
    lines += [f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}" for _ in range(keys)]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def open_raw(server, path: str, token: str | None) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(upgrade_request(server, path, token))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "closed during the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def status_of(server, request: bytes) -> bytes:
    return status_line(server.host, server.port, request)


class FrameReader:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def _need(self, n: int) -> bool:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self.buf += chunk
        return True

    def frame(self) -> tuple[int, bytes] | None:
        """The next frame (opcode, payload), or None at a clean EOF."""
        if not self._need(2):
            return None
        opcode, length, offset = self.buf[0] & 0x0F, self.buf[1] & 0x7F, 2
        if length == 126:
            assert self._need(4)
            length, offset = struct.unpack("!H", self.buf[2:4])[0], 4
        elif length == 127:
            assert self._need(10)
            length, offset = struct.unpack("!Q", self.buf[2:10])[0], 10
        assert self._need(offset + length)
        payload = self.buf[offset:offset + length]
        self.buf = self.buf[offset + length:]
        return opcode, payload


# Each violation, and the close code the server must fail the connection with.
VIOLATIONS = [
    ("reserved bit", masked(0x1, b"x", rsv=0b100), 1002),
    ("reserved opcode", masked(0x3, b"x"), 1002),
    ("reserved control opcode", masked(0xB, b""), 1002),
    ("unmasked client frame", masked(0x1, b"hi", mask=False), 1002),
    ("control frame over 125 bytes", masked(0x9, b"p" * 126), 1002),
    ("fragmented control frame", masked(0x9, b"p", fin=False), 1002),
    ("64-bit length with the top bit set", struct.pack("!BBQ", 0x82, 0xFF, 1 << 63) + os.urandom(4), 1002),
    ("continuation without a message", masked(0x0, b"x"), 1002),
    ("invalid UTF-8 in a text message", masked(0x1, b"\xff\xfe"), 1007),
    ("invalid UTF-8 in a close reason", masked(0x8, struct.pack("!H", 1000) + b"\xff"), 1007),
    ("close code 1016", masked(0x8, struct.pack("!H", 1016)), 1002),
    ("message over the limit", masked(0x2, os.urandom(70_000)), 1009),
]


@pytest.fixture
def endpoints(server, api, user):
    """Every WebSocket path with the credentials it needs."""
    device = api.device(user, frascos=1)
    job = api.job(user, device, [(0, 5)])
    return [("/ws/echo", None), (f"/ws/jobs/{job['id']}", user.token), (f"/ws/devices/{device.id}", user.token)]


@pytest.mark.parametrize("name,frame,code", VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_failing_the_connection_closes_tcp_right_after_the_close_frame(server, endpoints, name, frame, code):
    for path, token in endpoints:
        if code == 1009 and path == "/ws/echo":
            continue  # the echo endpoint takes messages of up to 16 MiB
        sock = open_raw(server, path, token)
        reader = FrameReader(sock)
        sock.sendall(frame)
        # Watchers get their first message (snapshot / device) before anything else.
        received = reader.frame()
        while received is not None and received[0] != 0x8:
            received = reader.frame()
        assert received is not None, f"{path} {name}: no close frame"
        assert struct.unpack("!H", received[1][:2])[0] == code, f"{path} {name}"
        # We never answer the close: the server must still close TCP at once,
        # with a FIN (a clean EOF), not wait for us and then reset.
        try:
            after = sock.recv(1)
        except ConnectionResetError:
            pytest.fail(f"{path} {name}: reset instead of closed after the close frame")
        assert after == b"", f"{path} {name}: data after the close frame"
        sock.close()


def test_http10_upgrade_is_refused(server, endpoints):
    for path, token in endpoints:
        assert status_of(server, upgrade_request(server, path, token, version="HTTP/1.0")).startswith(b"HTTP/1.1 400")


def test_two_websocket_keys_are_refused(server, endpoints):
    for path, token in endpoints:
        assert status_of(server, upgrade_request(server, path, token, keys=2)).startswith(b"HTTP/1.1 400")
        # One key still upgrades.
        assert status_of(server, upgrade_request(server, path, token, keys=1)).startswith(b"HTTP/1.1 101")


@pytest.mark.parametrize("code", [1012, 1013, 1014])
def test_registered_close_codes_are_accepted(server, endpoints, code):
    for path, token in endpoints:
        sock = open_raw(server, path, token)
        reader = FrameReader(sock)
        sock.sendall(masked(0x8, struct.pack("!H", code) + b"bye"))
        received = reader.frame()
        while received is not None and received[0] != 0x8:
            received = reader.frame()
        assert received is not None and struct.unpack("!H", received[1][:2])[0] == code, path
        sock.close()
