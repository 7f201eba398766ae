"""The UI as a demanding person uses it: keyboard only, English and pt-BR,
phone and desktop width, with an axe-core audit of every screen and dialog.

axe-core comes from PyPI (`axe-core-python`, pinned in Tests/requirements.txt,
which bundles axe.min.js); it is injected into the page and run there. Any
violation of impact "serious" or "critical" fails the test (colour contrast of
the green and red monitor rows included). Screenshots of every screen go to
test-artifacts/screenshots/ (audit-*.png).

Shares the server, the browser and the selectors with test_ui.py.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from test_ui import (  # noqa: F401  (server and browser are fixtures)
    DESKTOP, PASSWORD, PHONE, S, attr, browser, click, el, fill, gone, server, shot, visible, wait, wait_attr,
)

axe_core_python = pytest.importorskip("axe_core_python")
from axe_core_python.base import AXE_SCRIPT  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


# --------------------------------------------------------------------------
# Audit and keyboard helpers
# --------------------------------------------------------------------------
def audit(d, name: str) -> None:
    """Runs axe on the page as it is (an open dialog included), saves a screenshot, fails on serious/critical."""
    shot(d, f"audit-{name}")
    if not d.execute_script("return typeof window.axe === 'object'"):
        d.execute_script(AXE_SCRIPT)
    result = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then((r) => done(r.violations), (e) => done({error: String(e)}));", AXE_TAGS)
    assert not (isinstance(result, dict) and result.get("error")), f"axe failed on {name}: {result}"
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {name}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:4]}" for v in bad)


def active_id(d) -> str:
    return d.execute_script("return document.activeElement ? document.activeElement.id : ''")


def keys(d, *sequence) -> None:
    ActionChains(d).send_keys(*sequence).perform()


def tab_to(d, css: str, limit: int = 80) -> None:
    """Presses Tab until the focused element matches `css`: proves it is reachable by keyboard."""
    for _ in range(limit):
        if d.execute_script("return document.activeElement && document.activeElement.matches(arguments[0])", css):
            return
        keys(d, Keys.TAB)
    raise AssertionError(f"{css} is not reachable with Tab (stuck at #{active_id(d)})")


def type_into(d, css: str, text: str) -> None:
    """Tabs to a field, clears it with the keyboard and types."""
    tab_to(d, css)
    ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.BACKSPACE).perform()
    if text:
        keys(d, text)


def press(d, css: str) -> None:
    tab_to(d, css)
    keys(d, Keys.ENTER)


def no_console_errors(d, where: str) -> None:
    """No failed request and no script error was logged (a 401/404/405 shows up here as SEVERE)."""
    severe = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, f"console errors on {where}: {severe}"


def only_expected_failure(d, path: str, status: int) -> None:
    """The one failed request logged so far is the refusal the test provoked (the browser logs every 4xx)."""
    logged = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert len(logged) == 1 and path in logged[0] and f"status of {status}" in logged[0], logged


def requested(d) -> list[str]:
    return d.execute_script("return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)")


def click_centered(d, css: str) -> None:
    """Clicks after scrolling the element to the middle (a sticky header may cover the top of the view)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", visible(d, css))
    click(d, css)


def has_text(d, css: str, expected: str, exact: bool = False, timeout: float = 10.0) -> None:
    """Waits for the element's text; live updates may redraw it meanwhile (a stale element is looked up again)."""
    def ok(x):
        text = x.find_element(By.CSS_SELECTOR, css).text.strip()
        return text == expected if exact else expected in text
    wait(d, timeout).until(ok, f"{css} never showed {expected!r}")


def set_language(d, lang: str) -> None:
    Select(el(d, S.lang)).select_by_value(lang)
    wait(d).until(lambda x: x.execute_script("return document.documentElement.lang") == lang)


