"""Leads API (SPEC §5.1): create a lead, read it with its cadence and open call tasks, post lead events."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Id, Int32, Moment, Text
from app.clock import get_clock
from app.domain.roles import Role
from app.extensions import db
from leads import service
from leads.models import Lead

blp = Blueprint("api_leads", __name__, description="Leads, meetings and follow-up cadences")
blp.url_prefix_suffix = ""

READ_ROLES = (Role.ADMIN, Role.CALL_CENTER, Role.SALES_MANAGER, Role.SUPERVISOR)
WRITE_ROLES = (Role.ADMIN, Role.CALL_CENTER, Role.SALES_MANAGER)
API_EVENTS = ("no_meeting_set", "meeting_set", "contact_made", "not_reached", "no_show", "meeting_held")


class LeadInSchema(Schema):
    client_id = Id(required=True)
    interest = Text(Lead.interest, load_default="")
    responsible_id = Id(load_default=None, allow_none=True)


class LeadEventInSchema(Schema):
    type = fields.Str(required=True, validate=validate.OneOf(API_EVENTS))
    at = Moment(load_default=None, allow_none=True)
    employee_id = Id(load_default=None, allow_none=True)
    note = Text(max_length=2000, load_default="")
    objective_reason = Text(max_length=300, load_default="")
    version = Int32(min=1, load_default=None, allow_none=True)


class LeadSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    client_id = fields.Int()
    interest = fields.Str()
    stage = fields.Dict()
    loss_reason = fields.Dict(allow_none=True)
    responsible_id = fields.Int(allow_none=True)
    next_call_at = fields.DateTime(allow_none=True)
    meeting_at = fields.DateTime(allow_none=True)
    meeting_employee_id = fields.Int(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    cadence = fields.Dict(allow_none=True)
    open_tasks = fields.List(fields.Dict())
    version = fields.Int()


def lead_json(lead) -> dict:
    session = db.session
    run = service.current_run(session, lead.id)
    upcoming = service.next_step(session, run)
    cadence = None
    if run is not None:
        cadence = {"code": run.cadence_code, "status": run.status, "step": run.next_step,
                   "next_at": upcoming.due_at.isoformat() if upcoming and not upcoming.waiting_for_task_id else None,
                   "waiting_for_task_id": run.waiting_for_task_id, "stop_reason": run.stop_reason or None,
                   "stop_on_contact": run.stop_on_contact,
                   "paused_until": run.paused_until.isoformat() if run.paused_until else None,
                   "pause_reason": run.pause_reason or None}
    return {
        "id": lead.id, "number": lead.number, "client_id": lead.client_id, "interest": lead.interest,
        "stage": {"code": lead.stage.code, "name": lead.stage.name},
        "loss_reason": {"code": lead.loss_reason.code, "name": lead.loss_reason.name} if lead.loss_reason else None,
        "responsible_id": lead.responsible_id, "next_call_at": lead.next_call_at, "meeting_at": lead.meeting_at,
        "meeting_employee_id": lead.meeting_employee_id, "closed_at": lead.closed_at, "cadence": cadence,
        "open_tasks": [{"id": t.id, "due_at": t.due_at.isoformat(), "purpose": t.purpose, "assignee_id": t.assignee_id}
                       for t in service.open_tasks(session, lead.id)],
        "version": lead.version,
    }


@blp.route("/leads", methods=["POST"])
@api_roles(*WRITE_ROLES)
@blp.arguments(LeadInSchema)
@blp.response(201, LeadSchema)
def create(data):
    lead = service.create_lead(db.session, service.LeadDraft(**data), actor_id=g.api_user.id, clock=get_clock())
    return lead_json(lead)


@blp.route("/leads/<int:lead_id>")
@api_roles(*READ_ROLES)
@blp.response(200, LeadSchema)
def read(lead_id: int):
    return lead_json(service.get_lead(db.session, lead_id))


@blp.route("/leads/<int:lead_id>/events", methods=["POST"], errors=(409,))
@api_roles(*WRITE_ROLES)
@blp.arguments(LeadEventInSchema)
@blp.response(200, LeadSchema)
def post_event(data, lead_id: int):
    """`no_meeting_set` starts the cadence (with `at`, a next call agreed, or `at` and `objective_reason`, it waits
    until then instead of sending the first message); `meeting_set` {at, employee_id}; `contact_made` stops it;
    `not_reached` records the oldest open call task as not reached; `no_show`; `meeting_held`."""
    lead = service.record_event(db.session, lead_id, data["type"], actor_id=g.api_user.id, clock=get_clock(),
                                at=data["at"], employee_id=data["employee_id"], note=data["note"],
                                version=data["version"], objective_reason=data["objective_reason"])
    return lead_json(lead)
