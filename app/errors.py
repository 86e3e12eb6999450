"""Error pages for people and JSON errors for the API, in one place."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.domain.i18n import N_

log = logging.getLogger(__name__)

TITLES = {
    400: N_("Bad request"),
    401: N_("Log in required"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    422: N_("The rules forbid this"),
    503: N_("Service temporarily unavailable"),
    500: N_("Something went wrong"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def render_error(status: int, detail: str | None = None, fields: dict[str, str] | None = None):
    """The error page for people, or the JSON error body under /api/."""
    title = gettext(TITLES.get(status, N_("Error")))
    if wants_json():
        return json_error(status, TITLES.get(status, "Error").lower().replace(" ", "_"), detail or title, fields)
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def http_error_page(error: HTTPException):
    if error.code == 429 or error.code is None or error.code < 400:
        return error
    detail = error.description if error.code == 400 and "CSRF" in (error.description or "") else None
    if detail:
        detail = gettext("The form has expired or was sent from another site. Reload the page and try again.")
    return render_error(error.code, detail)


def _database_unavailable(error: OperationalError):
    from app.extensions import db

    db.session.rollback()
    log.error("database unavailable: %s", error)
    return render_error(503, gettext("The database is not reachable right now. Try again in a minute."))


def _server_error(error: Exception):
    from app.extensions import db

    db.session.rollback()
    log.exception("unhandled error", exc_info=error)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error_page)
    app.register_error_handler(OperationalError, _database_unavailable)
    if not app.config.get("TESTING"):
        app.register_error_handler(Exception, _server_error)
