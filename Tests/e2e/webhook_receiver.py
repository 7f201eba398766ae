"""A real HTTP receiver for webhook tests (Python's http.server on 127.0.0.1),
recording every request; it can be started late on a port chosen earlier, to
play a receiver that was down."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    def __init__(self, port: int | None = None, status: int = 204):
        self.port = port or free_port()
        self.status = status
        self.requests: queue.Queue = queue.Queue()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/yaguts?src=test"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.put({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                       "body": body, "json": json.loads(body)})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def next(self, timeout: float = 20) -> dict:
        return self.requests.get(timeout=timeout)

    def until(self, predicate, timeout: float = 30) -> list[dict]:
        """Collects requests until `predicate(all so far)` holds."""
        seen: list[dict] = []
        while not predicate(seen):
            seen.append(self.requests.get(timeout=timeout))
        return seen


def verify(request: dict, secret: str) -> bool:
    """How a receiver checks Yaguts-Signature: t=<unix>,v1=<hex HMAC-SHA-256(secret, "<t>." + body)>."""
    parts = dict(p.split("=", 1) for p in request["headers"]["yaguts-signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])
