"""The JSON API (v1): token auth, JSON errors, a generated OpenAPI document."""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api

from app.api.schemas import ErrorSchema


class DashboardApi(Api):
    """One HTTPException handler for the whole app: JSON under /api/, HTML pages elsewhere.

    The document describes the real error body (`ErrorSchema`) under each status an operation can
    answer (see ApiBlueprint.route), not an undocumented catch-all `default`."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        from app.api.errors import http_error_json
        from app.errors import http_error_page

        if request.path.startswith("/api/"):
            return http_error_json(error)
        return http_error_page(error)


def init_api(app: Flask) -> Api:
    """The API with the kernel's own blueprints; each wing adds its own with `add_api_blueprint`."""
    from app.api import errors
    from app.api.me import blp as me_blp
    from app.messaging.api import blp as messaging_blp
    from app.notifications.api import blp as notifications_blp

    api = DashboardApi(app)
    app.extensions["api"] = api
    for blueprint in (me_blp, notifications_blp, messaging_blp):
        add_api_blueprint(app, blueprint)
    errors.init_app(app)
    return api


def add_api_blueprint(app: Flask, blueprint) -> None:
    """Mount a blueprint under /api/v1; token-authenticated, so never checked for a CSRF token."""
    from app.extensions import csrf

    app.extensions["api"].register_blueprint(blueprint, url_prefix="/api/v1" + blueprint.url_prefix_suffix)
    csrf.exempt(blueprint)
