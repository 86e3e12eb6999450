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
    from app.api import errors
    from app.api.appeals import blp as appeals_blp
    from app.api.bookings import blp as bookings_blp
    from app.api.catalogs import blp as catalogs_blp
    from app.api.clients import blp as clients_blp
    from app.api.leads import blp as leads_blp
    from app.api.me import blp as me_blp
    from app.api.notifications import blp as notifications_blp
    from app.api.outbox import blp as outbox_blp
    from app.api.traffic import blp as traffic_blp
    from app.extensions import csrf

    api = DashboardApi(app)
    for blueprint in (me_blp, catalogs_blp, clients_blp, bookings_blp, notifications_blp, traffic_blp,
                      appeals_blp, leads_blp, outbox_blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1" + blueprint.url_prefix_suffix)
        csrf.exempt(blueprint)  # token-authenticated, never cookie-authenticated
    errors.init_app(app)
    app.extensions["api"] = api
    return api