# --------------------------------------------------------------------------
# English, phone width, keyboard only
# --------------------------------------------------------------------------
def test_keyboard_only_english_phone_with_audit(server, browser):
    d = browser
    d.set_window_size(*PHONE)
    d.get(server.url + "/")
    el(d, S.ready)
    d.execute_script("localStorage.setItem('yaguts.lang', 'en')")
    d.refresh()
    el(d, S.ready)
    visible(d, S.login_email)
    assert d.execute_script("return document.documentElement.lang") == "en"
    audit(d, "phone-en-login")
    # No probing: the login page asks /config only (no /me, no 401, no simulator probe).
    assert "/me" not in requested(d) and "/config" in requested(d)
    no_console_errors(d, "the login page")

    press(d, S.goto_register)
    visible(d, S.register_email)
    # The browser's notion of an email is looser than the server's: the UI says it first, in English.
    type_into(d, S.register_email, "ana@example")
    type_into(d, S.register_password, PASSWORD)
    keys(d, Keys.ENTER)
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, "#register-email-error").text.strip())
    assert el(d, "#register-email-error").text.strip() == "Enter a valid email, like ana@example.com."
    audit(d, "phone-en-register-errors")
    type_into(d, S.register_email, f"kbd-{time.time_ns()}@example.com")
    keys(d, Keys.ENTER)
    visible(d, S.device_new)

    # The empty list says so across the whole width.
    empty = visible(d, "[data-testid='devices-empty']")
    assert empty.size["width"] > PHONE[0] * 0.6, "the empty message must not be squeezed to one side"
    audit(d, "phone-en-devices-empty")

    press(d, S.device_new)
    visible(d, "[data-testid='device-new-dialog']")
    audit(d, "phone-en-new-device-dialog")
    type_into(d, S.device_name_input, "Counter")
    type_into(d, S.device_frascos_input, "2")
    keys(d, Keys.ENTER)

    # Onboarding: token, server address, and the firmware's provisioning line (firmware/README.md's format).
    visible(d, S.token_dialog)
    token = el(d, S.token_value).get_attribute("value")
    assert el(d, "#device-server-url").get_attribute("value") == server.url
    line = el(d, "#device-provisioning").get_attribute("value")
    assert line == (f'{{"wifi_ssid": "WIFI_NAME", "wifi_pass": "WIFI_PASSWORD", '
                    f'"server": "{server.url}", "token": "{token}"}}')
    assert json.loads(line)["token"] == token
    for copy in ("#device-token-value-copy", "#device-server-url-copy", "#device-provisioning-copy"):
        visible(d, copy)
    audit(d, "phone-en-token-dialog")
    press(d, S.token_close)
    wait(d).until(lambda x: re.search(r"#/devices/(\d+)$", x.current_url))
    visible(d, S.frasco.format(i=1))
    wait(d).until(lambda x: active_id(x) == "device-name", "a new page puts focus on its heading")
    assert attr(d, S.device_online, "data-presence") == "offline"
    audit(d, "phone-en-device-page")

    # Refill by keyboard; focus comes back to the Refill button although its card was re-drawn.
    press(d, S.frasco_refill.format(i=0))
    visible(d, S.refill_grams)
    type_into(d, S.refill_grams, "5")
    keys(d, Keys.ENTER)
    wait_attr(d, S.frasco.format(i=0), "data-stock-mg", "5000")
    gone(d, "[data-testid='refill-dialog']")
    wait(d).until(lambda x: active_id(x) == "frasco-0-refill", "focus did not return to the refill button")

    # A capacity, then a refill over it: the server's code is shown in English and grams.
    press(d, S.frasco_edit.format(i=0))
    type_into(d, S.capacity_input, "10")
    keys(d, Keys.ENTER)
    gone(d, "[data-testid='frasco-edit-dialog']")
    wait(d).until(lambda x: active_id(x) == "frasco-0-edit")
    press(d, S.frasco_refill.format(i=0))
    type_into(d, S.refill_grams, "20")
    keys(d, Keys.ENTER)
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, "#refill-grams-error").text.strip())
    assert el(d, "#refill-grams-error").text.strip() == "At most 5 g fits."
    assert "frasco" not in d.find_element(By.CSS_SELECTOR, "[data-testid='refill-dialog']").text.lower()
    audit(d, "phone-en-refill-over-capacity")
    only_expected_failure(d, "/frascos/0/refill", 422)
    keys(d, Keys.ESCAPE)
    gone(d, "[data-testid='refill-dialog']")
    wait(d).until(lambda x: active_id(x) == "frasco-0-refill")

    # The job form warns (does not block) when a job asks more than the bottle holds.
    type_into(d, S.job_item_grams.format(i=0), "8")
    has_text(d, "[data-testid='job-stock-warning-0']",
             "The job asks 8 g from bottle 1, which holds 5 g. The device decides: it dispenses what there is.", exact=True)
    audit(d, "phone-en-job-form-stock-warning")

    # Simulate by keyboard. The simulation is never the real device being online.
    press(d, S.job_simulate)
    job_id = int(visible(d, S.monitor).get_attribute("data-job-id"))
    visible(d, "[data-testid='monitor-simulation']")
    wait_attr(d, S.device_online, "data-presence", "simulating", timeout=10)
    assert attr(d, S.device_online, "data-online") == "false"
    # The jobs list behind the dialog follows the job live.
    wait_attr(d, S.device_job_row.format(id=job_id), "data-status", {"running", "done"}, timeout=15)
    wait_attr(d, S.monitor_status, "data-status", "done", timeout=20)
    # Asked 8 g, dispensed 8 g, but only 5 g were in the bottle: the dialog says what stock really lost.
    detail = "[data-testid='monitor-item-0-detail']"
    wait_attr(d, detail, "data-clamped", "true")
    has_text(d, detail, "asked 8 g, dispensed 8 g, deducted 5 g: the stock ran out", exact=True)
    click(d, S.monitor_keep_open)
    audit(d, "phone-en-monitor-done-clamped")
    keys(d, Keys.ESCAPE)
    gone(d, S.monitor)
    wait(d).until(lambda x: active_id(x) == "job-simulate", "focus did not return to Simulate")

    # After the simulation the real device is still offline, never "seen".
    wait_attr(d, S.device_online, "data-presence", "offline", timeout=10)
    has_text(d, "[data-testid='device-online']", "Offline", exact=True)
    # The history explains the clamp in words and grams.
    has_text(d, S.movements.format(reason="dispense"), "asked 8 g, deducted 5 g: the stock ran out")
    assert attr(d, S.frasco.format(i=0), "data-stock-mg") == "0"
    audit(d, "phone-en-device-after-run")
    no_console_errors(d, "the device page")

    # The device list: presence, stock summary in English plurals.
    press(d, "#nav-devices")
    wait_attr(d, "[data-testid^='device-stock-']", "data-empty", "2")
    has_text(d, "[data-testid^='device-stock-']", "2 bottles empty")
    audit(d, "phone-en-devices")
    no_console_errors(d, "the device list")
    d.set_window_size(*DESKTOP)


