"""Every API error is `{"error": {"code", "message", "fields"}}` with the right status."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException, Unauthorized

from app.domain.errors import DomainError
from app.errors import json_error
from app.i18n import translate

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 422: "unprocessable", 429: "too_many_requests", 500: "server_error"}


def _flatten(problems, prefix: str, into: dict[str, str]) -> None:
    """marshmallow's nested messages ({"works": {0: {"hours": [...]}}}) as {"works.0.hours": "..."}."""
    if isinstance(problems, dict):
        for key, value in problems.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(problems, list | tuple) and not all(isinstance(item, str) for item in problems):
        for index, value in enumerate(problems):
            _flatten(value, f"{prefix}.{index}" if prefix else str(index), into)
    else:
        text = "; ".join(str(p) for p in problems) if isinstance(problems, list | tuple) else str(problems)
        into[prefix or "_body"] = text


def error_fields(messages) -> dict[str, str]:
    """The per-field problems of a webargs error (`{location: {field: [problems]}}`), by dotted field."""
    fields: dict[str, str] = {}
    if isinstance(messages, dict):
        for location in messages.values():
            _flatten(location, "", fields)
    return fields


def http_error_json(error: HTTPException):
    data = getattr(error, "data", None) or {}
    fields = error_fields(data.get("messages") if isinstance(data, dict) else None)
    status = error.code or 500
    message = error.description
    if status == 401 and message == Unauthorized.description:  # a token check's bare abort(401)
        message = "A valid bearer token is required."
    return json_error(status, CODES.get(status, "error"), message, fields)


def _domain(error: DomainError):
    fields = {name: translate(text) for name, text in error.fields.items()}
    return json_error(error.http_status, error.code, translate(error.message, **error.params), fields)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain)
