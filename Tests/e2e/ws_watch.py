"""WebSocket watchers for synchronous tests: the `websockets` asyncio client
runs on its own event loop in a background thread and hands every message to
a queue, so a test can drive HTTP calls and await watcher messages in turn."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


def ws_connect(url: str, **kw):
    """`websockets` connect with the settings every test wants: no proxy from
    the environment, no compression, no client keepalive pings."""
    kw.setdefault("proxy", None)
    kw.setdefault("compression", None)
    kw.setdefault("ping_interval", None)
    kw.setdefault("open_timeout", 10)
    return connect(url, **kw)


class Watcher:
    """Connects at construction (raising what the handshake raised) and then
    collects messages until the server closes or `close()` is called."""

    CLOSED = object()

    def __init__(self, url: str, headers: dict[str, str] | None = None, **kw: Any):
        self.url = url
        self.messages: queue.Queue = queue.Queue()
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._ws = None
        self._close_task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._run, args=(headers, kw), daemon=True)
        self._thread.start()
        if not self._ready.wait(20):
            raise AssertionError(f"WebSocket {url} did not open in time")
        if self._error is not None:
            raise self._error

    def _run(self, headers, kw) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main(headers, kw))
        self._loop.close()

    async def _main(self, headers, kw) -> None:
        try:
            self._ws = await ws_connect(self.url, additional_headers=headers, max_size=None, **kw)
        except BaseException as error:  # noqa: BLE001 - handed to the constructor's caller
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            async for message in self._ws:
                self.messages.put(json.loads(message))
        except ConnectionClosed:
            pass
        finally:
            rcvd = self._ws.protocol.close_rcvd
            self.close_code = rcvd.code if rcvd is not None else None
            self.close_reason = rcvd.reason if rcvd is not None else None
            if self._close_task is not None:
                await self._close_task
            self.messages.put(self.CLOSED)

    def next(self, timeout: float = 15) -> Any:
        """The next message, or `Watcher.CLOSED` once the socket closed."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no WebSocket message on {self.url} within {timeout}s") from None

    def until(self, kind: str, timeout: float = 15) -> tuple[dict, list[dict]]:
        """Reads until a message of `kind`; returns it and everything before it."""
        seen = []
        while True:
            message = self.next(timeout)
            assert message is not self.CLOSED, f"closed ({self.close_code}) before a {kind!r} message; saw {seen}"
            if message.get("type") == kind:
                return message, seen
            seen.append(message)

    def wait_closed(self, timeout: float = 15) -> int | None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"{self.url} still open after {timeout}s"
        return self.close_code

    def drain(self) -> list:
        out = []
        while True:
            try:
                out.append(self.messages.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        if self._ws is not None and self._thread.is_alive():
            def start_closing() -> None:
                self._close_task = self._loop.create_task(self._ws.close())
            try:
                self._loop.call_soon_threadsafe(start_closing)
            except RuntimeError:
                pass  # the loop already ended: the server closed first
        self.wait_closed()


def ws_url(server, path: str) -> str:
    return f"ws://{server.host}:{server.port}{path}"