# --------------------------------------------------------------------------
# pt-BR, desktop: errors, notes, language switch, token rotation, silence, history
# --------------------------------------------------------------------------
def test_portuguese_desktop_history_silence_and_rotation_with_audit(server, browser):
    d = browser
    from test_ui import create_device, fill_job, refill, sign_up
    sign_up(d, server, f"ptbr-{time.time_ns()}@example.com")
    audit(d, "desktop-pt-devices-empty")
    device_id = create_device(d, "Bancada", 2)
    refill(d, 0, "50", 50_000)
    refill(d, 1, "50", 50_000)

    # An adjustment with a note: the note shows in the history.
    click(d, "#frasco-1-adjust")
    fill(d, "#adjust-grams", "49,5")
    fill(d, "#adjust-note", "pesado na balança")
    click(d, "#adjust-submit")
    wait_attr(d, S.frasco.format(i=1), "data-stock-mg", "49500")
    has_text(d, S.movements.format(reason="adjust"), "pesado na balança")
    # Stock history of one bottle.
    Select(el(d, "#movements-filter")).select_by_value("1")
    wait(d).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "[data-testid='movements'] tr[data-reason]")) == 2)
    wait(d).until(lambda x: all("Frasco 2" in r.text for r in x.find_elements(By.CSS_SELECTOR, "[data-testid='movements'] tr[data-reason]")))
    audit(d, "desktop-pt-device-page")

    # A half-filled job survives a language switch.
    fill_job(d, [(0, "3"), (1, "2,5")])
    set_language(d, "en")
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_run).text.strip() == "Run")
    assert el(d, S.job_item_grams.format(i=0)).get_attribute("value") == "3"
    assert el(d, S.job_item_grams.format(i=1)).get_attribute("value") == "2,5"
    audit(d, "desktop-en-device-page")
    set_language(d, "pt-BR")
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_run).text.strip() == "Executar")

    # A Wi-Fi drop: progress stops, the dialog says since when nothing was heard.
    visible(d, S.job_simulate)
    if el(d, "#sim-options").get_attribute("open") is None:
        click(d, S.sim_summary)
    fill(d, S.sim_delay, "300")
    click(d, "#sim-fail-0")  # a red row next to a green one, for the contrast audit
    click(d, "#sim-wifi-drop")
    Select(el(d, "#sim-drop-at")).select_by_value("1")
    fill(d, "#sim-drop-seconds", "6")
    click(d, S.job_simulate)
    job_id = int(visible(d, S.monitor).get_attribute("data-job-id"))
    # The notice is redrawn every second (its count ticks): read it through a wait.
    visible(d, "[data-testid='monitor-waiting']", timeout=15)
    wait(d).until(lambda x: re.fullmatch(r"Aguardando o dispositivo — ouvido pela última vez há \d+ s\.",
                                         x.find_element(By.CSS_SELECTOR, "[data-testid='monitor-waiting']").text.strip()))
    assert not d.find_elements(By.CSS_SELECTOR, "[data-testid='monitor-device-offline']"), "a simulation is not the device offline"
    audit(d, "desktop-pt-monitor-waiting")
    wait_attr(d, S.monitor_status, "data-status", "done_partial", timeout=30)
    gone(d, "[data-testid='monitor-waiting']")
    # The server's own failure text arrives translated; the ok row says what was dispensed.
    has_text(d, S.monitor_item_error.format(i=0), "falha simulada", exact=True)
    has_text(d, S.monitor_item.format(i=1), "2,5 g dosados")
    audit(d, "desktop-pt-monitor-done-partial")
    click(d, S.monitor_close)
    gone(d, S.monitor)
    wait(d).until(lambda x: active_id(x) == "job-simulate")

    # Rotating the token asks first and says the device will be disconnected.
    click_centered(d, "#device-rotate-token")
    confirm = visible(d, "[data-testid='rotate-confirm']")
    assert "desconectado" in confirm.text
    audit(d, "desktop-pt-rotate-confirm")
    keys(d, Keys.ESCAPE)
    gone(d, "[data-testid='rotate-confirm']")
    wait(d).until(lambda x: active_id(x) == "device-rotate-token")
    click_centered(d, "#device-rotate-token")
    click(d, "#rotate-confirm-yes")
    visible(d, S.token_dialog)
    assert "Endereço do servidor" in el(d, S.token_dialog).text
    click(d, S.token_close)
    gone(d, S.token_dialog)

    # Job history: search and dates; a phone-width look too.
    click(d, "#nav-jobs")
    visible(d, f"[data-testid='job-row-{job_id}']")
    fill(d, "#job-filter-search", f"#{job_id}")
    wait(d).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "[data-testid='job-list'] > li.job-row")) == 1)
    today = d.execute_script("const d = new Date(); const p = (n) => String(n).padStart(2, '0');"
                             "return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`")
    # Dates are asked of the server: up to a day long past finds nothing, up to today finds the job.
    set_date = "const i = document.getElementById(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('change', {bubbles: true}))"
    fill(d, "#job-filter-search", "")
    d.execute_script(set_date, "job-filter-to", "2000-01-01")
    visible(d, "[data-testid='jobs-empty']")
    d.execute_script(set_date, "job-filter-from", today)
    d.execute_script(set_date, "job-filter-to", today)
    visible(d, f"[data-testid='job-row-{job_id}']")
    has_text(d, f"[data-testid='job-row-{job_id}']", "2 itens")
    audit(d, "desktop-pt-jobs")
    d.set_window_size(*PHONE)
    audit(d, "phone-pt-jobs")
    click(d, "#nav-devices")
    visible(d, f"[data-testid='device-row-{device_id}']")
    audit(d, "phone-pt-devices")
    d.set_window_size(*DESKTOP)
    no_console_errors(d, "the pt-BR pages")


