"""The data on disk: owner-only permissions for the data directory, the
database and backups; `yaguts backup` with a wrong --data fails clearly and
creates nothing."""

from __future__ import annotations

import os
import stat
import subprocess

from conftest import BIN


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backup_of_a_missing_database_fails_and_creates_nothing(tmp_path):
    wrong = tmp_path / "not-a-data-dir"
    out = tmp_path / "backup.sqlite"
    run = subprocess.run([str(BIN), "backup", str(out), "--data", str(wrong)], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "no database" in run.stderr and str(wrong) in run.stderr
    assert not wrong.exists() and not out.exists()


def test_data_directory_database_and_backups_are_owner_only(server_factory, tmp_path):
    server = server_factory()
    server.api.register()
    data = server.data_dir
    assert mode(data) == 0o700
    for name in ("yaguts.sqlite", "yaguts.sqlite-wal", "yaguts.sqlite-shm", "yaguts.lock"):
        if (data / name).exists():
            assert mode(data / name) == 0o600, name
    out = tmp_path / "nested" / "backup.sqlite"
    run = subprocess.run([str(BIN), "backup", str(out), "--data", str(data)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert mode(out) == 0o600 and mode(out.parent) == 0o700


def test_start_tightens_an_older_installation(server_factory):
    server = server_factory()
    server.api.register()
    assert server.terminate() == 0
    os.chmod(server.data_dir, 0o755)
    os.chmod(server.data_dir / "yaguts.sqlite", 0o644)
    server.restart()
    assert mode(server.data_dir) == 0o700 and mode(server.data_dir / "yaguts.sqlite") == 0o600
