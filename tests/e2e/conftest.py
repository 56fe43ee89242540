"""Real-server, real-browser fixtures: gunicorn on loopback and Debian's Chromium.

Servers (see tests/harness.py for AppServer):
  server         the session's gunicorn with the seeded demo; `.url`, `.stop()` (SIGTERM),
                 `.kill()` (SIGKILL), `.start()` (same port, same database), `.sql(query)`.
                 Shared by every test: a test that changes data others read, or that
                 counts rows, asks for `fresh_server` instead. A test that stops or kills
                 it need not restart it: the next test gets it running again.
  fresh_server   a gunicorn of its own for one test, on a fresh copy of the seeded demo
                 database (a second or two to start). Failed sign-ins are throttled per
                 address and every browser here is 127.0.0.1, so tests of failed sign-in
                 use it too.
  app_url        the URL of fresh_server when the test asked for it, else of server;
                 the browser contexts below use it as their base URL.
Browsers:
  browser        Debian's Chromium (/usr/bin/chromium), one per session; missing = failure.
  phone          a context: 390x844, mobile, touch, scale 2, service workers allowed.
  tablet         a context: 1024x768, touch.
  devices        makes more contexts: devices.phone(color_scheme="dark", **new_context_args).
  login(page, email, password=..., succeed=True)   signs in through the real /login form.
  screenshot(page, name)                           saves test-artifacts/screenshots/<name>.png.
Contexts wait at most 15 s for anything (context.set_default_timeout to change it).
Every context records console messages, page errors and failed requests in
`context.watch` (see ConsoleWatch); a test fails when one of its pages reported a
Content Security Policy violation. When a test fails, its open pages are saved under
test-artifacts/failures/, and the end of the server's gunicorn log goes into the report.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from harness import DEMO_PASSWORD, AppServer, copy_database, prepare_database

CHROMIUM = Path(os.environ.get("CALLBOARD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
CSP = "Content Security Policy"


def pytest_collection_modifyitems(config, items):
    e2e = Path(__file__).parent
    for item in items:
        if e2e in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
    if report.failed:
        for name in ("server", "fresh_server"):
            app_server = getattr(item, "funcargs", {}).get(name)
            if isinstance(app_server, AppServer):
                report.sections.append((f"gunicorn log of {name}", app_server.log_tail()))
    return report


# Servers ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A migrated, seeded demo database that servers copy (never served itself)."""
    return prepare_database(tmp_path_factory.mktemp("demo") / "callboard.sqlite3")


@pytest.fixture(scope="session")
def server(tmp_path_factory, demo_database):
    """The session's gunicorn running the seeded demo."""
    workdir = tmp_path_factory.mktemp("server")
    app_server = AppServer(workdir, copy_database(demo_database, workdir / "callboard.sqlite3"))
    yield app_server.start()
    app_server.stop()


@pytest.fixture
def fresh_server(tmp_path, demo_database):
    """A gunicorn for this test alone, on a fresh copy of the seeded demo."""
    app_server = AppServer(tmp_path, copy_database(demo_database, tmp_path / "callboard.sqlite3"))
    yield app_server.start()
    app_server.kill()


def _running(request, name: str) -> AppServer:
    app_server = request.getfixturevalue(name)
    if not app_server.running:
        app_server.start()
    return app_server


@pytest.fixture(autouse=True)
def _session_server_running(request):
    """Start the session server again when an earlier test left it stopped."""
    if "server" in request.fixturenames and isinstance(request.getfixturevalue("server"), AppServer):
        _running(request, "server")  # (a module may define a `server` of its own)


@pytest.fixture
def app_url(request) -> str:
    return _running(request, "fresh_server" if "fresh_server" in request.fixturenames else "server").url


# Browsers -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with `make chromium` "
            "(apt-get install -y chromium). Browser tests never skip.",
            pytrace=False,
        )
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class ConsoleWatch:
    """Everything a context's pages and workers reported: console, errors, failed requests."""

    def __init__(self, context: BrowserContext):
        self.messages: list[str] = []
        self.page_errors: list[str] = []
        self.failed_requests: list[str] = []
        context.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        context.on("weberror", lambda e: self.page_errors.append(str(e.error)))
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)

    def _request_failed(self, request) -> None:
        if request.failure != "net::ERR_ABORTED":  # cancelled by the page, e.g. by navigating
            self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_requests.append(f"{response.request.method} {response.url}: {response.status}")

    @property
    def csp_violations(self) -> list[str]:
        """Reports of blocked content, and errors thrown for it (an eval refused by CSP)."""
        return [message for message in self.messages + self.page_errors if CSP in message]

    @property
    def errors(self) -> list[str]:
        """Script errors: console.error and uncaught exceptions (HTTP statuses are not here:
        Chromium logs every 4xx page, a 422 form included; see failed_requests)."""
        return [
            m for m in self.messages if m.startswith("error:") and "Failed to load resource" not in m
        ] + self.page_errors


class Devices:
    """Makes browser contexts shaped like the phones and tablets Callboard runs on."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.contexts: list[BrowserContext] = []

    def new(self, shape: dict, color_scheme: str = "light", **options) -> BrowserContext:
        """Open a context of shape; options go to browser.new_context."""
        settings = {
            "base_url": self.base_url,
            "service_workers": "allow",
            "locale": "en-GB",
            "color_scheme": color_scheme,
            **shape,
            **options,
        }
        context = self.browser.new_context(**settings)
        context.set_default_timeout(15_000)
        context.watch = ConsoleWatch(context)
        self.contexts.append(context)
        return context

    def phone(self, **options) -> BrowserContext:
        return self.new(PHONE, **options)

    def tablet(self, **options) -> BrowserContext:
        return self.new(TABLET, **options)

    def close(self, failed_test: str | None) -> list[str]:
        """Close every context; save open pages when the test failed; return CSP violations."""
        violations = []
        for number, context in enumerate(self.contexts):
            if failed_test:
                for index, page in enumerate(context.pages):
                    _save_failure(page, f"{failed_test}-{number}-{index}")
            violations += context.watch.csp_violations
            context.close()
        return violations


def _save_failure(page: Page, name: str) -> None:
    try:
        page.screenshot(path=ARTIFACTS / "failures" / f"{name}.png", full_page=True, timeout=5_000)
    except Exception:  # a crashed or closed page has nothing to show; the failure is reported anyway
        pass


@pytest.fixture
def devices(browser, app_url, request):
    made = Devices(browser, app_url)
    yield made
    failed = request.node.name if getattr(request.node, "e2e_call_failed", False) else None
    violations = made.close(re.sub(r"[^\w.-]+", "_", failed) if failed else None)
    if violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def phone(devices) -> BrowserContext:
    return devices.phone()


@pytest.fixture
def tablet(devices) -> BrowserContext:
    return devices.tablet()


def login(page: Page, email: str, password: str = DEMO_PASSWORD, *, succeed: bool = True) -> Page:
    """Sign in through the real /login form; assert it worked (or, succeed=False, that it did not)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    signed_in = not page.url.split("?")[0].endswith("/login")
    if signed_in != succeed:
        status = navigation.value.status if navigation.value else "no response"
        raise AssertionError(
            f"sign-in as {email} {'failed' if succeed else 'worked'}: HTTP "
            f"{status} at {page.url}:\n{page.locator('main').inner_text()}"
        )
    return page


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png and return its path."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture(name="screenshot")
def screenshot_fixture():
    return screenshot
