"""GET /api/v1/me — the token's user."""

from __future__ import annotations

from flask import g

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.schemas import MeSchema
from app.domain.roles import ALL_ROLES

blp = Blueprint("api_me", __name__, description="The calling user")
blp.url_prefix_suffix = ""


@blp.route("/me")
@api_roles(*ALL_ROLES)
@blp.response(200, MeSchema)
def me():
    """The user the bearer token belongs to, with their role codes."""
    user = g.api_user
    return {"id": user.id, "username": user.username, "roles": sorted(user.role_codes)}
