"""Browser tests: the real app served on a free port (CSRF on), driven by Debian's Chromium via Playwright.

The server lives for the whole session; every test starts from a freshly cleaned and seeded database
(predefined rows + demo users), so tests may change data freely and run in any order.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import _clean, database_url, make_test_app

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright waits up to this long for an element / a navigation before failing the test.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def reseed(app) -> None:
    """Empty every table, then install the predefined rows and the demo users and works."""
    from app.extensions import db
    from seed.demo import install_demo
    from seed.predefined import install_predefined
    from tests.factories import DEALER

    with app.app_context():
        _clean(db)
        install_predefined(db.session, **DEALER)
        install_demo(db.session)
        db.session.remove()


@pytest.fixture(scope="session")
def live_app():
    from app.clock import SystemClock
    from app.jobs import RecordingDispatcher

    application = make_test_app(database_url("sqlite"), SystemClock(), RecordingDispatcher(), WTF_CSRF_ENABLED=True)
    reseed(application)  # the app context used for seeding is popped again before serving
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def fresh_data(live_app) -> None:
    """A clean, seeded database for every browser test (each one is free to change data)."""
    reseed(live_app)


@pytest.fixture
def db_session(live_app):
    """A session inside the live app's context, for arranging data and checking results directly."""
    from app.extensions import db

    with live_app.app_context():
        yield db.session
        db.session.remove()


# ----- pytest-playwright configuration


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path) -> dict:
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    return {**browser_context_args, "locale": "ru-RU", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def page(page, live_server):
    """The plugin's page, with our timeouts, and cut off from everything but the live server.

    The «flatly» theme CSS @imports Google Fonts; offline that request hangs for seconds on some page
    loads, and tests must not depend on the internet anyway: anything not served by the app is aborted.
    """
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.route(re.compile(r"^(?!" + re.escape(live_server) + r"/)"), lambda route: route.abort())
    yield page


# ----- helpers


@pytest.fixture
def login(page) -> Callable[..., object]:
    """login("admin") fills the login form and lands on the dashboard home."""
    from seed.demo import DEMO_PASSWORD

    def as_user(username: str = "admin", password: str = DEMO_PASSWORD):
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    return as_user


@pytest.fixture(scope="session")
def screenshot() -> Callable[[object, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
