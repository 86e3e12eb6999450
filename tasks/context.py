"""One app per worker process; jobs run inside its context."""

from __future__ import annotations

from contextlib import contextmanager

_app = None


def set_worker_app(app) -> None:
    global _app
    _app = app


@contextmanager
def app_context():
    """Use the worker's app, or (a job run by hand) the current one, or build one."""
    from flask import current_app, has_app_context

    if has_app_context():
        yield current_app._get_current_object()
        return
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    with _app.app_context():
        yield _app
