"""«Лиды»: the call-centre manager's call tasks for today, the lead card with its cadence (which step, what
comes next and when), lead events and call outcomes, and the meetings calendar (a day or a week)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.admin.base import StaffBaseView, card_messages, field_messages
from app.clock import get_clock
from app.domain.calendar import parse_local
from app.domain.errors import Conflict, DomainError, NotFound, fail_on
from app.domain.i18n import N_, Message
from app.domain.roles import Role
from app.i18n import dealership_timezone, translate
from app.models.user import User
from app.services.users import active_staff
from catalogs.models import Cadence, LeadStage, MessageTemplate
from clients.models import Client
from leads import service
from leads.labels import (
    ACTION_LABELS,
    CONTACT_SOURCE_LABELS,
    EVENT_LABELS,
    OUTCOME_LABELS,
    PAUSE_LABELS,
    RUN_STATUS_LABELS,
    STOP_REASON_LABELS,
)
from leads.models import CallTask, Lead, LeadEvent

VIEW_ROLES = frozenset({Role.ADMIN, Role.CALL_CENTER, Role.SALES_MANAGER, Role.SUPERVISOR})
WRITE_ROLES = frozenset({Role.ADMIN, Role.CALL_CENTER, Role.SALES_MANAGER})
LIST_LIMIT = 100
CALENDAR_LIMIT = 2000  # meetings on one screen; more asks to pick an employee


def _moment(value: str | None, field: str) -> datetime | None:
    """A datetime-local input: empty → None; something that is not a date → the field's 400."""
    if not (value or "").strip():
        return None
    parsed = parse_local(value, dealership_timezone())
    if parsed is None:
        fail_on({field: Message(N_("Enter a date and time."))})
    return parsed


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


