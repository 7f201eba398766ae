"""Scheduled backups (`serve --backup-dir --backup-every --backup-keep`):
taken while completion reports flow, each backup is a consistent ledger (every
frasco's stock is the sum of its movements, at most one dispense per job item,
dispenses only for settled jobs' ok items), old ones are pruned, the outcome
is on /metrics, and a restored backup serves: a device re-sending a report the
backup never saw is settled once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading

from conftest import BIN
from yaguts_client import log, wait_until


def ledger_problems(path) -> list[str]:
    """Every way the backup at `path` breaks the ledger's rules (empty: sound)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [] if db.execute("PRAGMA integrity_check").fetchone()[0] == "ok" else ["integrity_check failed"]
        problems += [f"frasco {d}/{i}: stock {s} != movements {m}" for d, i, s, m in db.execute(
            "SELECT f.device_id, f.idx, f.stock_mg, COALESCE(SUM(m.delta_mg), 0) FROM frascos f "
            "LEFT JOIN movements m ON m.device_id = f.device_id AND m.frasco_index = f.idx "
            "GROUP BY f.device_id, f.idx HAVING f.stock_mg != COALESCE(SUM(m.delta_mg), 0)")]
        problems += [f"job {j} item {p}: {n} dispenses" for j, p, n in db.execute(
            "SELECT job_id, job_position, COUNT(*) FROM movements WHERE reason = 'dispense' "
            "GROUP BY job_id, job_position HAVING COUNT(*) > 1")]
        # A dispense exists exactly for an ok item of a settled job, for its amount.
        problems += [f"job {j} item {p} ({s}, {st}): dispensed {d} but movement {m}" for j, p, s, st, d, m in db.execute(
            "SELECT i.job_id, i.position, j.status, i.status, i.dispensed_mg, m.delta_mg FROM job_items i "
            "JOIN jobs j ON j.id = i.job_id "
            "LEFT JOIN movements m ON m.job_id = i.job_id AND m.job_position = i.position AND m.reason = 'dispense' "
            "WHERE (i.status = 'ok') != (m.id IS NOT NULL) "
            "   OR (m.id IS NOT NULL AND j.status NOT IN ('done', 'done_partial')) "
            "   OR (m.id IS NOT NULL AND -m.delta_mg > i.dispensed_mg)")]
        return problems
    finally:
        db.close()


