"""Every API error is `{"error": {"code", "message", "fields"}}` with the right status."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from app.domain.errors import DomainError
from app.errors import json_error
from app.i18n import translate

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 422: "unprocessable", 429: "too_many_requests", 500: "server_error"}


def http_error_json(error: HTTPException):
    fields = {}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        for location in messages.values():
            for field, problems in location.items():
                fields[field] = "; ".join(problems) if isinstance(problems, list) else str(problems)
    status = error.code or 500
    message = error.description if status != 401 else "A valid bearer token is required."
    return json_error(status, CODES.get(status, "error"), message, fields)


def _domain(error: DomainError):
    fields = {name: translate(text) for name, text in error.fields.items()}
    return json_error(error.http_status, error.code, translate(error.message, **error.params), fields)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain)
