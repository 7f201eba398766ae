"""docs/ops is proven, not pasted: promtool accepts the alert rules; a real
Prometheus scrapes a real yaguts while the fleet simulator (`yaguts-sim`)
drives it, and every PromQL expression of the Grafana dashboard and of the
alert rules returns data there — or is a deliberate absent() check whose
metric is present — so no panel is silently empty and no alert watches a
metric that does not exist. `promtool test rules` shows each alert firing on
the condition it is named for (docs/ops/prometheus-alerts.test.yml)."""

from __future__ import annotations

import json
import math
import subprocess

from conftest import BIN, REPO
from ops_tools import Prometheus, require
from yaguts_client import wait_until

RULES = REPO / "docs/ops/prometheus-alerts.yml"
DASHBOARD = REPO / "docs/ops/grafana-dashboard.json"
SIMULATOR = BIN.parent / "yaguts-sim"
COMPARISONS = (" >= ", " <= ", " == ", " != ", " > ", " < ")


def split_comparison(expr: str) -> tuple[str, str | None]:
    """`left > right` at the top level (outside (), {}, [] and quotes) → (left, right)."""
    depth, quote, last = 0, None, None
    for i, ch in enumerate(expr):
        if quote:
            quote = None if ch == quote and expr[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            for op in COMPARISONS:
                if expr.startswith(op, i):
                    last = (i, op)
                    break
    if last is None:
        return expr, None
    i, op = last
    return expr[:i].strip(), expr[i + len(op):].strip()


def test_split_comparison():
    assert split_comparison('up{job="yaguts"} == 0') == ('up{job="yaguts"}', "0")
    assert split_comparison('a{x=~"5.."} / b > 0.01') == ('a{x=~"5.."} / b', "0.01")
    assert split_comparison("time() - max(a) > 2 * max(b)") == ("time() - max(a)", "2 * max(b)")
    assert split_comparison("histogram_quantile(0.99, sum(rate(x[5m])))") == ("histogram_quantile(0.99, sum(rate(x[5m])))", None)


def test_promtool_accepts_the_rules():
    result = subprocess.run([require("promtool"), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_each_alert_fires_on_its_condition_and_not_on_a_healthy_server():
    # docs/ops/prometheus-alerts.test.yml: synthetic series through promtool's rule evaluator.
    result = subprocess.run([require("promtool"), "test", "rules", RULES.with_suffix(".test.yml").name],
                            cwd=RULES.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def dashboard_queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"]), "panel ids must be unique"
    queries = []
    for panel in panels:
        assert panel["targets"], f"panel {panel['title']!r} has no query"
        for target in panel["targets"]:
            expr = target["expr"].replace("$__rate_interval", "1m").replace("$job", "yaguts")
            assert "$" not in expr, f"unknown variable in {expr}"
            queries.append((panel["title"], expr))
    titles = " | ".join(p["title"] for p in panels).lower()
    for topic in ("requests per second", "latency", "report stages", "jobs by status", "devices online",
                  "websockets open", "stock movements", "backup"):
        assert topic in titles, f"the dashboard has no panel on {topic}"
    return queries


def test_every_dashboard_and_rule_expression_returns_data(server_factory, tmp_path):
    assert SIMULATOR.exists(), f"{SIMULATOR} is missing: swift build builds it with yaguts"
    server = server_factory("--backup-dir", str(tmp_path / "backups"), "--backup-every", "2")
    prometheus = Prometheus(tmp_path, f"127.0.0.1:{server.port}", [str(RULES)])
    sim_log = open(tmp_path / "sim.log", "w")
    simulator = subprocess.Popen(
        [str(SIMULATOR), "--url", server.url, "--devices", "12", "--jobs", "12", "--watchers", "2",
         "--dispense-ms", "5", "--fail-rate", "0.2", "--drop-rate", "0.1", "--duration", "20"],
        stdout=sim_log, stderr=subprocess.STDOUT)
    try:
        # Enough scrapes of a busy server for every rate() and every periodic gauge.
        wait_until(lambda: prometheus.query('count_over_time(up{job="yaguts"}[1m]) >= 8')
                   and prometheus.query('increase(yaguts_stock_movements_total{reason="dispense"}[1m]) > 0')
                   and prometheus.query('yaguts_backups_total{result="ok"} > 0')
                   and prometheus.query('sum(yaguts_jobs) > 0'),
                   timeout=90, what="Prometheus to scrape the simulated fleet", interval=0.5)

        empty = []
        for title, expr in dashboard_queries():
            values = prometheus.query(expr)
            if not values or all(math.isnan(v) for v in values):
                empty.append(f"panel {title!r}: {expr}")

        rules = prometheus.api("rules", type="alert")["groups"]
        alerts = [rule for group in rules for rule in group["rules"]]
        assert len(alerts) >= 14
        for rule in alerts:
            assert rule["health"] == "ok", f"{rule['name']}: {rule.get('lastError')}"
            expr = rule["query"]
            if expr.startswith("absent(") and expr.endswith(")"):
                sides = [expr[len("absent("):-1]]  # deliberate absent-check: its metric must exist here
            else:
                left, right = split_comparison(expr)
                sides = [left] + ([right] if right and any(c.isalpha() for c in right) else [])
            for side in sides:
                if not prometheus.query(side):
                    empty.append(f"alert {rule['name']}: {side}")
        assert not empty, "expressions without data:\n" + "\n".join(empty)

        firing = {a["labels"]["alertname"] for a in prometheus.api("alerts")["alerts"] if a["state"] != "inactive"}
        assert not firing & {"YagutsDown", "YagutsTargetMissing", "YagutsBackupsOff", "YagutsBackupTooOld"}, firing
    finally:
        simulator.wait(timeout=120)
        sim_log.close()
        prometheus.close()
    assert simulator.returncode == 0, (tmp_path / "sim.log").read_text()
