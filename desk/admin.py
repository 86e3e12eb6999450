"""Bookings as an admin list and form (the schedule and the confirmation desk are in desk/views.py)."""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms.fields import HiddenField
from wtforms.validators import ValidationError

from app.admin.fields import LocalDateTimeField
from app.admin.filters import (
    IdChoiceFilter,
    LocalSinceFilter,
    LocalUntilFilter,
    day_filters,
    filtered_list_url,
    staff_options,
)
from app.clock import get_clock
from app.domain.roles import Role
from desk import service as desk
from desk.labels import BOOKING_STATUS_LABELS, STATE_LABELS
from desk.models import Booking, BookingWork
from desk.rules import booking_end
from documents.admin import SERVICE, DocumentView, labelled


class BookingWorkInline(InlineFormAdmin):
    form_columns = ("id", "work", "name", "hours", "price")
    form_label = _l("Work")
    column_labels = {"work": _l("From the works catalog"), "name": _l("Work"), "hours": _l("Hours"),
                     "price": _l("Price")}

    def on_model_change(self, form, model, is_created):
        if model.work is not None:
            model.name = (model.name or "").strip() or model.work.name
            if not model.hours:
                model.hours = model.work.standard_hours or Decimal("0")
            if not model.price:
                model.price = model.work.price or Decimal("0")


class BookingView(DocumentView):
    """Bookings as a list and a form; the schedule and the confirmation desk are in desk/views.py."""

    document_kind = "pre_booking"
    allowed_roles = frozenset({*SERVICE, Role.RECEPTION, Role.CALL_CENTER, Role.SUPERVISOR})
    edit_roles = frozenset({*SERVICE, Role.RECEPTION, Role.CALL_CENTER})
    column_list = ("number", "start_at", "end_at", "client", "car", "advisor", "total", "status",
                   "confirmation_state")
    column_filters = (*day_filters(Booking.start_at, _l("Start")), "status", "confirmation_state",
                      IdChoiceFilter(Booking.advisor_id, _l("Advisor"), options=staff_options))
    form_columns = ("client", "car", "advisor", "phone", "start_at", "works", "note", "row_version")
    form_overrides = {"start_at": LocalDateTimeField}
    form_extra_fields = {"row_version": HiddenField()}
    inline_models = (BookingWorkInline(BookingWork),)
    user_fields = ("advisor",)
    column_default_sort = ("start_at", True)
    column_labels = {**DocumentView.column_labels, "phone": _l("Phone"), "confirmation_state": _l("Confirmation"),
                     "works": _l("Works")}
    extra_formatters = {"status": labelled(BOOKING_STATUS_LABELS, "status"),
                        "confirmation_state": labelled(STATE_LABELS, "confirmation_state"),
                        "advisor": lambda v, c, m, n: str(m.advisor or "")}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and form.client.data is not None and not form.phone.data:
            phone = form.client.data.main_phone
            form.phone.data = phone.display if phone else ""
        return form

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None:
            form.row_version.data = model.version

    def validate_document(self, form):

        start = form.start_at.data
        if start is None:
            form.start_at.errors = [*form.start_at.errors, gettext("Enter the visit time.")]
            return False
        from app.i18n import dealership_timezone

        start = start.replace(tzinfo=dealership_timezone()) if start.tzinfo is None else start
        hours = [Decimal(str(entry.form.hours.data or 0)) for entry in form.works.entries
                 if not form.works.should_delete(entry) and (entry.form.name.data or entry.form.work.data)]
        end = booking_end(start, hours)
        advisor = form.advisor.data
        editing = request.args.get("id", type=int)
        problems = desk.slot_problems(self.db_session, "start_at", advisor_id=advisor.id if advisor else None,
                                      start=start, end=end, clock=get_clock(), exclude_id=editing)
        if problems:
            from app.i18n import translate

            form.start_at.errors = [*form.start_at.errors, translate(problems["start_at"])]
            return False
        return True

    def prepare_document(self, form, model, is_created):
        if not is_created and form.row_version.data and str(model.version) != str(form.row_version.data):
            raise ValidationError(gettext("Someone else has just changed this booking. Reload it and repeat your "
                                          "change."))
        desk.prepare_booking(model, is_created=is_created)


def bookings_url(first, last, *, status: str | None = None, confirmation_state: str | None = None,
                 not_confirmed: bool = False, advisor_id: int | None = None) -> str | None:
    """The pre-bookings whose visit falls on the local days `first`…`last`, of a status, a confirmation state (or
    any but «confirmed») and an advisor."""
    from flask_admin.contrib.sqla.filters import FilterEqual, FilterNotEqual

    wanted = [(Booking.start_at, LocalSinceFilter, first.isoformat()), (Booking.start_at, LocalUntilFilter, last.isoformat())]
    for column, kind, value in ((Booking.status, FilterEqual, status),
                                (Booking.confirmation_state, FilterEqual, confirmation_state),
                                (Booking.confirmation_state, FilterNotEqual, "confirmed" if not_confirmed else None),
                                (Booking.advisor_id, IdChoiceFilter, advisor_id)):
        if value is not None:
            wanted.append((column, kind, str(value)))
    return filtered_list_url("booking", wanted)
