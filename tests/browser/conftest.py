"""Browser fixtures: a real server process, Debian's Chromium, one browser context per person.

No pytest-playwright (it warns under pytest 9): `sync_playwright()` once per test run, one
server on a fresh SQLite database per test run, fresh session data for each test.
Without /usr/bin/chromium the browser tests are skipped with the reason — failed when CI=true.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.a11y import SCREENSHOTS
from tests.browser.people import OpenPage, SessionData, arrange_session
from tests.browser.server import LiveServer
from tests.conftest import skip_or_fail
from web.clock import utcnow

CHROMIUM = os.environ.get("PASSATION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or run .ci/run)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("browser-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # only this run's screenshots
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser, live_server: LiveServer) -> Iterator[OpenPage]:
    """`open_page(**context_options)`: a page in a new browser context (one per person).

    Fails the test on any JavaScript error or Content-Security-Policy violation in those pages.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)

    def open_(*, javascript: bool = True, **options: object) -> Page:
        options.setdefault("locale", "fr-FR")
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript,
                                      **options)  # type: ignore[arg-type]
        context.passation_no_js = not javascript  # type: ignore[attr-defined] - read by a11y
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "JavaScript errors or CSP violations:\n" + "\n".join(problems)


@pytest.fixture
def exam(live_server: LiveServer) -> SessionData:
    """A fresh session with four enrolled candidates, in the live server's database."""
    assert live_server.engine is not None
    return arrange_session(live_server.engine, utcnow())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("live server log (last lines)", server.log()))
    return report
