"""Appeals API (SPEC §5.1): register an appeal; the category may be assigned by a rule."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Id, Text
from app.clock import get_clock
from app.extensions import db
from app.i18n import translate
from appeals import service
from appeals.models import APPEAL_CHANNELS, Appeal
from appeals.rules import APPEAL_ROLES

blp = Blueprint("api_appeals", __name__, description="Appeals (process «Контакт с клиентом»)")
blp.url_prefix_suffix = ""



class AppealInSchema(Schema):
    client_id = Id(required=True)
    channel = fields.Str(required=True, validate=validate.OneOf(APPEAL_CHANNELS))
    category_id = Id(load_default=None, allow_none=True)
    outcome_id = Id(load_default=None, allow_none=True)
    traffic_id = Id(load_default=None, allow_none=True)
    note = Text(max_length=2000, load_default="")


class AppealOutSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    client_id = fields.Int()
    channel = fields.Str()
    category = fields.Dict()
    outcome = fields.Dict(allow_none=True)
    assigned_automatically = fields.Bool()
    rule = fields.Str(allow_none=True)
    reason = fields.Str(allow_none=True)
    process = fields.Dict(allow_none=True)
    registered_at = fields.DateTime()


def appeal_json(row: Appeal) -> dict:
    process = row.service_request
    return {
        "id": row.id, "number": row.number, "client_id": row.client_id, "channel": row.channel,
        "category": {"id": row.category.id, "code": row.category.code, "name": row.category.name},
        "outcome": {"id": row.outcome.id, "code": row.outcome.code, "name": row.outcome.name} if row.outcome else None,
        "assigned_automatically": row.assigned_automatically, "rule": row.rule,
        "reason": translate(row.reason) if row.reason else None,
        "process": {"id": process.id, "number": process.number, "status": process.status,
                    "effect": row.process_effect} if process else None,
        "registered_at": row.registered_at,
    }


@blp.route("/appeals", methods=["POST"])
@api_roles(*APPEAL_ROLES)
@blp.arguments(AppealInSchema)
@blp.response(201, AppealOutSchema)
def register(data):
    """Apply the automatic categories in catalog order; otherwise `category_id` (and its `outcome_id`)."""
    return appeal_json(service.register_appeal(db.session, service.AppealDraft(**data), actor_id=g.api_user.id,
                                               clock=get_clock()))
