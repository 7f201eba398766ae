"""Versions and upgrades: `--version`, /healthz and the first log line name
the same version (the repository's VERSION file); a database migrated by a
newer yaguts is refused with a message saying what to do, and left untouched;
`check-config` validates without starting."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from conftest import BIN, REPO
from yaguts_client import wait_until

VERSION = (REPO / "VERSION").read_text().strip()


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60, **kw)


def test_version_flag_names_the_version_file_and_a_commit():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"yaguts {VERSION} (commit "), result.stdout
    major, minor, patch = VERSION.split("-")[0].split(".")
    assert all(part.isdigit() for part in (major, minor, patch)), f"VERSION is not semver: {VERSION}"


def test_healthz_and_first_log_line_carry_the_version(server_factory):
    server = server_factory()
    health = server.api.get("/healthz").json
    assert health["status"] == "ok" and health["version"] == VERSION and health["commit"]
    log = server.data_dir / f"stderr-{server.generation}.log"
    # The log is written by its own thread: wait for the line, not for a time.
    first = json.loads(wait_until(lambda: "\n" in (text := log.read_text()) and text.split("\n")[0], timeout=10, what="the first log line"))
    assert first["event"] == "starting", first
    assert first["version"] == VERSION and first["commit"] == health["commit"]
    assert first["mode"] == "production"


def test_a_database_from_a_newer_version_is_refused_and_left_alone(server_factory):
    server = server_factory()
    owner = server.api.register()
    assert server.terminate() == 0
    database = server.data_dir / "yaguts.sqlite"
    with sqlite3.connect(database) as db:
        current = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {current + 5}")
    db.close()

    result = run("serve", "--port", "0", "--data", str(server.data_dir))
    assert result.returncode == 1
    assert result.stdout == "", "it must not listen"
    message = result.stderr
    assert f"schema version {current + 5}, written by a newer yaguts" in message, message
    assert f"up to {current}" in message and "docs/upgrading.md" in message and "restore" in message

    check = run("check-config", "--data", str(server.data_dir))
    assert check.returncode == 1 and "written by a newer yaguts" in check.stdout, check.stdout

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == current + 5
        assert db.execute("SELECT email FROM users").fetchall() == [(owner.email,)]
    db.close()


def test_check_config_reads_a_file_and_refuses_unknown_settings(tmp_path):
    config = tmp_path / "yaguts.conf"
    config.write_text(f"# comment\nYAGUTS_DATA=\"{tmp_path / 'data'}\"\nYAGUTS_PORT=0\n"
                      f"YAGUTS_BACKUP_DIR={tmp_path / 'backups'}\nYAGUTS_BACKUP_EVERY=15m\n")
    result = run("check-config", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backups every 900 s, keeping 48" in result.stdout
    assert f"data directory {tmp_path / 'data'} will be created" in result.stdout
    assert not (tmp_path / "data").exists(), "check-config must not create anything"

    # Flags win over the file.
    assert "keeping 3" in run("check-config", "--config", str(config), "--backup-keep", "3").stdout

    config.write_text("YAGUTS_PROT=8080\n")
    result = run("check-config", "--config", str(config))
    assert result.returncode == 2 and "unknown setting 'YAGUTS_PROT'" in result.stderr

    (tmp_path / "file").write_text("")
    result = run("check-config", "--data", str(tmp_path / "file"))
    assert result.returncode == 1 and "is not a directory" in result.stdout
