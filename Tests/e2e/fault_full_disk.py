"""Fault test (scripts/faults.sh): the data directory's file system fills up.

The test mounts a small tmpfs (we run as root; without the right to mount it
skips, saying why), runs the real server on it, fills the rest of the space
with a filler file, and checks: writes are refused with 503 and the
contract's error body, nothing is half-written (a refused refill or job
leaves no trace), reads and WebSockets keep working, and once the filler is
removed the server takes writes again by itself, with no restart."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from ws_watch import Watcher, ws_url


@pytest.fixture
def small_fs(tmp_path):
    mount_point = tmp_path / "small-fs"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (mount tmpfs: {result.stderr.strip()}); full-disk test not run")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(path) -> int:
    """Writes until the file system is full; returns the bytes written."""
    written = 0
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as filler:
        while True:
            try:
                written += filler.write(chunk)
            except OSError:
                break
        # Take the last few bytes a whole chunk did not fit in.
        for size in (4096, 512, 1):
            while True:
                try:
                    written += filler.write(b"\0" * size)
                except OSError:
                    break
    return written


def assert_storage_error(reply):
    assert reply.status == 503, (reply.status, reply.body)
    error = reply.json["error"]
    assert error["code"] == "storage_full" and error["message"], reply.body
    assert int(reply.header("Retry-After")) >= 1


def test_full_disk_refuses_writes_keeps_reads_and_recovers(server_factory, small_fs):
    data = small_fs / "data"
    server = server_factory("--data", str(data))
    api = server.api
    user = api.register()
    device = api.device(user, frascos=2, stock={0: 100_000, 1: 50_000})
    watcher = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    assert watcher.next()["type"] == "device"
    jobs_before = api.get("/jobs", who=user).json["jobs"]

    filler = small_fs / "filler"
    assert fill(filler) > 0
    # The WAL may still have room inside it: write until the disk is what refuses.
    refused = None
    for n in range(5000):
        note = f"{n:06d}-{uuid.uuid4().hex * 2}"
        stock_before = api.stock(device)
        movements_before = len(api.movements(device))
        reply = api.post(f"/devices/{device.id}/frascos/0/adjust", {"stock_mg": 1000 + n, "note": note}, who=user)
        if reply.status == 503:
            refused = reply
            # Nothing half-written: the stock and the ledger are as before.
            assert api.stock(device) == stock_before
            assert len(api.movements(device)) == movements_before
            break
        assert reply.status == 200, (reply.status, reply.body)
    assert refused is not None, "the disk never filled"
    assert_storage_error(refused)
    stock_when_full = api.stock(device)

    # Every kind of write is refused the same way, and leaves nothing behind.
    assert_storage_error(api.post(f"/devices/{device.id}/frascos/1/refill", {"amount_mg": 5}, who=user))
    assert_storage_error(api.post("/jobs", {"device_id": device.id, "items": [{"frasco_index": 0, "amount_mg": 10}]}, who=user))
    assert api.get("/jobs", who=user).json["jobs"] == jobs_before
    assert api.stock(device) == stock_when_full and stock_when_full[1] == 50_000

    # Reads and WebSockets keep working.
    assert api.get(f"/devices/{device.id}", who=user).status == 200
    assert api.get("/healthz").json["status"] == "ok"
    second = Watcher(ws_url(server, f"/ws/devices/{device.id}"), user.auth)
    assert second.next()["type"] == "device"

    # Space returns: the server takes writes again by itself.
    os.unlink(filler)
    reply = api.post(f"/devices/{device.id}/frascos/1/refill", {"amount_mg": 5}, who=user)
    assert reply.status == 200, (reply.status, reply.body)
    assert api.stock(device)[1] == 50_005
    # Both watchers, the one from before the fault too, hear about it.
    for w in (watcher, second):
        message = w.next()
        while message["device"]["frascos"][1]["stock_mg"] != 50_005:
            message = w.next()
    watcher.close()
    second.close()
    assert api.job(user, device, [(0, 10)])["status"] == "pending"
