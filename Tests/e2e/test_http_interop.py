"""HTTP/1.1 interop with clients this project did not write: curl and h11."""

from __future__ import annotations

import json
import socket
import subprocess

import h11

from yaguts_client import raw_exchange


def curl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "20", *args],
                          input=stdin, capture_output=True, timeout=30)


# -- curl ----------------------------------------------------------------------

def test_curl_keep_alive_reuses_one_connection(server, api, user):
    urls = [f"{server.url}/me", f"{server.url}/devices", f"{server.url}/healthz"]
    result = curl("-v", "-H", f"Authorization: Bearer {user.token}", *urls)
    assert result.returncode == 0, result.stderr
    err = result.stderr.decode()
    assert err.count("Re-using existing connection") == 2, err
    assert err.count("Connected to") == 1, err
    bodies = result.stdout.decode()
    assert '"email"' in bodies and '"devices":[]' in bodies.replace(" ", "") and '"status":"ok"' in bodies


def test_curl_chunked_upload(server, api, user):
    device = api.device(user, frascos=2)
    body = json.dumps({"device_id": device.id, "items": [{"frasco_index": 1, "amount_mg": 42}]}).encode()
    result = curl("-v", "-X", "POST", f"{server.url}/jobs", "-H", f"Authorization: Bearer {user.token}",
                  "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked",
                  "--data-binary", "@-", "-w", "\n%{http_code}", stdin=body)
    assert result.returncode == 0, result.stderr
    assert "Transfer-Encoding: chunked" in result.stderr.decode()
    text, code = result.stdout.decode().rsplit("\n", 1)
    assert code == "201", text
    job = json.loads(text)["job"]
    assert job["items"] == [{"position": 0, "frasco_index": 1, "amount_mg": 42, "status": "pending", "dispensed_mg": 0, "error": None}]
    assert api.get_job(user, job["id"])["device_id"] == device.id


def test_curl_expect_100_continue(server, api, user):
    device = api.device(user, frascos=1)
    body = json.dumps({"amount_mg": 777}).encode()
    result = curl("-v", "-X", "POST", f"{server.url}/devices/{device.id}/frascos/0/refill",
                  "-H", f"Authorization: Bearer {user.token}", "-H", "Content-Type: application/json",
                  "-H", "Expect: 100-continue", "--expect100-timeout", "15", "--data-binary", "@-",
                  "-w", "\n%{http_code}", stdin=body)
    assert result.returncode == 0, result.stderr
    err = result.stderr.decode()
    assert "HTTP/1.1 100 Continue" in err, err
    text, code = result.stdout.decode().rsplit("\n", 1)
    assert code == "200" and json.loads(text)["frasco"]["stock_mg"] == 777
    assert api.stock(device) == {0: 777}


def test_expect_100_refused_early_sends_no_continue(server, api):
    # Unauthenticated: the server may answer 401 at once without 100 Continue.
    result = curl("-v", "-X", "POST", f"{server.url}/devices", "-H", "Content-Type: application/json",
                  "-H", "Expect: 100-continue", "--data-binary", "@-", "-w", "\n%{http_code}",
                  stdin=b'{"name":"x","frascos":1}')
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().rsplit("\n", 1)[1] == "401"


# -- h11 -----------------------------------------------------------------------

