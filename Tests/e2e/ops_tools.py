"""Helpers for the operations tests: free ports, waiting for a URL, and the
real third-party programs they start (Prometheus, nginx)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require(program: str) -> str:
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/bin")
    assert path, f"{program} is missing: ./scripts/setup-deps.sh --test installs it"
    return path


def wait_for_url(url: str, process: subprocess.Popen, timeout: float, context=None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"{process.args[0]} exited with {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2, context=context):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            assert time.monotonic() < deadline, f"{url} did not answer within {timeout}s"
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Prometheus:
    """A real Prometheus on 127.0.0.1 with its own storage under `root`."""

    def __init__(self, root, scrape_target: str, rule_files: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = root / "prometheus.yml"
        config.write_text(json.dumps({
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": rule_files,
            "scrape_configs": [{"job_name": "yaguts", "static_configs": [{"targets": [scrape_target]}]}],
        }))
        self.log = open(root / "prometheus.log", "wb")
        self.process = subprocess.Popen(
            [require("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={root / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_for_url(f"{self.url}/-/ready", self.process, timeout=60)

    def api(self, path: str, **params) -> dict:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=30) as reply:
            body = json.load(reply)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[float]:
        """The values an instant query returns now (empty: no data)."""
        data = self.api("query", query=expr)
        if data["resultType"] == "scalar":
            return [float(data["result"][1])]
        return [float(sample["value"][1]) for sample in data["result"]]

    def close(self) -> None:
        stop(self.process)
        self.log.close()
