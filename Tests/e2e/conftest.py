"""Fixtures: the real `yaguts` binary on an ephemeral port with a fresh data
directory per test, stopped with SIGTERM at teardown (exit status 0 checked),
and after every test a ledger check: each frasco's stock equals the sum of its
movements."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from yaguts_client import Api  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("YAGUTS_BIN", ".build/debug/yaguts"))
if not BIN.is_absolute():
    BIN = REPO / BIN


class Server:
    """One `yaguts serve` process. `restart()` starts a new process on the same
    data directory (a new port); `api` follows it."""

    def __init__(self, data_dir: Path, flags: list[str], env: dict[str, str] | None = None,
                 wait_for_signal_handler: bool = True):
        self.wait_for_signal_handler = wait_for_signal_handler
        self.data_dir = data_dir
        self.flags = flags
        self.env = env or {}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.host = "127.0.0.1"
        self.api = Api(self.host, 0)
        self.generation = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        assert not self.running
        self.generation += 1
        stderr = open(self.data_dir / f"stderr-{self.generation}.log", "wb")
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            [str(BIN), "serve", "--port", "0", "--data", str(self.data_dir), *self.flags],
            stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=env)
        stderr.close()
        line = self._first_line(timeout=30)
        prefix = "listening on http://"
        assert line.startswith(prefix), f"unexpected first stdout line: {line!r}"
        host, _, port = line[len(prefix):].rpartition(":")
        self.host, self.port = host.strip("[]"), int(port)
        self.api.host = self.host
        self.api.retarget(self.port)
        if self.wait_for_signal_handler:
            self._wait_for_sigterm_handler(timeout=10)

    def sigterm_caught(self) -> bool:
        """True once the process catches SIGTERM (bit 14 of SigCgt)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
        return False

    def _wait_for_sigterm_handler(self, timeout: float) -> None:
        # The server prints its address before it installs its SIGTERM
        # handler (see test_lifecycle.py); tests that are not about that race
        # wait for the handler so their teardown's SIGTERM is not lost.
        deadline = time.monotonic() + timeout
        while not self.sigterm_caught():
            assert self.proc.poll() is None, self.stderr_text()
            assert time.monotonic() < deadline, "server never installed its SIGTERM handler"
            time.sleep(0.005)

    def _first_line(self, timeout: float) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"server printed no address within {timeout}s; stderr: {self.stderr_text()}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise AssertionError(f"server exited before listening: {self.stderr_text()}")
                buf += chunk
        return buf.split(b"\n", 1)[0].decode()

    def stderr_text(self) -> str:
        path = self.data_dir / f"stderr-{self.generation}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM and wait; returns the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"server did not exit within {timeout}s of SIGTERM")
        self._close_pipes()
        return code

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self._close_pipes()

    def restart(self) -> None:
        self.start()

    def _close_pipes(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def fd_count(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


class ServerFactory:
    def __init__(self, tmp_root: Path):
        self.tmp_root = tmp_root
        self.servers: list[Server] = []

    def __call__(self, *flags: str, env: dict[str, str] | None = None) -> Server:
        data = Path(tempfile.mkdtemp(prefix="data-", dir=self.tmp_root))
        return self.start_on(data, *flags, env=env)

    def start_on(self, data: Path, *flags: str, env: dict[str, str] | None = None) -> Server:
        """A server on an existing data directory (e.g. one a backup was restored into)."""
        server = Server(data, list(flags), env)
        self.servers.append(server)
        return server


@pytest.fixture
def server_factory(tmp_path):
    """Starts servers on demand; at teardown every one still running gets
    SIGTERM and must exit 0."""
    factory = ServerFactory(tmp_path)
    yield factory
    failures = []
    for server in factory.servers:
        if server.running:
            code = server.terminate()
            if code != 0:
                failures.append(f"server pid {server.pid} exited {code}; stderr tail:\n{server.stderr_text()}")
    assert not failures, "\n".join(failures)


@pytest.fixture
def server(server_factory) -> Server:
    """A server with the simulator and test endpoints on."""
    return server_factory("--simulator", "--test-endpoints")


@pytest.fixture
def api(server) -> Api:
    return server.api


@pytest.fixture(autouse=True)
def ledger_is_consistent(server_factory):
    """After every test: in each running server, every frasco of every device
    the test made holds exactly the sum of its movements. Requesting
    `server_factory` makes this run before the servers are stopped."""
    yield
    for server in server_factory.servers:
        if not server.running:
            continue
        api = server.api
        for device in api.devices:
            stock = api.stock(device)
            sums = {index: 0 for index in stock}
            seen = set()
            for movement in api.movements(device):
                assert movement["id"] not in seen, f"movement {movement['id']} listed twice"
                seen.add(movement["id"])
                assert movement["reason"] in ("refill", "dispense", "adjust"), movement
                sums[movement["frasco_index"]] += movement["delta_mg"]
            assert stock == sums, f"device {device.id}: stock {stock} != sum of movements {sums}"
            assert all(v >= 0 for v in stock.values()), f"device {device.id}: negative stock {stock}"


@pytest.fixture
def user(api):
    return api.register()


@pytest.fixture
def other_user(api):
    return api.register()
