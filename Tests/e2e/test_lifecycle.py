"""Process lifecycle: start-up line, signals, exit status, mode switches."""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path

import pytest

from conftest import Server


def test_sigterm_right_after_listening_line_exits_0(tmp_path):
    codes = []
    for attempt in range(5):
        server = Server(Path(tempfile.mkdtemp(dir=tmp_path)), [], wait_for_signal_handler=False)
        server.proc.send_signal(signal.SIGTERM)
        try:
            codes.append(server.terminate(timeout=15))
        except AssertionError:
            codes.append("hung")
    assert codes == [0] * 5


def test_sigint_is_graceful_too(server_factory):
    server = server_factory()
    assert server.api.get("/healthz").json["status"] == "ok"
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(30) == 0


def test_metrics_exposition(server, api, user):
    device = api.device(user, frascos=1, stock={0: 10})
    api.job(user, device, [(0, 1)])
    reply = api.get("/metrics")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/plain")
    text = reply.body.decode()
    families = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    assert families and all(f.startswith("yaguts_") for f in families), families
    for needed in ("yaguts_watchers_dropped_slow_total", "yaguts_reports_replayed_total"):
        assert needed in families, f"{needed} missing from {sorted(families)}"
    jobs_created = [line for line in text.splitlines() if line.startswith("yaguts_http_requests_total{")
                    and 'route="/jobs"' in line and 'code="201"' in line]
    assert len(jobs_created) == 1 and float(jobs_created[0].rsplit(" ", 1)[1]) == 1, jobs_created
    assert 'yaguts_http_request_duration_seconds_bucket{' in text
