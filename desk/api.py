"""Bookings and the confirmation desk (SPEC §5.1): create, read, the day's desk, calls, cancel."""

from __future__ import annotations

from datetime import date

from flask import abort, g
from marshmallow import Schema, fields, validate

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Amount, Day, Id, Int32, Moment, Text
from app.clock import get_clock
from app.domain.roles import Role
from app.extensions import db
from desk import service as desk
from desk.models import Booking, BookingWork
from desk.rules import (
    ARRIVAL_ROLES,
    CALL_ROLES,
    NOT_REACHED_REASONS,
    OUTCOMES,
    UNSPECIFIED_REASON,
    CallInput,
    WorkLine,
)

blp = Blueprint("api_bookings", __name__, description="Service bookings and the visit-confirmation desk")
blp.url_prefix_suffix = ""

READ_ROLES = (Role.ADMIN, Role.SERVICE_ADMIN, Role.SERVICE_ADVISOR, Role.RECEPTION, Role.CALL_CENTER,
              Role.SUPERVISOR)
WRITE_ROLES = (Role.ADMIN, Role.SERVICE_ADMIN, Role.SERVICE_ADVISOR, Role.RECEPTION, Role.CALL_CENTER)


MAX_WORKS = 100


class WorkSchema(Schema):
    work_id = Id(load_default=None, allow_none=True)
    name = Text(BookingWork.name, load_default="")
    hours = Amount(BookingWork.hours, required=True)
    price = Amount(BookingWork.price, required=True)


class BookingInSchema(Schema):
    client_id = Id(required=True)
    car_id = Id(load_default=None, allow_none=True)
    advisor_id = Id(load_default=None, allow_none=True)
    start_at = Moment(required=True)
    phone = Text(Booking.phone, load_default="")
    works = fields.List(fields.Nested(WorkSchema), load_default=list, validate=validate.Length(max=MAX_WORKS))
    note = Text(max_length=5000, load_default="")


class ConfirmationSchema(Schema):
    state = fields.Str()
    failed_attempts = fields.Int()
    next_contact_at = fields.DateTime(allow_none=True)


class ReasonSchema(Schema):
    id = fields.Int()
    code = fields.Str(allow_none=True)
    name = fields.Str()


class BookingOutSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    client_id = fields.Int()
    car_id = fields.Int(allow_none=True)
    advisor_id = fields.Int(allow_none=True)
    phone = fields.Str()
    start_at = fields.DateTime()
    end_at = fields.DateTime()
    total = Amount(Booking.total)
    status = fields.Str()
    version = fields.Int()
    works = fields.List(fields.Nested(WorkSchema))
    confirmation = fields.Nested(ConfirmationSchema)
    cancel_reason = fields.Nested(ReasonSchema, allow_none=True)


class BookingListSchema(Schema):
    items = fields.List(fields.Nested(BookingOutSchema))
    next = fields.Str(allow_none=True)


class DayArgsSchema(Schema):
    date = Day(load_default=None)


