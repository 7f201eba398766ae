"""Browser tests of the Yaguts web UI against the real server.

Run (after `swift build -c release`):
    apt-get install chromium chromium-driver && pip install selenium pytest
    pytest -q Tests/browser/test_ui.py

The server is started as `.build/release/yaguts serve --port 0 --simulator --data TMP`
(override the binary with YAGUTS_BIN). Screenshots go to test-artifacts/screenshots/.

Every selector lives in `S` below, so a renamed element is a one-line fix.
Waits are on element states (WebDriverWait), never fixed sleeps.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("YAGUTS_BIN", ROOT / ".build/release/yaguts"))
SHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = (1280, 800)
PHONE = (390, 844)
PASSWORD = "correct horse battery"


# --------------------------------------------------------------------------
# Selectors: the only place that knows the UI's ids and data-testids.
# --------------------------------------------------------------------------
class S:
    ready = "body[data-ready='true']"
    # auth
    goto_register = "#goto-register"
    register_email = "#register-email"
    register_password = "#register-password"
    register_submit = "#register-submit"
    login_email = "#login-email"
    login_password = "#login-password"
    login_submit = "#login-submit"
    logout = "#logout"
    lang = "#lang-select"
    # devices
    device_new = "#device-new"
    device_name_input = "#device-name"
    device_frascos_input = "#device-frascos"
    device_create_submit = "#device-create-submit"
    token_dialog = "[data-testid='device-token-dialog']"
    token_value = "#device-token-value"
    token_close = "#device-token-close"
    # device page
    device_title = "[data-testid='device-name']"
    device_online = "[data-testid='device-online']"
    frasco = "[data-testid='frasco-{i}']"  # carries data-stock-mg
    frasco_refill = "#frasco-{i}-refill"
    frasco_edit = "#frasco-{i}-edit"
    refill_grams = "#refill-grams"
    refill_submit = "#refill-submit"
    ingredient_input = "#frasco-ingredient"
    capacity_input = "#frasco-capacity"
    edit_submit = "#frasco-edit-submit"
    frasco_ingredient = "[data-testid='frasco-{i}-ingredient']"
    movements = "[data-testid='movements'] tr[data-reason='{reason}']"
    # job form
    job_item_frasco = "#job-item-{i}-frasco"
    job_item_grams = "#job-item-{i}-grams"
    job_item_grams_error = "#job-item-{i}-grams-error"
    job_add_item = "#job-add-item"
    job_run = "#job-run"
    job_simulate = "#job-simulate"
    job_form_error = "[data-testid='job-form-error']"
    sim_summary = "#sim-options > summary"
    sim_delay = "#sim-delay-ms"
    sim_fail = "#sim-fail-{i}"
    device_job_row = "[data-testid='device-jobs'] [data-testid='job-row-{id}']"  # carries data-status
    device_job_cancel = "[data-testid='job-{id}-cancel']"
    # monitor dialog
    monitor = "dialog[data-testid='job-monitor']"  # carries data-job-id, data-connection, data-reconnects
    monitor_status = "[data-testid='monitor-status']"  # carries data-status
    monitor_item = "[data-testid='monitor-item-{i}']"  # carries data-status
    monitor_item_error = "[data-testid='monitor-item-{i}-error']"
    monitor_keep_open = "#monitor-keep-open"
    monitor_close = "#monitor-close"


FINAL = {"done", "done_partial", "failed", "cancelled"}


# --------------------------------------------------------------------------
# The server under test
# --------------------------------------------------------------------------
def _drain(stream) -> None:
    while stream.read(4096):
        pass


class YagutsServer:
    """Runs `yaguts serve`; restart() keeps the data directory and the port."""

    def __init__(self, binary: Path, data_dir: Path, log_path: Path):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 20.0) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.binary), "serve", "--port", str(self.port), "--simulator", "--data", str(self.data_dir)],
            stdout=subprocess.PIPE, stderr=log, cwd=self.data_dir.parent,
        )
        line = self._first_line(timeout)
        m = re.match(r"listening on (http://127\.0\.0\.1:(\d+))", line)
        assert m, f"unexpected first line from the server: {line!r}"
        self.url, self.port = m.group(1), int(m.group(2))

    def _first_line(self, timeout: float) -> str:
        assert self.proc and self.proc.stdout
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError(f"server did not announce its address (exit={self.proc.poll()}, got {buf!r})")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                buf += chunk
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=_drain, args=(self.proc.stdout,), daemon=True).start()
        return buf.split(b"\n", 1)[0].decode()

    def stop(self, timeout: float = 15.0) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not shut down on SIGTERM")
        assert code == 0, f"graceful shutdown should exit 0, got {code}"

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="module")
def server():
    if not BINARY.exists():
        pytest.skip(f"{BINARY} not built (swift build -c release)")
    tmp = Path(tempfile.mkdtemp(prefix="yaguts-ui-"))
    srv = YagutsServer(BINARY, tmp / "data", tmp / "server.log")
    (tmp / "data").mkdir()
    srv.start()
    yield srv
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def browser(request):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(driver_path).exists():
        pytest.skip("chromium-driver not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=pt-BR"):
        opts.add_argument(arg)
    # Console messages are read by the audit tests: a failed request on a normal page is a bug.
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_window_size(*DESKTOP)
    yield driver
    report = getattr(request.node, "rep_call", None)  # set by conftest.py
    if report is not None and report.failed:
        shot(driver, f"FAILED-{request.node.name}")
    driver.quit()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def wait(driver, timeout: float = 10.0, poll: float = 0.05) -> WebDriverWait:
    return WebDriverWait(driver, timeout, poll_frequency=poll,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def el(driver, css: str):
    return wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, css))


def visible(driver, css: str, timeout: float = 10.0):
    return wait(driver, timeout).until(lambda d: (e := d.find_element(By.CSS_SELECTOR, css)).is_displayed() and e)


def gone(driver, css: str, timeout: float = 10.0) -> None:
    wait(driver, timeout).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css))


def attr(driver, css: str, name: str):
    """The attribute, or None; a live re-render may replace the element between find and read."""
    try:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].get_attribute(name) if found else None
    except StaleElementReferenceException:
        return None


def wait_attr(driver, css: str, name: str, expected, timeout: float = 10.0) -> None:
    want = expected if isinstance(expected, (set, frozenset)) else {expected}
    wait(driver, timeout).until(lambda d: attr(d, css, name) in want,
                                f"{css} [{name}] never became {want} (last: {attr(driver, css, name)!r})")


def fill(driver, css: str, text: str) -> None:
    e = visible(driver, css)
    e.clear()
    e.send_keys(text)


def click(driver, css: str, timeout: float = 10.0) -> None:
    """Clicks once the element is visible; retries if a live re-render replaced it meanwhile."""
    def attempt(d):
        e = d.find_element(By.CSS_SELECTOR, css)
        if not e.is_displayed():
            return False
        e.click()
        return True
    wait(driver, timeout).until(attempt, f"could not click {css}")


def stock_mg(driver, i: int) -> int:
    return int(attr(driver, S.frasco.format(i=i), "data-stock-mg"))


def sign_up(driver, server, email: str) -> None:
    driver.get(server.url + "/")
    el(driver, S.ready)
    # The UI follows an English browser; the tests read Portuguese labels, so choose it.
    Select(el(driver, S.lang)).select_by_value("pt-BR")
    click(driver, S.goto_register)
    fill(driver, S.register_email, email)
    fill(driver, S.register_password, PASSWORD)
    click(driver, S.register_submit)
    visible(driver, S.device_new)


def create_device(driver, name: str, frascos: int) -> int:
    click(driver, S.device_new)
    fill(driver, S.device_name_input, name)
    fill(driver, S.device_frascos_input, str(frascos))
    click(driver, S.device_create_submit)
    visible(driver, S.token_dialog)
    token = el(driver, S.token_value).get_attribute("value")
    assert len(token) >= 32, "a device token of at least 256 bits is expected"
    click(driver, S.token_close)
    wait(driver).until(lambda d: re.search(r"#/devices/(\d+)$", d.current_url))
    device_id = int(re.search(r"#/devices/(\d+)$", driver.current_url).group(1))
    for i in range(frascos):
        visible(driver, S.frasco.format(i=i))
    return device_id


def refill(driver, i: int, grams: str, expected_mg: int) -> None:
    click(driver, S.frasco_refill.format(i=i))
    fill(driver, S.refill_grams, grams)
    click(driver, S.refill_submit)
    wait_attr(driver, S.frasco.format(i=i), "data-stock-mg", str(expected_mg))


def fill_job(driver, items: list[tuple[int, str]]) -> None:
    """Makes the job form hold exactly `items` (frasco index, grams text)."""
    remove = "[data-testid='job-item-{i}-remove']"
    rows = lambda: len(driver.find_elements(By.CSS_SELECTOR, "[data-testid='job-items'] > li"))  # noqa: E731
    while rows() > len(items):
        click(driver, remove.format(i=rows() - 1))
    for n, (frasco, grams) in enumerate(items):
        if rows() <= n:
            click(driver, S.job_add_item)
        Select(visible(driver, S.job_item_frasco.format(i=n))).select_by_value(str(frasco))
        fill(driver, S.job_item_grams.format(i=n), grams)


def simulate(driver, delay_ms: int, fail: list[int]) -> int:
    """Sets the simulation options, presses Simular, returns the job id shown by the monitor."""
    visible(driver, S.job_simulate)  # appears only when the server runs its simulator
    details = el(driver, "#sim-options")
    if details.get_attribute("open") is None:
        click(driver, S.sim_summary)
    fill(driver, S.sim_delay, str(delay_ms))
    for box in driver.find_elements(By.CSS_SELECTOR, "input[id^='sim-fail-']"):
        index = int(box.get_attribute("id").rsplit("-", 1)[1])
        if box.is_selected() != (index in fail):
            box.click()
    click(driver, S.job_simulate)
    return int(visible(driver, S.monitor).get_attribute("data-job-id"))


def item_status(driver, i: int):
    return attr(driver, S.monitor_item.format(i=i), "data-status")


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------
def test_run_job_live_partial_failure_stock_and_server_restart(server, browser):
    d = browser
    sign_up(d, server, f"ops-{time.time_ns()}@example.com")
    shot(d, "desktop-devices-empty")

    device_id = create_device(d, "Bancada 1", 3)
    assert attr(d, S.device_online, "data-online") == "false"

    # Name the first frasco (edit) and refill all three to 100 g.
    click(d, S.frasco_edit.format(i=0))
    fill(d, S.ingredient_input, "Açúcar")
    fill(d, S.capacity_input, "500")
    click(d, S.edit_submit)
    wait(d).until(lambda x: "Açúcar" in x.find_element(By.CSS_SELECTOR, S.frasco_ingredient.format(i=0)).text)
    for i in range(3):
        refill(d, i, "100", 100_000)
    wait(d).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, S.movements.format(reason="refill"))) == 3)

    # A job of three frascos; the second fails; 700 ms per frasco.
    fill_job(d, [(0, "10"), (1, "5"), (2, "2,5")])
    shot(d, "desktop-device-page")
    job_id = simulate(d, delay_ms=700, fail=[1])
    assert job_id > 0

    # Live: green, then red, then green — each seen while later ones are still open.
    wait(d, 20).until(lambda x: item_status(x, 0) == "ok")
    assert item_status(d, 2) in ("pending", "dispensing"), "frasco 3 must not be done when frasco 1 turns green"
    assert attr(d, S.monitor_status, "data-status") not in FINAL
    wait(d, 20).until(lambda x: item_status(x, 1) == "failed")
    assert item_status(d, 2) in ("pending", "dispensing"), "frasco 3 must not be done when frasco 2 turns red"
    visible(d, S.monitor_item_error.format(i=1))
    wait(d, 20).until(lambda x: item_status(x, 2) == "ok")
    wait_attr(d, S.monitor_status, "data-status", "done_partial", timeout=20)
    ended = time.monotonic()
    shot(d, "desktop-monitor-done-partial")

    # Closes by itself about 5 s after the end.
    gone(d, S.monitor, timeout=12)
    elapsed = time.monotonic() - ended
    assert 3.5 <= elapsed <= 9, f"dialog closed after {elapsed:.1f}s, expected about 5s"

    # Stock dropped by exactly the ok amounts (failed frasco untouched).
    wait_attr(d, S.frasco.format(i=0), "data-stock-mg", "90000")
    wait_attr(d, S.frasco.format(i=2), "data-stock-mg", "97500")
    assert stock_mg(d, 1) == 100_000
    wait(d).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, S.movements.format(reason="dispense"))) == 2)
    wait_attr(d, S.device_job_row.format(id=job_id), "data-status", "done_partial")

    # Phone width from here on; the monitor is kept open so it can be photographed when done.
    d.set_window_size(*PHONE)
    shot(d, "phone-device-page")
    fill_job(d, [(0, "1"), (1, "1"), (2, "1")])
    job2 = simulate(d, delay_ms=1500, fail=[])
    click(d, S.monitor_keep_open)
    wait(d, 20).until(lambda x: item_status(x, 0) == "ok")

    # Restart the server mid-job: same data, same port. The dialog reconnects and finishes.
    server.restart()
    wait(d, 30).until(lambda x: int(attr(x, S.monitor, "data-reconnects") or 0) >= 1,
                      "the monitor never reconnected after the server restart")
    wait_attr(d, S.monitor_status, "data-status", "done", timeout=60)
    assert [item_status(d, i) for i in range(3)] == ["ok", "ok", "ok"]
    shot(d, "phone-monitor-done-after-restart")
    assert attr(d, S.monitor, "data-job-id") == str(job2)

    # "Keep open" holds the dialog past the 5 s; closing is by hand.
    time_done = time.monotonic()
    wait(d, 8).until(lambda x: time.monotonic() - time_done > 6.5 or not x.find_elements(By.CSS_SELECTOR, S.monitor))
    assert d.find_elements(By.CSS_SELECTOR, S.monitor), "keep open was ticked: the dialog must stay"
    click(d, S.monitor_close)
    gone(d, S.monitor)
    wait_attr(d, S.frasco.format(i=0), "data-stock-mg", "89000")
    wait_attr(d, S.frasco.format(i=1), "data-stock-mg", "99000")
    wait_attr(d, S.frasco.format(i=2), "data-stock-mg", "96500")
    d.set_window_size(*DESKTOP)


def test_executar_queues_job_that_can_be_cancelled(server, browser):
    d = browser
    sign_up(d, server, f"queue-{time.time_ns()}@example.com")
    create_device(d, "Sem rede", 2)
    refill(d, 0, "50", 50_000)
    fill_job(d, [(0, "5")])
    click(d, S.job_run)  # no device is polling: the job waits in the queue
    job_id = int(visible(d, S.monitor).get_attribute("data-job-id"))
    wait_attr(d, S.monitor_status, "data-status", "pending")
    shot(d, "desktop-monitor-pending")
    click(d, S.monitor_close)
    gone(d, S.monitor)
    click(d, S.device_job_cancel.format(id=job_id))
    wait_attr(d, S.device_job_row.format(id=job_id), "data-status", "cancelled")
    assert stock_mg(d, 0) == 50_000
    # Signed in by the HttpOnly cookie alone: no token in page storage or in
    # document.cookie, and the page ran under the CSP (no inline script).
    assert d.execute_script("return JSON.stringify(Object.assign({}, sessionStorage, localStorage))").find("token") == -1
    assert "yaguts_session" not in d.execute_script("return document.cookie")


def test_validation_errors_sit_next_to_inputs_and_language_switch(server, browser):
    d = browser
    sign_up(d, server, f"lang-{time.time_ns()}@example.com")
    create_device(d, "Idiomas", 2)
    fill_job(d, [(0, "0"), (1, "abc")])
    click(d, S.job_run)
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_item_grams_error.format(i=0)).text.strip())
    assert el(d, S.job_item_grams.format(i=0)).get_attribute("aria-invalid") == "true"
    assert el(d, S.job_item_grams.format(i=1)).get_attribute("aria-invalid") == "true"
    assert not d.find_elements(By.CSS_SELECTOR, S.monitor), "nothing is sent when the form is invalid"
    assert el(d, S.job_run).text.strip() == "Executar"

    Select(el(d, S.lang)).select_by_value("en")
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_run).text.strip() == "Run")
    d.refresh()
    el(d, S.ready)
    wait(d).until(lambda x: x.find_element(By.CSS_SELECTOR, S.job_run).text.strip() == "Run")  # remembered

    click(d, S.logout)
    visible(d, S.login_email)
    fill(d, S.login_email, "nobody@example.com")
    fill(d, S.login_password, "wrong password!")
    click(d, S.login_submit)
    visible(d, "[data-testid='login-error']")
