"""Browser tests of issue 12's UI flows (headless Chromium against the real
server): an abort seen live in the progress dialog and an expired job shown as
such. Helpers and the server fixture come from test_ui.py."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from test_ui import (BINARY, S, YagutsServer, attr, browser, click, create_device, el, fill, fill_job, gone,  # noqa: F401
                     item_status, refill, shot, sign_up, simulate, visible, wait, wait_attr)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from webhook_receiver import Receiver  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """Like test_ui's server, with webhooks to 127.0.0.1 allowed and retried within a second."""
    if not BINARY.exists():
        pytest.skip(f"{BINARY} not built (swift build -c release)")
    tmp = Path(tempfile.mkdtemp(prefix="yaguts-ui-ops-"))
    (tmp / "data").mkdir()
    srv = YagutsServer(BINARY, tmp / "data", tmp / "server.log")
    saved = dict(os.environ)
    os.environ.update({"YAGUTS_WEBHOOKS_ALLOW_PRIVATE": "1", "YAGUTS_WEBHOOK_MAX_BACKOFF": "1"})
    try:
        srv.start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield srv
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def api_call(server, driver, method: str, path: str, body=None):
    """Calls the API as the signed-in browser user (its session is the HttpOnly cookie, which
    the page's scripts cannot read but the test's driver can)."""
    token = driver.get_cookie("yaguts_session")["value"]
    request = urllib.request.Request(server.url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read() or b"null")


def test_abort_mid_job_seen_live_in_the_progress_dialog(server, browser):
    d = browser
    sign_up(d, server, f"abort-{time.time_ns()}@example.com")
    create_device(d, "Abortar", 3)
    for i in range(3):
        refill(d, i, "100", 100_000)
    fill_job(d, [(0, "10"), (1, "10"), (2, "10")])
    # 5 s per bottle: the abort lands while the first one runs, however slow the machine.
    job_id = simulate(d, delay_ms=5000, fail=[])
    click(d, S.monitor_keep_open)
    wait(d, 20).until(lambda x: item_status(x, 0) in ("dispensing", "ok"))
    click(d, "[data-testid='monitor-abort']")
    visible(d, "[data-testid='monitor-abort-requested']")
    wait_attr(d, S.monitor_status, "data-status", {"done_partial", "failed"}, timeout=30)
    # The last bottle never started: reported failed with "aborted", and not deducted.
    assert item_status(d, 2) == "failed"
    assert el(d, S.monitor_item_error.format(i=2)).text.strip() == "Interrompido (abortado)"
    shot(d, "desktop-monitor-aborted")
    job = api_call(server, d, "GET", f"/jobs/{job_id}")["job"]
    assert job["abort_requested"] is True and job["items"][2]["error"] == "aborted"
    click(d, S.monitor_close)
    wait_attr(d, S.frasco.format(i=2), "data-stock-mg", "100000")


def test_expired_job_is_shown_as_expired(server, browser):
    d = browser
    sign_up(d, server, f"expiry-{time.time_ns()}@example.com")
    device_id = create_device(d, "Offline", 1)
    job = api_call(server, d, "POST", "/jobs", {"device_id": device_id, "items": [{"frasco_index": 0, "amount_mg": 500}],
                                                "expires_in_s": 1})["job"]
    d.get(server.url + "/#/jobs?status=expired")
    # The maintenance sweep (every 5 s) marks it; the list is reloaded until it shows.
    def shown(x):
        if attr(x, f"[data-testid='job-row-{job['id']}']", "data-status") == "expired":
            return True
        x.refresh()
        return False
    wait(d, 30, poll=1).until(shown)
    badge = el(d, f"[data-testid='job-row-{job['id']}'] [data-status='expired']")
    assert badge.text.strip() == "Expirado"
    shot(d, "desktop-jobs-expired")
    # The account's default expiry is set on the same page.
    fill(d, "#default-expiry-min", "90")
    click(d, "#default-expiry-save")
    wait(d).until(lambda x: api_call(server, x, "GET", "/account/settings")["settings"]["default_job_expires_in_s"] == 5400)


def edit_ingredient(d, i: int, name: str) -> None:
    click(d, S.frasco_edit.format(i=i))
    fill(d, S.ingredient_input, name)
    click(d, S.edit_submit)
    wait(d).until(lambda x: name in x.find_element(By.CSS_SELECTOR, S.frasco_ingredient.format(i=i)).text)


