"""Desk pages: the confirmation list, the booking card («Ремонты»), the confirmation call form, cancel, and
the schedule. Thin: they parse the request, call desk/service.py and place errors by the fields."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from app.admin.base import StaffBaseView, field_messages
from app.admin.live import rendered
from app.clock import get_clock
from app.domain.calendar import parse_local
from app.domain.errors import Conflict, DomainError, NotFound
from app.domain.roles import Role
from app.i18n import format_money, translate
from app.services.catalogs import visible_rows
from app.services.regulations import load_regulations
from catalogs.models import CancellationReason, Work
from desk import service
from desk.labels import BOOKING_STATUS_LABELS, OUTCOME_LABELS, REASON_LABELS, STATE_LABELS, STATE_ROW_CLASSES
from desk.rules import ARRIVAL_ROLES, CALL_ROLES, NOT_REACHED_REASONS, OUTCOMES, CallInput

# Reception looks at the day's schedule to mark arrivals; the calls are the service's
DESK_ROLES = frozenset({Role.SERVICE_ADMIN, Role.SERVICE_ADVISOR, Role.ADMIN, Role.SUPERVISOR, Role.RECEPTION})
MAX_ADDED_WORKS = 5
LIST_REFRESH_MS = 5000  # the confirmation list refreshes itself as often as the bell polls


def _decimal(value: str | None) -> Decimal:
    try:
        return Decimal((value or "0").replace(",", ".").strip() or "0")
    except InvalidOperation:
        return Decimal("-1")



def _whole(raw: str | None) -> int | None:
    """A positive whole number from the address (a page, an id), or None for anything else."""
    return int(raw) if raw and raw.isdigit() and len(raw) <= 9 and int(raw) > 0 else None


def visit_span(calendar, start, end) -> str:
    """«24.11.2026 13:00–16:30» (the end's date only when it is another day), in the dealership's zone."""
    start, end = calendar.local(start), calendar.local(end)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}" if end.date() == start.date() else \
        f"{start:%d.%m.%Y %H:%M}–{end:%d.%m.%Y %H:%M}"


class DeskView(StaffBaseView):
    allowed_roles = DESK_ROLES

    def _require_caller(self) -> None:
        if not current_user.has_any_role(CALL_ROLES):
            abort(403)

    def _calendar(self):
        return service.working_calendar(self.db_session, around=get_clock().now().date())

    def _day(self, calendar) -> date:
        raw = request.args.get("day")
        if raw:
            try:
                return date.fromisoformat(raw)
            except ValueError:
                flash(gettext("Unknown date; showing the default day."), "warning")
        regs = load_regulations(self.db_session)
        today = calendar.local(get_clock().now()).date()
        return service.horizon_day(today, regs, calendar)

    def document_url(self, booking_id: int) -> str:
        """Where the client timeline links a booking's confirmation call to: the booking card."""
        return url_for(f"{self.endpoint}.card", booking_id=booking_id)

    # ----- the confirmation list

    def _list_rows(self, calendar, day: date) -> dict:
        listing = service.desk_page(self.db_session, day, calendar=calendar,
                                    advisor_id=_whole(request.args.get("advisor_id")),
                                    state=request.args.get("state") or None,
                                    page=_whole(request.args.get("page")) or 1)
        return {"day": day, "listing": listing, "bookings": listing.bookings, "state_labels": STATE_LABELS,
                "row_classes": STATE_ROW_CLASSES, "now": get_clock().now()}

    @expose("/")
    def index(self):
        calendar = self._calendar()
        day = self._day(calendar)
        rows = self._list_rows(calendar, day)
        return self.render("desk/list.html", previous=day - timedelta(days=1), following=day + timedelta(days=1),
                           refresh_ms=LIST_REFRESH_MS, rows_version=rendered("desk/_rows.html", **rows)[1], **rows)

    @expose("/rows")
    def rows(self):
        """The list's rows again, for its live refresh: new bookings, calls made at other desks, retries due."""
        try:
            day = date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            return jsonify({"message": gettext("Unknown date; showing the default day.")}), 400
        html, version = rendered("desk/_rows.html", **self._list_rows(self._calendar(), day))
        return jsonify({"html": html, "version": version})

    # ----- the schedule

    @expose("/schedule")
    def schedule(self):
        calendar = self._calendar()
        raw = request.args.get("day")
        day = calendar.local(get_clock().now()).date()
        if raw:
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                flash(gettext("Unknown date; showing the default day."), "warning")
        advisor_id = _whole(request.args.get("advisor_id"))
        grid = service.schedule_day(self.db_session, day, calendar=calendar, advisor_id=advisor_id,
                                    page=_whole(request.args.get("page")) or 1)
        return self.render("desk/schedule.html", day=day, grid=grid, advisor_id=advisor_id,
                           previous=day - timedelta(days=1), following=day + timedelta(days=1),
                           state_labels=STATE_LABELS, status_labels=BOOKING_STATUS_LABELS,
                           can_mark_arrived=current_user.has_any_role(ARRIVAL_ROLES) and
                           day == calendar.local(get_clock().now()).date(),
                           row_classes=STATE_ROW_CLASSES, can_create=current_user.has_any_role(
                               frozenset({*CALL_ROLES, Role.RECEPTION, Role.CALL_CENTER})))

    # ----- the booking card and the call form

    @expose("/booking/<int:booking_id>")
    def card(self, booking_id: int):
        return self._render_card(booking_id)

    def _render_card(self, booking_id: int, *, errors=None, values=None, status=200, open_form: str = ""):
        try:
            booking = service.get_booking(self.db_session, booking_id)
        except NotFound:
            abort(404)
        regs = load_regulations(self.db_session)
        calendar = service.working_calendar(self.db_session, regs)
        script = service.call_script(booking, regs, calendar)
        wall = "%Y-%m-%dT%H:%M"
        return self.render(
            "desk/card.html", booking=booking, script=script, booking_day=calendar.local(booking.start_at).date(),
            local_start=calendar.local(booking.start_at).strftime(wall), local_end=calendar.local(booking.end_at).strftime(wall),
            visit_span=visit_span(calendar, booking.start_at, booking.end_at),
            works_hours=sum((w.hours or Decimal("0") for w in booking.works), Decimal("0")),
            errors=errors or {}, values=values or {},
            open_form=open_form, outcomes=OUTCOMES, outcome_labels=OUTCOME_LABELS, reasons=NOT_REACHED_REASONS,
            reason_labels=REASON_LABELS, state_labels=STATE_LABELS, row_classes=STATE_ROW_CLASSES,
            cancel_reasons=visible_rows(self.db_session, CancellationReason),
            works=visible_rows(self.db_session, Work), max_added=MAX_ADDED_WORKS,
            can_call=current_user.has_any_role(CALL_ROLES),
        ), status

    def _failed(self, booking_id: int, exc: DomainError, form_name: str):
        self.db_session.rollback()
        errors = field_messages(exc)
        if isinstance(exc, Conflict | NotFound):
            errors = {"_form": translate(exc.message, **exc.params)}
        status = 409 if isinstance(exc, Conflict) else 400
        return self._render_card(booking_id, errors=errors, values=request.form.to_dict(), status=status,
                                 open_form=form_name)

    @expose("/booking/<int:booking_id>/call", methods=("POST",))
    def call(self, booking_id: int):
        self._require_caller()
        form = request.form
        calendar = self._calendar()
        added = []
        for index in range(MAX_ADDED_WORKS):
            prefix = f"added_works.{index}."
            name, work_id = form.get(prefix + "name", "").strip(), form.get(prefix + "work_id", type=int)
            if name or work_id:
                added.append(service.catalog_work_line(
                    self.db_session, work_id=work_id, name=name,
                    hours=_decimal(form[prefix + "hours"]) if form.get(prefix + "hours") else None,
                    price=_decimal(form[prefix + "price"]) if form.get(prefix + "price") else None))
        call = CallInput(
            outcome=form.get("outcome", ""), reason=form.get("reason", ""),
            callback_at=parse_local(form.get("callback_at"), calendar.zone),
            new_start_at=parse_local(form.get("new_start_at"), calendar.zone),
            cancel_reason_id=form.get("cancel_reason_id", type=int), added_works=tuple(added),
            new_end_at=parse_local(form.get("new_end_at"), calendar.zone),
        )
        try:
            booking = service.record_call(self.db_session, booking_id, call,
                                          expected_version=form.get("version", type=int),
                                          operator_id=current_user.id, clock=get_clock(),
                                          note=form.get("note", ""))
        except DomainError as exc:
            return self._failed(booking_id, exc, "call")
        flash(self._call_result(booking, call.outcome, calendar), "success")
        target = date.fromisoformat(form["return_day"]) if form.get("return_day") else None
        return redirect(url_for(".index", day=target.isoformat()) if target else url_for(".card",
                                                                                          booking_id=booking_id))

    @staticmethod
    def _call_result(booking, outcome: str, calendar) -> str:
        """What to say after the call: the confirmed visit's times and total, the new time of a moved one."""
        if outcome == "confirmed":
            return gettext("Visit confirmed: %(visit)s, total %(total)s ₽.",
                           visit=visit_span(calendar, booking.start_at, booking.end_at),
                           total=format_money(booking.total))
        if outcome == "reschedule":
            return gettext("The visit is moved to %(start)s.", start=calendar.local(booking.start_at).strftime(
                "%d.%m.%Y %H:%M"))
        return gettext("Call recorded: %(state)s.", state=gettext(STATE_LABELS[booking.confirmation_state]))

    @expose("/booking/<int:booking_id>/slots")
    def slots(self, booking_id: int):
        """The advisor's free starts on `day` for this booking (the reschedule and move forms' picker)."""
        try:
            day = date.fromisoformat(request.args.get("day", ""))
            starts = service.advisor_free_slots(self.db_session, booking_id, day, clock=get_clock())
        except ValueError:
            return jsonify({"message": gettext("Unknown date; showing the default day."), "slots": []}), 400
        except NotFound:
            abort(404)
        calendar = self._calendar()
        return jsonify({"slots": [{"value": calendar.local(at).strftime("%Y-%m-%dT%H:%M"),
                                   "label": calendar.local(at).strftime("%H:%M")} for at in starts]})

    @expose("/booking/<int:booking_id>/arrived", methods=("POST",))
    def arrived(self, booking_id: int):
        """«Клиент приехал» on the schedule: back to the same day with the booking marked."""
        if not current_user.has_any_role(ARRIVAL_ROLES):
            abort(403)
        try:
            booking = service.mark_arrived(self.db_session, booking_id,
                                           expected_version=request.form.get("version", type=int), clock=get_clock())
        except NotFound:
            abort(404)
        except DomainError as exc:
            self.db_session.rollback()
            flash(translate(exc.message, **exc.params), "danger")
            return redirect(url_for(".schedule", day=request.form.get("day", "")))
        flash(gettext("%(client)s arrived (%(number)s).", client=booking.client.name, number=booking.number),
              "success")
        return redirect(url_for(".schedule", day=self._calendar().local(booking.start_at).date().isoformat()))

    @expose("/booking/<int:booking_id>/cancel", methods=("POST",))
    def cancel(self, booking_id: int):
        self._require_caller()
        form = request.form
        try:
            service.cancel_booking(self.db_session, booking_id, form.get("reason_id", type=int),
                                   expected_version=form.get("version", type=int), actor_id=current_user.id,
                                   clock=get_clock(), note=form.get("note", ""))
        except DomainError as exc:
            return self._failed(booking_id, exc, "cancel")
        flash(gettext("The booking is cancelled."), "success")
        return redirect(url_for(".schedule"))

    @expose("/booking/<int:booking_id>/move", methods=("POST",))
    def move(self, booking_id: int):
        self._require_caller()
        form = request.form
        try:
            new_start = parse_local(form.get("start_at"), self._calendar().zone)
            if new_start is None:
                from app.domain.errors import ValidationFailed
                from app.domain.i18n import N_

                raise ValidationFailed(N_("Enter the new visit time."),
                                       fields={"start_at": N_("Enter the new visit time.")})
            booking = service.move_booking(self.db_session, booking_id, new_start,
                                           expected_version=form.get("version", type=int), clock=get_clock(),
                                           field_name="start_at")
        except DomainError as exc:
            return self._failed(booking_id, exc, "move")
        flash(gettext("The visit is moved to %(start)s.", start=self._calendar().local(booking.start_at).strftime(
            "%d.%m.%Y %H:%M")), "success")
        return redirect(url_for(".card", booking_id=booking_id))