class LeadsView(StaffBaseView):
    allowed_roles = VIEW_ROLES

    def _require_write(self) -> None:
        if not current_user.has_any_role(WRITE_ROLES):
            abort(403)

    def _local_bounds(self, day: date, days: int = 1) -> tuple[datetime, datetime]:
        zone = dealership_timezone()
        return (datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day + timedelta(days=days), time(0),
                                                                               tzinfo=zone))

    # ----- today's call tasks and the open leads

    @expose("/")
    def index(self):
        session = self.db_session
        now = get_clock().now()
        today = now.astimezone(dealership_timezone()).date()
        _, end_of_today = self._local_bounds(today)
        mine_only = request.args.get("all") != "1"
        tasks = select(CallTask).options(
            joinedload(CallTask.lead).joinedload(Lead.client).selectinload(Client.contacts)).where(
            CallTask.status == "open", CallTask.due_at < end_of_today)
        if mine_only:
            tasks = tasks.where(or_(CallTask.assignee_id == current_user.id, CallTask.assignee_id.is_(None)))
        leads = select(Lead).options(joinedload(Lead.client), joinedload(Lead.stage),
                                     joinedload(Lead.meeting_employee)).where(Lead.closed_at.is_(None))
        if mine_only:
            leads = leads.where(or_(Lead.responsible_id == current_user.id,
                                    Lead.meeting_employee_id == current_user.id))
        return self.render(
            "leads/index.html", now=now, mine_only=mine_only,
            tasks=list(session.scalars(tasks.order_by(CallTask.due_at, CallTask.id).limit(LIST_LIMIT))),
            leads=list(session.scalars(leads.order_by(Lead.id.desc()).limit(LIST_LIMIT))), limit=LIST_LIMIT,
            outcome_labels=OUTCOME_LABELS, can_write=current_user.has_any_role(WRITE_ROLES))

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        self._require_write()
        errors, status = {}, 200
        if request.method == "POST":
            draft = service.LeadDraft(client_id=request.form.get("client_id", type=int),
                                      interest=request.form.get("interest", ""),
                                      responsible_id=request.form.get("responsible_id", type=int))
            try:
                lead = service.create_lead(self.db_session, draft, actor_id=current_user.id, clock=get_clock())
            except DomainError as exc:
                self.db_session.rollback()
                errors, status = field_messages(exc), 400
            else:
                flash(gettext("%(number)s created.", number=lead.number), "success")
                return redirect(url_for(".card", lead_id=lead.id))
        # «Менеджер КЦ»: only the active call-centre managers take a lead's calls (no admins, no reception)
        return self.render("leads/new.html", errors=errors, values=request.values.to_dict(),
                           staff=self._staff(Role.CALL_CENTER), client_search_url=url_for("traffic.clients")), status

    def _staff(self, role: str | None = None) -> list[User]:
        return active_staff(self.db_session, *([role] if role else []))

    # ----- the lead card

    @expose("/<int:lead_id>")
    def card(self, lead_id: int):
        return self._render_card(lead_id)

    def document_url(self, lead_id: int) -> str:
        return url_for(f"{self.endpoint}.card", lead_id=lead_id)

    def _render_card(self, lead_id: int, *, errors=None, failed: str = "", status: int = 200):
        session = self.db_session
        try:
            lead = service.get_lead(session, lead_id)
        except NotFound:
            abort(404)
        run = service.current_run(session, lead_id)
        steps = []
        if run is not None:
            steps = [(index, step, due) for index, (step, due)
                     in enumerate(zip(service.run_steps(run), service.step_times(session, run), strict=True))]
        done_steps = {}
        events = list(session.scalars(select(LeadEvent).options(joinedload(LeadEvent.actor))
                                      .where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.at.desc(),
                                                                                   LeadEvent.id.desc()).limit(200)))
        for event in events:
            if event.type == "cadence_step" and run is not None and event.details.get("cadence") == run.cadence_code:
                done_steps.setdefault(event.details.get("step"), event)
        templates = list(session.scalars(select(MessageTemplate)))
        return self.render(
            "leads/card.html", lead=lead, run=run, steps=steps, done_steps=done_steps,
            next_step=service.next_step(session, run), tasks=service.open_tasks(session, lead_id), events=events,
            errors=errors or {}, failed=failed, values=request.form.to_dict(), now=get_clock().now(),
            sales=self._staff(Role.SALES_MANAGER), action_labels=ACTION_LABELS, event_labels=EVENT_LABELS,
            outcome_labels=OUTCOME_LABELS, run_status_labels=RUN_STATUS_LABELS, stop_labels=STOP_REASON_LABELS,
            pause_labels=PAUSE_LABELS, source_labels=CONTACT_SOURCE_LABELS,
            # names, never codes: a step keeps the template's id, an event its code (older ones) and name
            template_names={t.id: t.name for t in templates},
            template_names_by_code={t.code: t.name for t in templates if t.code},
            # stops recorded before they kept the run's name: the cadence's name by its code, never the code
            cadence_names_by_code=dict(session.execute(select(Cadence.code, Cadence.name).where(
                Cadence.code.is_not(None))).all()),
            manual_cadences=service.manual_cadences(session),
            can_write=current_user.has_any_role(WRITE_ROLES),
        ), status

    def _act(self, lead_id: int, action, *, success: str, failed: str):
        self._require_write()
        try:
            action()
        except DomainError as exc:
            self.db_session.rollback()
            errors = ({"_form": translate(exc.message, **exc.params)} if isinstance(exc, Conflict | NotFound)
                      else card_messages(exc))
            return self._render_card(lead_id, errors=errors, failed=failed,
                                     status=409 if isinstance(exc, Conflict) else 400)
        flash(success, "success")
        return redirect(url_for(".card", lead_id=lead_id))

    @expose("/<int:lead_id>/events", methods=("POST",))
    def event(self, lead_id: int):
        form = request.form
        kind = form.get("type", "")
        return self._act(lead_id, lambda: service.record_event(
            self.db_session, lead_id, kind, actor_id=current_user.id, clock=get_clock(),
            at=_moment(form.get("at"), "at"), employee_id=form.get("employee_id", type=int),
            note=form.get("note", ""), objective_reason=form.get("objective_reason", ""),
            version=form.get("version", type=int)), success=gettext("Saved."), failed=kind)

    @expose("/<int:lead_id>/cadences", methods=("POST",))
    def start_cadence(self, lead_id: int):
        """«Запустить регламент»: a cadence with the trigger «вручную», chosen on the card."""
        form = request.form
        return self._act(lead_id, lambda: service.start_manual_cadence(
            self.db_session, lead_id, form.get("cadence_id", type=int), actor_id=current_user.id, clock=get_clock(),
            version=form.get("version", type=int)), success=gettext("The cadence is started."), failed="cadence")

    @expose("/tasks/<int:task_id>", methods=("POST",))
    def task_outcome(self, task_id: int):
        self._require_write()
        task = self.db_session.get(CallTask, task_id)
        if task is None:
            abort(404)
        form = request.form
        return self._act(task.lead_id, lambda: service.complete_call_task(
            self.db_session, task_id, outcome=form.get("outcome", ""), actor_id=current_user.id, clock=get_clock(),
            callback_at=_moment(form.get("callback_at"), "callback_at"), note=form.get("note", ""),
            version=form.get("version", type=int)), success=gettext("The call is recorded."), failed=f"task{task_id}")

    # ----- the meetings calendar

    @expose("/calendar")
    def calendar(self):
        today = get_clock().now().astimezone(dealership_timezone()).date()
        week = request.args.get("view") == "week"
        day = _day(request.args.get("day"), today)
        first = day - timedelta(days=day.weekday()) if week else day
        days = [first + timedelta(days=n) for n in range(7 if week else 1)]
        start, end = self._local_bounds(first, len(days))
        employee_id = request.args.get("employee_id", type=int)
        query = (select(Lead.id, Lead.meeting_at, Lead.meeting_employee_id, Client.name, LeadStage.name,
                        LeadStage.code)
                 .join(Client, Client.id == Lead.client_id).join(LeadStage, LeadStage.id == Lead.stage_id)
                 .where(Lead.meeting_at >= start, Lead.meeting_at < end))
        if employee_id:
            query = query.where(Lead.meeting_employee_id == employee_id)
        rows = self.db_session.execute(query.order_by(Lead.meeting_at).limit(CALENDAR_LIMIT + 1)).all()
        capped = len(rows) > CALENDAR_LIMIT
        zone = dealership_timezone()
        by_cell: dict[tuple[date, int | None], list] = {}
        for row in rows[:CALENDAR_LIMIT]:
            by_cell.setdefault((row.meeting_at.astimezone(zone).date(), row.meeting_employee_id), []).append(row)
        people = {user.id: user for user in self._staff()}
        employees = sorted((people[i] for i in {key[1] for key in by_cell} if i in people), key=str)
        return self.render("leads/calendar.html", days=days, week=week, day=day, today=today, employees=employees,
                           by_cell=by_cell, staff=self._staff(Role.SALES_MANAGER), employee_id=employee_id,
                           step=timedelta(days=7 if week else 1), zone=zone, capped=capped, limit=CALENDAR_LIMIT,
                           card_url=url_for(".card", lead_id=0)[:-1])