def test_recipe_run_end_to_end_with_the_simulator_and_rerun_failed(server, browser):
    d = browser
    sign_up(d, server, f"recipe-{time.time_ns()}@example.com")
    device_id = create_device(d, "Bar", 2)
    edit_ingredient(d, 0, "Açúcar")
    edit_ingredient(d, 1, "Limão")
    refill(d, 0, "100", 100_000)
    refill(d, 1, "100", 100_000)

    # A recipe: 1,5 g of sugar and 2 g of lime per serving.
    click(d, "#nav-recipes")
    fill(d, "#recipe-name", "Caipirinha")
    fill(d, "#recipe-item-0-ingredient", "acucar")  # matched without case or accents
    fill(d, "#recipe-item-0-grams", "1,5")
    click(d, "#recipe-add-item")
    fill(d, "#recipe-item-1-ingredient", "Limão")
    fill(d, "#recipe-item-1-grams", "2")
    click(d, "#recipe-save")
    visible(d, "[data-testid^='recipe-'][data-testid$='-name']")
    shot(d, "desktop-recipes")

    # Run it on the device, two servings, with the simulator.
    d.get(f"{server.url}/#/devices/{device_id}")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, "#recipe-run-select option[value]:not([value=''])"))
    fill(d, "#recipe-run-servings", "2")
    click(d, "#recipe-simulate")
    job_id = int(visible(d, S.monitor).get_attribute("data-job-id"))
    wait_attr(d, S.monitor_status, "data-status", "done", timeout=30)
    click(d, S.monitor_close)
    wait_attr(d, S.frasco.format(i=0), "data-stock-mg", "97000")
    wait_attr(d, S.frasco.format(i=1), "data-stock-mg", "96000")
    assert [(i["frasco_index"], i["amount_mg"]) for i in api_call(server, d, "GET", f"/jobs/{job_id}")["job"]["items"]] == \
        [(0, 3_000), (1, 4_000)]

    # A job whose second bottle fails; "re-run failed bottles" makes a job of just that one.
    fill_job(d, [(0, "1"), (1, "2")])
    gone(d, "[data-testid='toast']")  # a toast over the simulation options would take the click
    partial = simulate(d, delay_ms=100, fail=[1])
    wait_attr(d, S.monitor_status, "data-status", "done_partial", timeout=30)
    click(d, S.monitor_close)
    click(d, f"[data-testid='job-{partial}-rerun']")
    rerun = int(wait(d).until(lambda x: (m := x.find_element(By.CSS_SELECTOR, S.monitor)).get_attribute("data-job-id") != str(partial)
                              and m.get_attribute("data-job-id")))
    items = api_call(server, d, "GET", f"/jobs/{rerun}")["job"]["items"]
    assert [(i["frasco_index"], i["amount_mg"]) for i in items] == [(1, 2_000)]
    shot(d, "desktop-rerun-failed")


def test_low_stock_webhook_reaches_a_test_receiver(server, browser):
    d = browser
    receiver = Receiver().start()
    try:
        sign_up(d, server, f"hooks-{time.time_ns()}@example.com")
        device_id = create_device(d, "Alerta", 1)
        refill(d, 0, "10", 10_000)
        # Alert below 8 g.
        click(d, f"#frasco-0-low-stock")
        fill(d, "#low-stock-grams", "8")
        click(d, "#low-stock-submit")
        wait_attr(d, "#frasco-0-low-stock", "data-low-stock-mg", "8000")

        # A webhook for stock.low only, then its test event.
        click(d, "#nav-webhooks")
        fill(d, "#webhook-url", receiver.url)
        fill(d, "#webhook-secret", "a-secret-of-sixteen+")
        for event in ("job.completed", "job.expired", "device.offline", "device.online"):
            click(d, f"[data-testid='webhook-event-{event}']")
        click(d, "#webhook-save")
        test_button = visible(d, "[data-testid^='webhook-'][data-testid$='-test']")
        test_button.click()
        assert receiver.next()["json"]["type"] == "webhook.test"
        shot(d, "desktop-webhooks")

        # A simulated job takes the frasco from 10 g to 7 g: below 8 g.
        d.get(f"{server.url}/#/devices/{device_id}")
        fill_job(d, [(0, "3")])
        gone(d, "[data-testid='toast']")
        simulate(d, delay_ms=100, fail=[])
        wait_attr(d, S.monitor_status, "data-status", "done", timeout=30)
        low = receiver.next()
        assert low["json"]["type"] == "stock.low"
        assert low["json"]["data"]["stock_mg"] == 7_000 and low["json"]["data"]["low_stock_mg"] == 8_000
        click(d, S.monitor_close)
        visible(d, "[data-testid='frasco-0-below-alert']")

        # The delivery log shows both as delivered.
        d.get(f"{server.url}/#/webhooks")
        click(d, "[data-testid^='webhook-'][data-testid$='-log']")
        wait(d, 20).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "[data-testid='webhook-deliveries'] tr[data-state='delivered']")) == 2
                          or (x.find_element(By.CSS_SELECTOR, "[data-testid='webhook-log-refresh']").click() and False))
    finally:
        receiver.stop()


def test_rename_telemetry_chart_audit_page_and_remove(server, browser):
    d = browser
    sign_up(d, server, f"audit-{time.time_ns()}@example.com")
    device_id = create_device(d, "Velho", 1)
    click(d, "#device-rename")
    fill(d, "#device-rename-name", "Novo nome")
    click(d, "#device-rename-submit")
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.device_title).text == "Novo nome")
    # The device sends one heartbeat with telemetry; the chart draws it.
    token = api_call(server, d, "POST", f"/devices/{device_id}/token")["device_token"]
    request = urllib.request.Request(server.url + "/devices/me/heartbeat", method="POST",
                                     data=json.dumps({"fw_version": "1.0", "uptime_s": 5, "rssi": -58, "free_heap": 120_000}).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    click(d, "[data-testid='telemetry-refresh']")
    wait_attr(d, "[data-testid='telemetry-rssi']", "data-points", "1")
    assert "-58 dBm" in el(d, "[data-testid='telemetry-rssi']").text
    shot(d, "desktop-device-telemetry")
    # The audit page lists what was done, newest first.
    click(d, "#nav-audit")
    wait(d).until(lambda x: x.find_elements(By.CSS_SELECTOR, "[data-testid='audit-entries'] tr[data-action='device.rename']"))
    actions = [r.get_attribute("data-action") for r in d.find_elements(By.CSS_SELECTOR, "[data-testid='audit-entries'] tr")]
    assert actions[:3] == ["device.token_rotate", "device.rename", "device.create"]
    shot(d, "desktop-audit")
    # Remove the device: back to the list, where it is gone.
    d.get(f"{server.url}/#/devices/{device_id}")
    click(d, "#device-delete")
    click(d, "#device-delete-confirm-yes")
    wait(d).until(lambda x: x.current_url.endswith("#/devices"))
    assert not d.find_elements(By.CSS_SELECTOR, f"a[href='#/devices/{device_id}']")