def test_backups_while_reports_flow_restore_to_a_consistent_ledger(server_factory, tmp_path):
    backups = tmp_path / "backups"
    server = server_factory("--backup-dir", str(backups), "--backup-every", "1", "--backup-keep", "3")
    api = server.api
    owner = api.register()
    devices = [api.device(owner, frascos=2, stock={0: 10_000_000, 1: 10_000_000}) for _ in range(4)]

    stop = threading.Event()
    settled = []
    errors = []

    def run_device(device):
        # Alternate full and partial jobs, as fast as the server takes them.
        n = 0
        while not stop.is_set():
            n += 1
            job = api.job(owner, device, [(0, 100 + n), (1, 50)])
            taken = api.next_job(device)
            if taken.status != 200:
                errors.append((taken.status, taken.body))
                return
            logs = [log(0, 0, "ok", 100 + n), log(1, 1, "ok" if n % 2 else "failed", 50 if n % 2 else 0)]
            reply = api.complete(device, job["id"], logs)
            for _ in range(30):
                if reply.status != 429:
                    break
                # Faster than a device's rate limit: back off for the Retry-After the
                # server names, as a real device does, and resend the same report
                # (idempotent). Finishing it keeps the device free of a running job.
                threading.Event().wait(int(reply.headers.get("retry-after", "1")))
                reply = api.complete(device, job["id"], logs)
            if reply.status != 200:
                errors.append((reply.status, reply.body))
                return
            settled.append(job["id"])

    threads = [threading.Thread(target=run_device, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    try:
        before = api.metric("yaguts_backups_total")
        # Four backups taken while the devices keep reporting.
        wait_until(lambda: api.metric("yaguts_backups_total") >= before + 4 and len(settled) > 20,
                   timeout=60, what="four backups during the report flow")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors

    # One job taken but not yet reported, then a backup that holds it running.
    device = devices[0]
    inflight = api.job(owner, device, [(0, 7_000), (1, 3_000)])
    assert api.next_job(device).status == 200
    taken_at = api.metric("yaguts_backups_total")
    wait_until(lambda: api.metric("yaguts_backups_total") >= taken_at + 2, timeout=30, what="a backup after the job ran")
    stock_before_report = api.stock(device)

    assert api.metric("yaguts_backup_last_failure_timestamp_seconds") == 0
    assert api.metric("yaguts_backup_last_success_timestamp_seconds") > 0
    assert api.metric("yaguts_backup_last_size_bytes") > 0
    assert server.terminate() == 0

    files = sorted(backups.glob("yaguts-*.sqlite"))
    assert len(files) == 3, f"--backup-keep 3 must prune the rest: {[f.name for f in files]}"
    assert not list(backups.glob("*.partial")), "no half-written backup may remain"
    for path in files:
        assert ledger_problems(path) == [], path.name
    newest = files[-1]
    with sqlite3.connect(f"file:{newest}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status FROM jobs WHERE id = ?", (inflight["id"],)).fetchone() == ("running",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",), "a backup stands alone, without a -wal"

    # Roll back to the newest backup; the device, still holding its result
    # (the server went away before it reported), sends its report there.
    restored_dir = tmp_path / "restored"
    result = subprocess.run([str(BIN), "restore", str(newest), "--data", str(restored_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    restored = server_factory.start_on(restored_dir)
    report = [log(0, 0, "ok", 7_000), log(1, 1, "ok", 3_000)]
    reply = restored.api.complete(device, inflight["id"], report)
    assert reply.status == 200 and reply.json["replayed"] is False, reply.body
    assert restored.api.complete(device, inflight["id"], report).json["replayed"] is True
    assert restored.api.stock(device) == {0: stock_before_report[0] - 7_000, 1: stock_before_report[1] - 3_000}
    assert restored.terminate() == 0
    assert ledger_problems(restored_dir / "yaguts.sqlite") == []


def test_a_failing_backup_is_an_error_with_a_fingerprint(server_factory, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    # Every 1h: exactly one attempt per start (there is no backup yet, so it is due at once).
    server = server_factory("--backup-dir", str(not_a_directory / "backups"), "--backup-every", "1h")
    fingerprints = []
    for start in range(2):
        if start:
            server.restart()
        api = server.api
        wait_until(lambda: api.metric("yaguts_backups_total") >= 1, timeout=30, what="the backup attempt")
        metrics = api.get("/metrics").body.decode()
        assert 'yaguts_backups_total{result="failed"} 1' in metrics
        assert 'yaguts_errors_total{kind="backup"} 1' in metrics
        assert api.metric("yaguts_backup_last_failure_timestamp_seconds") > 0
        assert api.metric("yaguts_backup_last_success_timestamp_seconds") == 0
        assert server.terminate() == 0
        lines = [json.loads(line) for line in
                 (server.data_dir / f"stderr-{server.generation}.log").read_text().splitlines()]
        reported = [line for line in lines if line["event"] == "server_error"]
        assert len(reported) == 1, "each error is logged exactly once"
        assert reported[0]["kind"] == "backup" and str(not_a_directory) in reported[0]["error"]
        fingerprints.append(reported[0]["fingerprint"])
    assert fingerprints[0] == fingerprints[1], "the same failure has the same fingerprint"


def test_a_restart_waits_a_period_after_the_newest_backup(server_factory, tmp_path):
    backups = tmp_path / "backups"
    server = server_factory("--backup-dir", str(backups), "--backup-every", "1h")
    wait_until(lambda: server.api.metric("yaguts_backups_total") >= 1, timeout=30, what="the first backup, at once")
    taken = server.api.metric("yaguts_backup_last_success_timestamp_seconds")
    assert server.terminate() == 0

    server.restart()  # a crash loop must not rotate good backups away

    def scheduled():
        log = (server.data_dir / f"stderr-{server.generation}.log").read_text().splitlines()
        return next((json.loads(line) for line in log if '"backups_scheduled"' in line), None)
    scheduled = wait_until(scheduled, timeout=30, what="the backup task to start")
    assert 3500 <= scheduled["first_in_seconds"] <= 3600, scheduled
    assert abs(server.api.metric("yaguts_backup_last_success_timestamp_seconds") - taken) < 2
    assert len(list(backups.glob("yaguts-*.sqlite"))) == 1
