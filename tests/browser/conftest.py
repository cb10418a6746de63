"""Browser-test fixtures: Debian Chromium driven by Playwright, and an ASGI
server (web pages and WebSockets) in a thread of the test process, so it
shares the test database."""

import socket
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# The real Janus and coturn servers (rooms/tests/media_servers.py), registered
# here once for every browser test module: a session fixture aliased in two
# modules is two fixtures, and started twice.
from rooms.tests.media_servers import janus_server, sfu, spare_janus, turn_server  # noqa: F401 - fixtures

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MEDIA_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
]


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwrights_event_loop():
    """Playwright's sync API runs an event loop in the test thread, so Django
    takes the browser tests' own ORM calls (synchronous, and safe there) for
    calls from async code. Allowed once a browser test runs, until the test
    database is torn down after the browser: everywhere else (the other
    pytest process, `make test` runs two) a sync ORM call from async code
    fails, as it should."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS
    )
    yield browser
    browser.close()


def watch_csp(page) -> list[str]:
    """Collects the Content Security Policy violations the page reports, and
    any complaint about the Permissions-Policy header (an unknown feature)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text)
        if "Content Security Policy" in msg.text or "Permissions-Policy" in msg.text else None,
    )
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp_violations = watch_csp(page)
    yield page
    context.close()
    assert csp_violations == [], "the page broke the Content Security Policy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _AsgiServer:
    def __init__(self):
        import uvicorn

        from wellbeing.asgi import application

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.server.run()
        except OSError:
            # uvloop's close can report EBUSY for handles channels_redis still
            # holds once the server has stopped; only a failure while serving counts.
            if not self.server.should_exit:
                raise

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the ASGI server did not start")
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def asgi_server(transactional_db, settings):
    """A real ASGI server (HTTP and WebSockets) on a free port: `.url`."""
    server = _AsgiServer()
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = [server.url]  # its pages may open its WebSockets
    server.start()
    yield server
    server.stop()


AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# WCAG 2.2 level A and AA, as axe-core tags them.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """Runs axe-core in the page; returns violations of WCAG 2.2 A/AA."""
    # Evaluated through the DevTools protocol, which the page's Content
    # Security Policy rightly does not allow as an inline <script>.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def wait_until(page, predicate: str, *, timeout: float = 10_000, polling: float = 250):
    """Evaluate `predicate` (a page function or expression, which may return
    a Promise) until its result is truthy; returns it. For async checks such
    as getStats(): Playwright's wait_for_function takes a returned Promise
    for true at once, so it would check nothing."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        result = page.evaluate(predicate)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout / 1000:g} s: {predicate[-160:]}")
        time.sleep(polling / 1000)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def sign_in(page, base_url: str, user, password: str = "correct-horse-battery") -> None:
    """Signs in through the real login form, and its two-factor step for
    facilitators and admins."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    if "/accounts/2fa/authenticate/" in page.url:
        from accounts.tests.factories import current_totp_code

        page.get_by_label("Code").fill(current_totp_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Sign In").click()
