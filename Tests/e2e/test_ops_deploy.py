"""The deployment as documented (docs/deploy.md), run for real: Debian's nginx
with deploy/nginx-yaguts.conf and a self-signed certificate in front of a real
yaguts, a device and a watcher going through it over HTTPS and WSS; and
scripts/install.sh installing a binary, the systemd unit (checked by
systemd-analyze) and the default configuration (checked by check-config)."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import urllib.error
import urllib.request

from conftest import BIN, REPO
from ops_tools import free_port, require, stop, wait_for_url
from ws_watch import Watcher
from yaguts_client import log

SITE = REPO / "deploy/nginx-yaguts.conf"


def self_signed_certificate(directory):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([require("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx-yaguts.conf changed: expected {old!r} once"
    return text.replace(old, new)


def seconds(site: str, location: str, directive: str) -> int:
    block = site[site.index(f"location {location} {{"):]
    return int(re.search(rf"{directive} (\d+)s;", block[:block.index("}")]).group(1))


class Nginx:
    """nginx with the site file, only its addresses and certificate swapped."""

    def __init__(self, root, upstream_port: int):
        cert, key = self_signed_certificate(root)
        self.https_port, self.http_port = free_port(), free_port()
        site = SITE.read_text()
        site = replace_once(site, "server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};")
        site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{self.http_port};")
        site = replace_once(site, "listen [::]:80;\n", "")
        site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;")
        site = replace_once(site, "listen [::]:443 ssl;\n", "")
        site = replace_once(site, "/etc/letsencrypt/live/yaguts.example.com/fullchain.pem", str(cert))
        site = replace_once(site, "/etc/letsencrypt/live/yaguts.example.com/privkey.pem", str(key))
        (root / "site.conf").write_text(site)
        temp = root / "nginx-temp"
        temp.mkdir()
        (root / "nginx.conf").write_text(f"""
            {'user root;' if os.geteuid() == 0 else ''}
            worker_processes 1;
            pid {root}/nginx.pid;
            error_log {root}/nginx-error.log warn;
            events {{ worker_connections 256; }}
            http {{
                access_log off;
                client_body_temp_path {temp}/body;
                proxy_temp_path {temp}/proxy;
                fastcgi_temp_path {temp}/fastcgi;
                uwsgi_temp_path {temp}/uwsgi;
                scgi_temp_path {temp}/scgi;
                include {root}/site.conf;
            }}
        """)
        self.process = subprocess.Popen([require("nginx"), "-p", str(root), "-c", str(root / "nginx.conf"),
                                         "-g", "daemon off;"], stdin=subprocess.DEVNULL)
        self.tls = ssl.create_default_context(cafile=str(cert))
        wait_for_url(f"https://127.0.0.1:{self.https_port}/healthz", self.process, timeout=30, context=self.tls)

    def close(self) -> None:
        stop(self.process)


def test_the_site_waits_longer_than_the_heartbeat_and_the_long_poll():
    site = SITE.read_text()
    # yaguts: pings every 15 s, idle WebSockets closed after 45 s, long polls up to 30 s.
    assert seconds(site, "/ws/", "proxy_read_timeout") > 45
    assert seconds(site, "/", "proxy_read_timeout") > 30
    assert "Strict-Transport-Security" in site and "proxy_set_header X-Forwarded-For   $remote_addr;" in site


def test_a_device_and_a_watcher_through_nginx_over_https_and_wss(server_factory, tmp_path):
    server = server_factory()
    nginx = Nginx(tmp_path, server.port)
    try:
        api = server.api.__class__("127.0.0.1", nginx.https_port)
        api.tls_context = nginx.tls
        origin = f"https://127.0.0.1:{nginx.https_port}"

        health = api.get("/healthz")
        assert health.status == 200 and health.json["status"] == "ok"
        assert health.header("Strict-Transport-Security") == "max-age=63072000; includeSubDomains"
        assert api.get("/metrics").status == 404, "metrics stay off the public side"

        owner = api.register()
        device = api.device(owner, frascos=2, stock={0: 5_000, 1: 5_000})
        server.api.devices.append(device)  # the ledger check at teardown visits it directly
        job = api.job(owner, device, [(0, 1_200), (1, 300)])

        # A browser's watcher: WSS, with the page's Origin, as the UI opens it.
        watcher = Watcher(f"wss://127.0.0.1:{nginx.https_port}/ws/jobs/{job['id']}",
                          {**owner.auth, "Origin": origin}, ssl=nginx.tls)
        assert watcher.next()["type"] == "snapshot"

        taken = api.next_job(device, wait=5)
        assert taken.status == 200 and taken.json["job"]["id"] == job["id"]
        assert api.progress(device, job["id"], 0, 0, "ok", 1_200).status == 202
        reply = api.complete(device, job["id"], [log(0, 0, "ok", 1_200), log(1, 1, "failed", 0, error="jam")])
        assert reply.status == 200 and reply.json["status"] == "done_partial", reply.body
        completed, before = watcher.until("completed")
        assert completed["job"]["status"] == "done_partial"
        assert any(m["type"] == "progress" for m in before)
        watcher.close()
        assert api.stock(device) == {0: 3_800, 1: 5_000}

        # Plain HTTP is redirected to HTTPS.
        request = urllib.request.Request(f"http://127.0.0.1:{nginx.http_port}/devices", method="GET")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(request, timeout=10)
            raise AssertionError("plain HTTP must redirect")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 301 and redirect.headers["Location"].startswith("https://127.0.0.1/devices")
    finally:
        nginx.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_install_script_installs_a_verified_unit_and_a_valid_config(tmp_path):
    root = tmp_path / "root"
    result = subprocess.run([str(REPO / "scripts/install.sh"), "--destdir", str(root), "--binary", str(BIN)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    installed = root / "usr/local/bin/yaguts"
    version = subprocess.run([str(installed), "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("yaguts "), version.stderr

    unit = (root / "etc/systemd/system/yaguts.service").read_text()
    for line in ("DynamicUser=yes", "StateDirectory=yaguts", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "Restart=on-failure", "LimitNOFILE=", "ExecStart=/usr/local/lib/yaguts/yaguts serve",
                 "EnvironmentFile=/etc/yaguts/yaguts.conf"):
        assert line in unit, line
    # systemd's own checker, on the unit pointed at the installed copy.
    local = tmp_path / "yaguts.service"
    local.write_text(unit.replace("/usr/local/lib/yaguts", str(root / "usr/local/lib/yaguts"))
                     .replace("EnvironmentFile=/etc", f"EnvironmentFile={root}/etc"))
    verify = subprocess.run([require("systemd-analyze"), "verify", str(local)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr

    # The default configuration, with the unit's data paths, passes check-config.
    env = {"PATH": os.environ["PATH"], "YAGUTS_DATA": str(tmp_path / "state/data"),
           "YAGUTS_BACKUP_DIR": str(tmp_path / "state/backups")}
    check = subprocess.run([str(installed), "check-config", "--config", str(root / "etc/yaguts/yaguts.conf")],
                           capture_output=True, text=True, timeout=30, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "backups every 3600 s, keeping 48" in check.stdout

    # A second install keeps an edited configuration.
    (root / "etc/yaguts/yaguts.conf").write_text("YAGUTS_PORT=9999\n")
    assert subprocess.run([str(REPO / "scripts/install.sh"), "--destdir", str(root), "--binary", str(BIN)],
                          capture_output=True, timeout=120).returncode == 0
    assert (root / "etc/yaguts/yaguts.conf").read_text() == "YAGUTS_PORT=9999\n"