# --------------------------------------------------------------------------
# The remaining flows, keyboard only: log out and in, language, adjust, queue
# and cancel a job, rotate the token, search the history and watch a job.
# --------------------------------------------------------------------------
def test_keyboard_only_remaining_flows(server, browser):
    d = browser
    from test_ui import create_device, sign_up
    email = f"keys-{time.time_ns()}@example.com"
    sign_up(d, server, email)
    create_device(d, "Teclado", 2)

    # Log out and back in.
    press(d, S.logout)
    visible(d, S.login_email)
    type_into(d, S.login_email, email)
    type_into(d, S.login_password, "wrong password!")
    keys(d, Keys.ENTER)
    error = visible(d, "[data-testid='login-error']")
    assert error.text.strip() == "E-mail ou senha incorretos."
    only_expected_failure(d, "/auth/login", 401)
    type_into(d, S.login_password, PASSWORD)
    keys(d, Keys.ENTER)
    visible(d, S.device_new)
    press(d, "[data-testid^='device-link-']")
    visible(d, S.frasco.format(i=1))

    # The language, from the keyboard.
    tab_to(d, S.lang)
    keys(d, Keys.ARROW_DOWN)
    wait(d).until(lambda x: x.execute_script("return document.documentElement.lang") == "en")
    # The page re-renders after the switch: wait for the new one, not the old one still showing.
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_run).text.strip() == "Run")
    visible(d, S.frasco.format(i=1))

    # Adjust with a note.
    press(d, "#frasco-1-adjust")
    type_into(d, "#adjust-grams", "7")
    type_into(d, "#adjust-note", "counted")
    keys(d, Keys.ENTER)
    wait_attr(d, S.frasco.format(i=1), "data-stock-mg", "7000")
    wait(d).until(lambda x: active_id(x) == "frasco-1-adjust")
    has_text(d, S.movements.format(reason="adjust"), "counted")

    # Queue a job (no device polls), close the monitor, cancel it from the list.
    type_into(d, S.job_item_grams.format(i=0), "1")
    press(d, S.job_run)
    job_id = int(visible(d, S.monitor).get_attribute("data-job-id"))
    wait_attr(d, S.monitor_status, "data-status", "pending")
    press(d, S.monitor_close)
    gone(d, S.monitor)
    wait(d).until(lambda x: active_id(x) == "job-run")
    press(d, f"#job-{job_id}-cancel")
    wait_attr(d, S.device_job_row.format(id=job_id), "data-status", "cancelled")
    wait(d).until(lambda x: active_id(x) in ("device-jobs-title", f"job-{job_id}-watch"),
                  "focus stays in the list after its row is redrawn")

    # Rotate the token: confirm, see the new onboarding, close.
    press(d, "#device-rotate-token")
    visible(d, "[data-testid='rotate-confirm']")
    assert active_id(d) != "rotate-confirm-yes", "the safe choice has the focus first"
    press(d, "#rotate-confirm-yes")
    visible(d, S.token_dialog)
    press(d, S.token_close)
    gone(d, S.token_dialog)
    wait(d).until(lambda x: active_id(x) in ("device-rotate-token", "device-name"))

    # History: search by number and watch the job from there.
    press(d, "#nav-jobs")
    visible(d, f"[data-testid='job-row-{job_id}']")
    type_into(d, "#job-filter-search", f"#{job_id}")
    wait(d).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "[data-testid='job-list'] > li.job-row")) == 1)
    press(d, f"#job-{job_id}-watch")
    wait_attr(d, S.monitor_status, "data-status", "cancelled")
    audit(d, "desktop-en-monitor-cancelled")
    keys(d, Keys.ESCAPE)
    gone(d, S.monitor)
    wait(d).until(lambda x: active_id(x) == f"job-{job_id}-watch")
    no_console_errors(d, "the keyboard flows")
