"""GET /api/v1/notifications — the calling user's unread notifications."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.domain.roles import ALL_ROLES
from app.extensions import db
from app.i18n import translate
from app.notifications.service import message_of, recent

blp = Blueprint("api_notifications", __name__, description="Notifications")
blp.url_prefix_suffix = "/notifications"


class NotificationSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    text = fields.Str()
    target = fields.Dict(allow_none=True)
    created_at = fields.DateTime()


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))


@blp.route("")
@api_roles(*ALL_ROLES)
@blp.response(200, NotificationListSchema)
def active():
    """Unread notifications, newest first."""
    items = [n for n in recent(db.session, g.api_user.id, limit=100) if n.read_at is None]
    return {"items": [{"id": n.id, "kind": n.kind, "text": translate(message_of(n)),
                       "target": {"type": n.target_type, "id": n.target_id} if n.target_type else None,
                       "created_at": n.created_at} for n in items]}
