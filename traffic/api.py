"""Incoming traffic API (SPEC §5.1): telephony webhook, register, the journal, take, attach, ignore."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Id, JsonBool, Moment, Text, column_length
from app.api.paging import newest_first
from app.clock import get_clock
from app.domain.roles import ALL_ROLES, Role
from app.extensions import db
from catalogs.models import CHANNELS
from traffic import service
from traffic.models import DOCUMENT_TYPES, STATUSES, Traffic

blp = Blueprint("api_traffic", __name__, description="Incoming traffic and telephony")
blp.url_prefix_suffix = ""

REGISTER_ROLES = (Role.ADMIN, Role.RECEPTION, Role.CALL_CENTER, Role.SERVICE_ADMIN)
PROCESS_ROLES = (Role.ADMIN, Role.SALES_MANAGER, Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN, Role.CALL_CENTER)


# An http(s) URL, in the document's words, and checked by the server with the same expression: ASCII only
# (RFC 3986 characters, `%` only before two hex digits), so a value the document allows is one the URL
# validator accepts and a valid URI, and the other way round. PBXs live on the intranet: the host may be a bare
# name (`http://pbx/rec/1.wav`), a dotted one or an IPv4 address (no IPv6 literal); only the scheme is fixed.
_URL_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
RECORDING_URL_PATTERN = (rf"^https?://{_LABEL}(?:\.{_LABEL})*\.?"
                         rf"(?::[0-9]{{1,5}})?(?:/{_URL_CHAR}*)?(?:\?(?:{_URL_CHAR}|\?)*)?(?:#(?:{_URL_CHAR}|\?)*)?$")


class CallInSchema(Schema):
    call_id = Text(Traffic.call_id, required=True, min_length=1)
    caller = Text(Traffic.phone, required=True)
    line = Text(Traffic.line, load_default="")
    started_at = Moment(load_default=None, allow_none=True)
    # The pattern alone decides (marshmallow's URL validator refuses some hosts the document allows, «0.a»).
    recording_url = fields.Str(load_default="",
                               validate=[validate.Length(max=column_length(Traffic.recording_url)),
                                         validate.Regexp(RECORDING_URL_PATTERN, error="Not a valid URL.")],
                               metadata={"format": "uri", "pattern": RECORDING_URL_PATTERN})


class CallOutSchema(Schema):
    traffic_id = fields.Int()
    client_id = fields.Int(allow_none=True)


class TrafficInSchema(Schema):
    channel = fields.Str(required=True, validate=validate.OneOf(CHANNELS))
    goal_id = Id(required=True)
    client_id = Id(load_default=None, allow_none=True)
    description = Text(Traffic.description, load_default="")
    phone = Text(Traffic.phone, load_default="")
    car_id = Id(load_default=None, allow_none=True)
    responsible_id = Id(load_default=None, allow_none=True,
                        metadata={"description": "an active employee to notify instead of the goal's specialists"})
    note = Text(max_length=2000, load_default="")
    queue = JsonBool(load_default=False)


class TrafficCreatedSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    notified_user_ids = fields.List(fields.Int())


class TrafficSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    channel = fields.Str()
    goal_id = fields.Int(allow_none=True)
    client_id = fields.Int(allow_none=True)
    description = fields.Str()
    phone = fields.Str()
    status = fields.Str()
    registered_at = fields.DateTime()
    registered_by_id = fields.Int(allow_none=True)
    responsible_id = fields.Int(allow_none=True)
    taken_by_id = fields.Int(allow_none=True)
    taken_at = fields.DateTime(allow_none=True)
    processed_at = fields.DateTime(allow_none=True)
    wait_seconds = fields.Int(allow_none=True)
    processing_seconds = fields.Int(allow_none=True)
    document = fields.Dict(allow_none=True)
    ignore_reason_id = fields.Int(allow_none=True)
    call_id = fields.Str(allow_none=True)
    recording_url = fields.Str()


class JournalArgsSchema(Schema):
    status = fields.Str(load_default=None, validate=validate.OneOf(STATUSES))
    goal_id = Id(load_default=None)
    channel = fields.Str(load_default=None, validate=validate.OneOf(CHANNELS))
    employee_id = Id(load_default=None)
    operator_id = Id(load_default=None)
    from_ = Moment(load_default=None, data_key="from")
    to = Moment(load_default=None)
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.Str(load_default=None, validate=validate.Length(max=200))


class JournalSchema(Schema):
    items = fields.List(fields.Nested(TrafficSchema))
    next = fields.Str(allow_none=True)


class AttachSchema(Schema):
    document_type = fields.Str(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    document_id = Id(required=True)


class IgnoreSchema(Schema):
    reason_id = Id(required=True)
    comment = Text(max_length=2000, load_default="")


def _seconds(start, end) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


def traffic_json(row: Traffic) -> dict:
    return {
        "id": row.id, "number": row.number, "channel": row.channel, "goal_id": row.goal_id,
        "client_id": row.client_id, "description": row.description, "phone": row.phone, "status": row.status,
        "registered_at": row.registered_at, "registered_by_id": row.registered_by_id,
        "responsible_id": row.responsible_id, "taken_by_id": row.taken_by_id, "taken_at": row.taken_at,
        "processed_at": row.processed_at, "wait_seconds": _seconds(row.registered_at, row.taken_at),
        "processing_seconds": _seconds(row.taken_at, row.processed_at),
        "document": {"type": row.document_type, "id": row.document_id} if row.document_type else None,
        "ignore_reason_id": row.ignore_reason_id, "call_id": row.call_id, "recording_url": row.recording_url,
    }


@blp.route("/telephony/calls", methods=["POST"])
@api_roles(*REGISTER_ROLES)
@blp.arguments(CallInSchema)
@blp.response(201, CallOutSchema)
@blp.alt_response(200, schema=CallOutSchema, description="The same `call_id` again: the record it created",
                  success=True)
def telephony_call(data):
    """An IP-PBX reports an incoming call; the same `call_id` again answers 200 with the same record."""
    row, created = service.register_call(db.session, call_id=data["call_id"], caller=data["caller"],
                                         line=data["line"], started_at=data["started_at"],
                                         recording_url=data["recording_url"], clock=get_clock())
    return {"traffic_id": row.id, "client_id": row.client_id}, 201 if created else 200


@blp.route("/traffic", methods=["POST"])
@api_roles(*REGISTER_ROLES)
@blp.arguments(TrafficInSchema)
@blp.response(201, TrafficCreatedSchema)
def register(data):
    """Register a call or a walk-in; answers who was notified."""
    row, notified = service.register(db.session, service.TrafficDraft(**data), actor_id=g.api_user.id,
                                     clock=get_clock())
    return {"id": row.id, "status": row.status, "notified_user_ids": notified}


@blp.route("/traffic")
@api_roles(*ALL_ROLES)
@blp.arguments(JournalArgsSchema, location="query")
@blp.response(200, JournalSchema)
def journal(args):
    """The journal, newest first, keyset-paged (no COUNT)."""
    query = select(Traffic)
    for column, value in ((Traffic.status, args["status"]), (Traffic.goal_id, args["goal_id"]),
                          (Traffic.channel, args["channel"]), (Traffic.taken_by_id, args["employee_id"]),
                          (Traffic.registered_by_id, args["operator_id"])):
        if value is not None:
            query = query.where(column == value)
    if args["from_"] is not None:
        query = query.where(Traffic.registered_at >= args["from_"])
    if args["to"] is not None:
        query = query.where(Traffic.registered_at < args["to"])
    rows, cursor = newest_first(db.session, query, Traffic.registered_at, Traffic.id, limit=args["limit"],
                                cursor=args["cursor"])
    return {"items": [traffic_json(r) for r in rows], "next": cursor}


@blp.route("/traffic/<int:traffic_id>")
@api_roles(*ALL_ROLES)
@blp.response(200, TrafficSchema)
def read(traffic_id: int):
    return traffic_json(service.get_traffic(db.session, traffic_id))


@blp.route("/traffic/<int:traffic_id>/take", methods=["POST"], errors=(409,))
@api_roles(*PROCESS_ROLES)
@blp.response(200, TrafficSchema)
def take(traffic_id: int):
    """«Взять в работу»: 409 «Already taken by …» when someone else was first."""
    return traffic_json(service.take(db.session, traffic_id, user_id=g.api_user.id, clock=get_clock()))


@blp.route("/traffic/<int:traffic_id>/attach", methods=["POST"], errors=(409,))
@api_roles(*PROCESS_ROLES)
@blp.arguments(AttachSchema)
@blp.response(200, TrafficSchema)
def attach(data, traffic_id: int):
    return traffic_json(service.attach(db.session, traffic_id, document_type=data["document_type"],
                                       document_id=data["document_id"], user_id=g.api_user.id, clock=get_clock()))


@blp.route("/traffic/<int:traffic_id>/ignore", methods=["POST"], errors=(409,))
@api_roles(*PROCESS_ROLES)
@blp.arguments(IgnoreSchema)
@blp.response(200, TrafficSchema)
def ignore(data, traffic_id: int):
    return traffic_json(service.ignore(db.session, traffic_id, reason_id=data["reason_id"], comment=data["comment"],
                                       user_id=g.api_user.id, clock=get_clock()))
