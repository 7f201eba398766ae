"""Browser tests of issue 11's UI: a re-delivered job is marked in the job
list, and a device's firmware page shows its update attempts — in pt-BR and
in English. The state is made through the HTTP API (as a device would); the
browser only reads it. Waits are on elements, never sleeps."""

from __future__ import annotations

import base64
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_ui import S, browser, click, el, server, shot, sign_up, visible, wait  # noqa: F401  (fixtures)


def call(server, method: str, path: str, token: str, body=None, raw: bytes | None = None,
         content_type: str = "application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(server.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return json.loads(text) if text else None


def test_redelivered_job_and_firmware_attempts_are_shown(server, browser):
    sign_up(browser, server, "ota-ui@example.test")
    # The page keeps no token (issue 10: the HttpOnly cookie alone); WebDriver can read the cookie.
    user_token = browser.get_cookie("yaguts_session")["value"]
    assert user_token
    created = call(server, "POST", "/devices", user_token, {"name": "Balcão", "frascos": 1})
    device_id, device_token = created["device"]["id"], created["device_token"]
    call(server, "POST", f"/devices/{device_id}/frascos/0/refill", user_token, {"amount_mg": 5000})
    job = call(server, "POST", "/jobs", user_token, {"device_id": device_id, "items": [{"frasco_index": 0, "amount_mg": 100}]})["job"]
    # The device takes the job, reboots, and is handed it again.
    assert call(server, "GET", "/devices/me/jobs/next", device_token)["delivery"] == 1
    assert call(server, "GET", "/devices/me/jobs/next", device_token)["delivery"] == 2

    signature = base64.b64encode(bytes.fromhex("3006020101020101")).decode()
    firmware = call(server, "POST", f"/firmware?version=9.9.9&signature={signature}", user_token,
                    raw=b"\x01" * 4096, content_type="application/octet-stream")["firmware"]
    call(server, "POST", "/rollouts", user_token, {"firmware_id": firmware["id"], "device_ids": [device_id]})
    call(server, "POST", "/devices/me/jobs/{}/complete".format(job["id"]), device_token,
         {"execution_logs": [{"position": 0, "frasco_index": 0, "status": "ok", "dispensed_mg": 100}]})
    assert call(server, "POST", "/devices/me/heartbeat", device_token, {"fw_version": "1.0.0", "uptime_s": 1})["update"]
    call(server, "POST", "/devices/me/firmware/status", device_token,
         {"version": "9.9.9", "state": "rolled_back", "error": "no heartbeat after reboot"})

    browser.get(f"{server.url}/#/jobs")
    mark = visible(browser, f"[data-testid='job-{job['id']}-redelivered']")
    assert "Entregue 2×" in mark.text

    browser.get(f"{server.url}/#/devices/{device_id}")
    click(browser, "#device-firmware")
    row = visible(browser, "[data-testid='fw-attempts'] tr[data-state='rolled_back']")
    assert "9.9.9" in row.text and "Revertida" in row.text and "no heartbeat after reboot" in row.text
    assert el(browser, "[data-testid='fw-running']").text == "1.0.0"
    # Its one device rolled back: the abort rule stopped the rollout, so there is no target any more.
    assert el(browser, "[data-testid='fw-target']").text == "nenhuma atualização ativa"
    shot(browser, "firmware-attempts-pt-BR")

    Select(el(browser, S.lang)).select_by_value("en")
    attempt = "[data-testid='fw-attempts'] tr[data-state='rolled_back']"
    wait(browser).until(lambda d: "Rolled back" in d.find_element(By.CSS_SELECTOR, attempt).text,
                        "the attempt in English")
    shot(browser, "firmware-attempts-en")
    browser.get(f"{server.url}/#/jobs")
    assert "Delivered 2×" in visible(browser, f"[data-testid='job-{job['id']}-redelivered']").text