class CallSchema(Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    reason = fields.Str(load_default="", validate=validate.OneOf(("", *NOT_REACHED_REASONS)))
    callback_at = Moment(load_default=None, allow_none=True)
    new_start_at = Moment(load_default=None, allow_none=True)
    cancel_reason_id = Id(load_default=None, allow_none=True)
    added_works = fields.List(fields.Nested(WorkSchema), load_default=list, validate=validate.Length(max=MAX_WORKS))
    note = Text(max_length=2000, load_default="")
    version = Int32(min=1, load_default=None, allow_none=True)


class CancelSchema(Schema):
    reason_id = Id(required=True)
    version = Int32(min=1, load_default=None, allow_none=True)


class ArrivalSchema(Schema):
    version = Int32(min=1, load_default=None, allow_none=True)


def booking_json(booking) -> dict:
    reason = booking.cancel_reason
    return {
        "id": booking.id, "number": booking.number, "client_id": booking.client_id, "car_id": booking.car_id,
        "advisor_id": booking.advisor_id, "phone": booking.phone, "start_at": booking.start_at,
        "end_at": booking.end_at, "total": booking.total, "status": booking.status, "version": booking.version,
        "works": [{"work_id": w.work_id, "name": w.name, "hours": w.hours, "price": w.price} for w in booking.works],
        "confirmation": {"state": booking.confirmation_state, "failed_attempts": booking.failed_attempts,
                         "next_contact_at": booking.next_contact_at},
        "cancel_reason": {"id": reason.id, "code": reason.code, "name": reason.name} if reason else None,
    }


def _lines(items) -> list[WorkLine]:
    return [desk.catalog_work_line(db.session, work_id=item["work_id"], name=item["name"], hours=item["hours"],
                                   price=item["price"]) for item in items]


@blp.route("/bookings", methods=["POST"])
@api_roles(*WRITE_ROLES)
@blp.arguments(BookingInSchema)
@blp.response(201, BookingOutSchema)
def create(data):
    """Create a booking; end and total come from the works; the slot is checked against the schedule."""
    draft = desk.BookingDraft(client_id=data["client_id"], car_id=data["car_id"], advisor_id=data["advisor_id"],
                              start_at=data["start_at"], phone=data["phone"], note=data["note"],
                              works=_lines(data["works"]))
    return booking_json(desk.create_booking(db.session, draft, actor_id=g.api_user.id, clock=get_clock()))


@blp.route("/bookings")
@api_roles(*READ_ROLES)
@blp.arguments(DayArgsSchema, location="query")
@blp.response(200, BookingListSchema)
def list_day(args):
    """The bookings starting on `date` (default today, in the dealership's zone), by start time."""
    from sqlalchemy import select

    calendar = desk.working_calendar(db.session)
    day = args["date"] or calendar.local(get_clock().now()).date()
    start, end = calendar.day_bounds(day)
    rows = db.session.scalars(select(Booking).where(Booking.start_at >= start, Booking.start_at < end)
                              .order_by(Booking.start_at, Booking.id))
    return {"items": [booking_json(b) for b in rows], "next": None}


@blp.route("/bookings/<int:booking_id>")
@api_roles(*READ_ROLES)
@blp.response(200, BookingOutSchema)
def read(booking_id: int):
    return booking_json(desk.get_booking(db.session, booking_id))


@blp.route("/confirmation-desk")
@api_roles(*READ_ROLES)
@blp.arguments(DayArgsSchema, location="query")
@blp.response(200, BookingListSchema)
def confirmation_desk(args):
    """The confirmation list of `date` (default: the day confirmed today) in desk order."""
    calendar = desk.working_calendar(db.session)
    day: date = args["date"] or desk.horizon_day(calendar.local(get_clock().now()).date(),
                                                  desk.load_regulations(db.session), calendar)
    return {"items": [booking_json(b) for b in desk.desk_list(db.session, day, calendar=calendar)], "next": None}


@blp.route("/bookings/<int:booking_id>/confirmation-calls", methods=["POST"], errors=(409, 422))
@api_roles(*CALL_ROLES)
@blp.arguments(CallSchema)
@blp.response(200, BookingOutSchema)
def confirmation_call(data, booking_id: int):
    """Record a confirmation call (SPEC §3.3); `version` (optional) refuses a stale client with 409.

    `not_reached` needs no `reason` (SPEC §5.1 names none; it is stored as «не указано»); one recorded before
    the booking's next contact time is refused with 422 naming that time."""
    reason = data["reason"] or (UNSPECIFIED_REASON if data["outcome"] == "not_reached" else "")
    call = CallInput(outcome=data["outcome"], reason=reason, callback_at=data["callback_at"],
                     new_start_at=data["new_start_at"], cancel_reason_id=data["cancel_reason_id"],
                     added_works=tuple(_lines(data["added_works"])))
    booking = desk.record_call(db.session, booking_id, call, expected_version=data["version"],
                               operator_id=g.api_user.id, clock=get_clock(), note=data["note"])
    return booking_json(booking)


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"], errors=(409,))
@api_roles(*CALL_ROLES)
@blp.arguments(CancelSchema)
@blp.response(200, BookingOutSchema)
def cancel(data, booking_id: int):
    booking = desk.cancel_booking(db.session, booking_id, data["reason_id"], expected_version=data["version"],
                                  actor_id=g.api_user.id, clock=get_clock())
    if booking is None:
        abort(404)
    return booking_json(booking)


@blp.route("/bookings/<int:booking_id>/arrival", methods=["POST"], errors=(409,))
@api_roles(*ARRIVAL_ROLES)
@blp.arguments(ArrivalSchema)
@blp.response(200, BookingOutSchema)
def arrival(data, booking_id: int):
    """The client arrived: the booking becomes `arrived` now (on its visit day, or late after a no-show)."""
    return booking_json(desk.mark_arrived(db.session, booking_id, expected_version=data["version"], clock=get_clock()))
