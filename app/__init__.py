"""Application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from app.clock import Clock, SystemClock


def create_app(test_config: Mapping[str, Any] | None = None, *, clock: Clock | None = None, dispatcher=None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    from app.config import INSTANCE_DIR, Config, rate_limit_storage_uri

    app.config.from_object(Config)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        if app.config.get("TESTING") or app.debug:
            app.config["SECRET_KEY"] = "dev-only-not-secret"
        else:
            raise RuntimeError("SECRET_KEY must be set outside development (see .env.example)")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)

    app.extensions["clock"] = clock or SystemClock()
    app.config["RATELIMIT_STORAGE_URI"] = rate_limit_storage_uri(app.config)

    from app import auth, cli, errors, i18n, input_guard, jobs, security_headers
    from app.api import init_api
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.models import import_all_models

    input_guard.init_app(app)  # before any route is added: the bounded <int:> converter
    import_all_models(app.config["WINGS"])
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(INSTANCE_DIR.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    jobs.init_app(app, dispatcher)
    _register_engines(app)
    _install_session_listeners(app)
    auth.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    init_api(app)
    cli.init_app(app)
    _register_installed(app, (*app.config["WINGS"], *app.config["SITE"]))
    return app


def _register_engines(app: Flask) -> None:
    """The engines the wings plug into: the timer registry, and the outbox's own hooks on it."""
    from app.messaging import service as outbox
    from app.timers import service as timers

    registry = timers.init_app(app)
    outbox.register_with_timers(registry)


def _register_installed(app: Flask, names) -> None:
    """Each installed package plugs itself in by name (Django's INSTALLED_APPS): the wings their timers, timeline
    sources, API blueprints; then the site (`SITE`): the admin, the worker's and the seed's commands. The kernel
    names none of them in an import."""
    from importlib import import_module

    for name in names:
        register = getattr(import_module(name), "register", None)
        if register is not None:
            register(app)


def _install_session_listeners(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from app.audit.service import install_audit_listener
    from app.extensions import db
    from app.services.catalogs import install_deletion_guard
    from app.timers.service import install_dispatch_hooks

    install_audit_listener(db.session)
    install_deletion_guard(db.session)
    install_dispatch_hooks(db.session)

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
