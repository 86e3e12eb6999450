"""Outgoing messages API: the outbox of a client or lead, and the provider's inbound webhook
(delivery statuses and client replies)."""

from __future__ import annotations

import logging
from functools import wraps

from flask import abort, current_app, request
from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Id, Moment, Text
from app.api.paging import newest_first
from app.api.schemas import PageArgsSchema
from app.clock import get_clock
from app.domain.errors import fail_on
from app.domain.i18n import N_, Message
from app.domain.roles import Role
from app.extensions import db
from app.messaging import inbound as inbound_service
from app.messaging import service
from app.messaging.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_refusal
from app.messaging.models import MESSAGE_CHANNELS, OUTBOX_STATUSES, InboundMessage, OutboxMessage

log = logging.getLogger(__name__)
blp = Blueprint("api_outbox", __name__, description="Outgoing messages and the provider's webhook")
blp.url_prefix_suffix = ""

READ_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.CALL_CENTER, Role.SALES_MANAGER)


class OutboxArgsSchema(PageArgsSchema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    client_id = Id(load_default=None)
    lead_id = Id(load_default=None)


class OutboxItemSchema(Schema):
    id = fields.Int(required=True)
    channel = fields.Str(required=True)
    template_code = fields.Str(allow_none=True, required=True)
    status = fields.Str(required=True, metadata={"enum": list(OUTBOX_STATUSES)})
    created_at = fields.DateTime(required=True)
    client_id = fields.Int(allow_none=True, required=True)
    lead_id = fields.Int(allow_none=True, required=True)
    attempts = fields.Int(required=True)
    next_attempt_at = fields.DateTime(allow_none=True, required=True)
    provider_status = fields.Str(required=True)
    sent_at = fields.DateTime(allow_none=True, required=True)


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxItemSchema), required=True)
    next = fields.Str(allow_none=True, required=True)


class InboundSchema(Schema):
    """What the provider posts. Extra fields of its own are ignored."""

    class Meta:
        unknown = EXCLUDE

    type = fields.Str(required=True, validate=validate.OneOf(("status", "reply")))
    provider_message_id = Text(InboundMessage.provider_message_id, required=True, min_length=1)
    idempotency_key = Text(OutboxMessage.idempotency_key, load_default=None, allow_none=True,
                                 metadata={"description": "status: our key of the message (if the provider id is "
                                                          "unknown to us); reply: the key of the message replied to"})
    status = Text(OutboxMessage.provider_status, load_default=None, allow_none=True, min_length=1,
                        metadata={"description": "delivered, read, failed …"})
    channel = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(MESSAGE_CHANNELS))
    sender = Text(InboundMessage.sender, load_default=None, allow_none=True, data_key="from")
    text = Text(max_length=20000, load_default="")
    received_at = Moment(load_default=None, allow_none=True)



class InboundResultSchema(Schema):
    type = fields.Str(required=True)
    id = fields.Int(required=True, metadata={"description": "the outbox message (status) or the stored reply"})
    status = fields.Str(metadata={"description": "status: our status of the message"})
    provider_status = fields.Str(metadata={"description": "status: the provider's status now recorded"})
    client_id = fields.Int(allow_none=True, metadata={"description": "reply: the client identified, if any"})
    in_reply_to_id = fields.Int(allow_none=True)
    created = fields.Bool(metadata={"description": "reply: false when this reply was already stored"})


def _item(row: OutboxMessage) -> dict:
    return {"id": row.id, "channel": row.channel, "template_code": row.template_code, "status": row.status,
            "created_at": row.created_at, "client_id": row.client_id, "lead_id": row.lead_id,
            "attempts": row.attempts, "next_attempt_at": row.next_attempt_at,
            "provider_status": row.provider_status or "", "sent_at": row.sent_at}


@blp.route("/outbox")
@api_roles(*READ_ROLES)
@blp.arguments(OutboxArgsSchema, location="query")
@blp.response(200, OutboxPageSchema)
def outbox(args):
    """Outgoing messages, newest first, keyset-paged (no COUNT); filter by client and/or lead."""
    query = select(OutboxMessage)
    if args["client_id"] is not None:
        query = query.where(OutboxMessage.client_id == args["client_id"])
    if args["lead_id"] is not None:
        query = query.where(OutboxMessage.lead_id == args["lead_id"])
    rows, cursor = newest_first(db.session, query, OutboxMessage.created_at, OutboxMessage.id,
                                limit=args["limit"], cursor=args["cursor"])
    return {"items": [_item(r) for r in rows], "next": cursor}


