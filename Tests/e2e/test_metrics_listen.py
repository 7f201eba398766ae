"""`--metrics-listen`: /metrics on a separate listener, absent from the
public port; without it, /metrics stays on the public port."""

from __future__ import annotations

import json

from yaguts_client import Api, wait_until


def metrics_address(server) -> tuple[str, int]:
    def find():
        for line in server.stderr_text().splitlines():
            if '"metrics_listening"' in line:
                host, _, port = json.loads(line)["address"].rpartition(":")
                return host.strip("[]"), int(port)
        return None
    return wait_until(find, 10, "metrics_listening in the log")


def test_metrics_on_a_separate_listener(server_factory):
    server = server_factory("--metrics-listen", "127.0.0.1:0")
    api = server.api
    api.register()
    assert api.get("/metrics").status == 404
    host, port = metrics_address(server)
    assert port != server.port
    metrics = Api(host, port)
    reply = metrics.get("/metrics")
    assert reply.status == 200 and b"yaguts_http_requests_total" in reply.body
    assert reply.header("Content-Type").startswith("text/plain")
    # Only /metrics there: the API is not reachable through the monitoring port.
    assert metrics.get("/me").status == 404 and metrics.get("/healthz").status == 404


def test_metrics_stay_on_the_public_port_by_default(server):
    assert server.api.get("/metrics").status == 200