def request_bytes(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    conn = h11.Connection(h11.CLIENT)
    out = conn.send(h11.Request(method=method, target=target, headers=[("Host", "localhost"), *headers]))
    if body:
        out += conn.send(h11.Data(data=body))
    return out + conn.send(h11.EndOfMessage())


def read_response(conn: h11.Connection, sock: socket.socket) -> tuple[h11.Response, bytes]:
    response, body = None, b""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(sock.recv(65536))
            continue
        if isinstance(event, h11.Response):
            response = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return response, body
        elif isinstance(event, h11.ConnectionClosed):
            raise AssertionError("closed mid-response")


def test_h11_pipelining_answers_in_order(server, api, user):
    auth = ("Authorization", f"Bearer {user.token}")
    first = request_bytes("GET", "/me", [auth])
    body = json.dumps({"name": "pipelined", "frascos": 2}).encode()
    second = request_bytes("POST", "/devices", [auth, ("Content-Type", "application/json"),
                                                 ("Content-Length", str(len(body)))], body)
    third = request_bytes("GET", "/healthz", [])
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(first + second + third)  # one write, three requests
        conn = h11.Connection(h11.CLIENT)
        results = []
        for method, target, hdrs in (("GET", "/me", [auth]),
                                     ("POST", "/devices", [auth, ("Content-Type", "application/json"),
                                                            ("Content-Length", str(len(body)))]),
                                     ("GET", "/healthz", [])):
            # Advance h11's state to "request sent"; its bytes already went out.
            conn.send(h11.Request(method=method, target=target, headers=[("Host", "localhost"), *hdrs]))
            if method == "POST":
                conn.send(h11.Data(data=body))
            conn.send(h11.EndOfMessage())
            results.append(read_response(conn, sock))
            conn.start_next_cycle()
    assert [r.status_code for r, _ in results] == [200, 201, 200]
    assert json.loads(results[0][1])["user"]["id"] == user.id
    assert json.loads(results[1][1])["device"]["name"] == "pipelined"
    assert json.loads(results[2][1])["status"] == "ok"
    from yaguts_client import DeviceRef
    api.devices.append(DeviceRef(json.loads(results[1][1])["device"]["id"], "", user, 2))


def parse_one(raw: bytes, method: str = "GET") -> tuple[h11.Response, bytes, h11.Connection]:
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "localhost"), ("Connection", "close")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(raw)
    conn.receive_data(b"")
    response, body = None, b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Response):
            response = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return response, body, conn
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            raise AssertionError(f"incomplete response: {raw[:300]!r}")


def test_http_1_0_closes_after_response(server):
    raw = raw_exchange(server.host, server.port, b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
    # raw_exchange returns only after EOF: the server closed the connection.
    response, body, _ = parse_one(raw)
    assert response.status_code == 200 and json.loads(body)["status"] == "ok"
    assert raw.startswith(b"HTTP/1.")
    assert raw.count(b"HTTP/1.") == 1


def test_http_1_0_keep_alive_is_not_required(server):
    raw = raw_exchange(server.host, server.port,
                       b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\nGET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
    assert raw.count(b" 200 ") == 1, "an HTTP/1.0 request without keep-alive ends the connection"


def test_content_length_with_transfer_encoding_is_400_and_close(server, api, user):
    device = api.device(user, frascos=1)
    body = b'{"amount_mg":5}'
    smuggled = (f"POST /devices/{device.id}/frascos/0/refill HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {user.token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n\r\n"
                f"{len(body):x}\r\n").encode() + body + b"\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = raw_exchange(server.host, server.port, smuggled)
    response, resp_body, _ = parse_one(raw, "POST")
    assert response.status_code == 400
    assert json.loads(resp_body)["error"]["code"]
    assert raw.count(b"HTTP/1.1 ") == 1, "nothing after the refused request may be answered"
    assert api.stock(device) == {0: 0}


def test_header_section_over_16k_is_431(server):
    big = b"X-Filler: " + b"a" * 8000 + b"\r\n"
    raw = raw_exchange(server.host, server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big * 3 + b"\r\n")
    response, body, _ = parse_one(raw)
    assert response.status_code == 431
    assert json.loads(body)["error"]["code"]


def test_target_over_8k_is_414(server):
    raw = raw_exchange(server.host, server.port,
                       b"GET /healthz?" + b"q" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    response, body, _ = parse_one(raw)
    assert response.status_code == 414
    assert json.loads(body)["error"]["code"]


def test_garbage_request_line_is_400(server):
    raw = raw_exchange(server.host, server.port, b"HELLO\r\n\r\n")
    response, _, _ = parse_one(raw)
    assert response.status_code == 400


def test_head_has_no_body(server):
    raw = raw_exchange(server.host, server.port, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert rest == b""