def provider_signed(view):
    """Only the messaging provider: a valid `X-Signature` of this very body and a fresh timestamp, made
    with MESSAGE_HTTP_WEBHOOK_SECRET. Staff bearer tokens are not a credential here. Put directly under
    @blp.route, so the signature is checked before the body is parsed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        secret = current_app.config.get("MESSAGE_HTTP_WEBHOOK_SECRET") or ""
        signature, timestamp = request.headers.get(SIGNATURE_HEADER), request.headers.get(TIMESTAMP_HEADER)
        if not signature:
            abort(401, gettext("The call must be signed by the messaging provider (%(header)s).",
                               header=SIGNATURE_HEADER))
        if not secret:
            log.error("messaging webhook refused: MESSAGE_HTTP_WEBHOOK_SECRET is not set")
            abort(403, gettext("The messaging webhook is not configured."))
        problem = webhook_refusal(secret, signature=signature, timestamp=timestamp, body=request.get_data(cache=True),
                                  now=get_clock().now(), max_age=current_app.config["MESSAGE_HTTP_WEBHOOK_MAX_AGE"])
        if problem:
            log.warning("messaging webhook refused from %s: %s", request.remote_addr, problem)
            abort(401, gettext("The call must be signed by the messaging provider (%(header)s).",
                               header=SIGNATURE_HEADER))
        return view(*args, **kwargs)

    return wrapped


WEBHOOK_DOC = {
    "security": [{"providerSignature": []}],
    "parameters": [{
        "in": "header", "name": TIMESTAMP_HEADER, "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
        "description": "Unix seconds when the provider signed the call; part of the signed text. A call more "
                       "than MESSAGE_HTTP_WEBHOOK_MAX_AGE (300) seconds away from now is refused.",
    }],
}


@blp.route("/messaging/inbound", methods=["POST"], errors=(401, 403, 404))
@provider_signed
@blp.doc(**WEBHOOK_DOC)
@blp.arguments(InboundSchema)
@blp.response(200, InboundResultSchema)
@blp.alt_response(201, schema=InboundResultSchema, description="reply: stored now", success=True)
def inbound(data):
    """The provider's webhook, signed with MESSAGE_HTTP_WEBHOOK_SECRET (401 when the signature is missing,
    wrong or stale; 403 when no secret is configured; staff tokens are not accepted).
    `X-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Signature-Timestamp>.<raw body>")>`.
    `status`: a delivery status of one of our messages (404 if unknown).
    `reply`: a client's reply, stored once per `provider_message_id` (201, or 200 with the same id when it
    comes again); a reply from a known client stops the follow-up cadences of their open leads."""
    _require_per_type(data)
    clock = get_clock()
    if data["type"] == "status":
        row = service.record_provider_status(db.session, status=data["status"], clock=clock,
                                             provider_message_id=data["provider_message_id"],
                                             idempotency_key=data["idempotency_key"], at=data["received_at"])
        return {"type": "status", "id": row.id, "status": row.status, "provider_status": row.provider_status}
    reply, created = _store_reply(data, clock)
    result = {"type": "reply", "id": reply.id, "client_id": reply.client_id, "in_reply_to_id": reply.in_reply_to_id,
              "created": created}
    return result, 201 if created else 200


def _require_per_type(data: dict) -> None:
    """What each type needs besides the common fields: a rule of the operation (400 naming the field),
    since the document describes one body for both types."""
    if data["type"] == "status" and not data.get("status"):
        fail_on({"status": Message(N_("A status update needs `status`."))})
    if data["type"] == "reply" and not (data.get("sender") or "").strip():
        fail_on({"from": Message(N_("A reply needs `from` (the client's phone or e-mail)."))})


def _store_reply(data: dict, clock):
    return inbound_service.receive_reply(
        db.session, provider_message_id=data["provider_message_id"], sender=data["sender"], body=data["text"],
        channel=data["channel"], received_at=data["received_at"], in_reply_to_key=data["idempotency_key"],
        clock=clock)
