"""Leads and their follow-up cadences (seed 004, SPEC §3.4).

A lead moves through the stages of the catalog. When a qualified lead gets no meeting, or the client
misses one, a cadence starts: a `CadenceRun` with a copy of the catalog's steps. Each step is due at
a working moment computed by `leads.rules.step_dues` on the dealership's working calendar (no call or
message on a day off or after the latest call time); a durable timer fires it, and the worker creates the
call task, sends the template through the outbox, sets the stage or closes the lead. A step that runs
"only if the previous call was not reached" waits for that call's outcome. Any contact (a reached call,
a call-back agreed, a client's reply, the client's call, visit or appeal told by `app.contacts`) stops the run
when its cadence says «stop on contact»; a meeting set or held ends it anyway. A next call agreed with the
client, or an objective reason until a date, pauses the qualified-lead cadence until that date instead of
sending the first message. A meeting gets a no-show check at its time plus the grace period from the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.errors import Conflict, NotYet, ValidationFailed, fail_on
from app.domain.i18n import N_, Message
from app.messaging.service import add_message, render_message, unfilled_message
from app.notifications.service import notify
from app.services.persistence import commit_or_conflict, get_versioned
from app.services.regulations import load_regulations, working_calendar
from app.services.users import NO_SUCH_EMPLOYEE, active_employee
from app.timers.models import ScheduledAction
from app.timers.service import cancel_pending, schedule
from catalogs.models import Cadence, LeadStage, LossReason, MessageTemplate
from clients.models import Client
from leads.models import CALL_OUTCOMES, CadenceRun, CallTask, Lead, LeadEvent
from leads.rules import RUN, WAIT, RunStep, resumed_steps, step_decision, step_dues

CADENCE_STEP = "cadence_step"
NO_SHOW_CHECK = "lead_no_show_check"
QUALIFIED_NO_MEETING = "qualified_no_meeting"
MEETING_NO_SHOW = "meeting_no_show"
STALE_LEAD = N_("Someone else has just changed this lead; reload the page.")
MISSING_LEAD = N_("This lead does not exist.")
STALE_TASK = N_("Someone else has just recorded this call; reload the page.")
MESSENGER_CHANNELS = ("whatsapp", "sms")
MANUAL = "manual"
# What ends a running cadence whatever its «stop on contact» switch says: its goal is reached or it restarts.
ENDS_ANYWAY = ("meeting_set", "meeting_held", "no_meeting_set")


@dataclass
class LeadDraft:
    client_id: int | None
    interest: str = ""
    responsible_id: int | None = None
    stage_code: str = "new"


def get_lead(session: Session, lead_id: int) -> Lead:
    return get_versioned(session, Lead, lead_id, version=None, stale=STALE_LEAD, missing=MISSING_LEAD)


def _stage(session: Session, code: str) -> LeadStage:
    return session.scalar(select(LeadStage).where(LeadStage.code == code))


def _event(session: Session, lead: Lead, kind: str, now: datetime, *, actor_id: int | None = None,
           note: str = "", **details) -> LeadEvent:
    event = LeadEvent(lead_id=lead.id, type=kind, at=now, actor_id=actor_id, details=details, note=note)
    session.add(event)
    return event


def create_lead(session: Session, draft: LeadDraft, *, actor_id: int | None, clock: Clock) -> Lead:
    client = session.get(Client, draft.client_id) if draft.client_id else None
    if client is None:
        fail_on({"client_id": Message(N_("Pick the client."))})
    stage = _stage(session, draft.stage_code)
    if stage is None:
        fail_on({"stage": Message(N_("Unknown lead stage."))})
    if draft.responsible_id is not None and active_employee(session, draft.responsible_id) is None:
        fail_on({"responsible_id": Message(NO_SUCH_EMPLOYEE)})
    now = clock.now()
    lead = Lead(client=client, interest=draft.interest.strip(), stage=stage, responsible_id=draft.responsible_id,
                created_at=now, created_by_id=actor_id)
    session.add(lead)
    session.flush()
    _event(session, lead, "created", now, actor_id=actor_id)
    session.commit()
    return lead


# ----- events from staff and the API


def record_event(session: Session, lead_id: int, kind: str, *, actor_id: int | None, clock: Clock,
                 at: datetime | None = None, employee_id: int | None = None, note: str = "",
                 version: int | None = None, objective_reason: str = "") -> Lead:
    """`no_meeting_set` (at: the next call agreed, or the end of an objective reason), `meeting_set` (at,
    employee), `contact_made`, `not_reached`, `no_show`, `meeting_held`."""
    lead = get_versioned(session, Lead, lead_id, version=version, stale=STALE_LEAD, missing=MISSING_LEAD)
    if lead.is_closed:
        raise Conflict(N_("The lead is closed."))
    now = clock.now()
    if kind == "no_meeting_set":
        objective_reason = objective_reason.strip()
        if objective_reason and at is None:
            fail_on({"at": Message(N_("Give the date until which the reason holds; the cadence waits until then."))})
        if at is not None and at <= now:
            fail_on({"at": Message(N_("Give a next-call date in the future."))})
        if len(objective_reason) > 300:
            fail_on({"objective_reason": Message(N_("At most 300 characters."))})
        pause = ("objective" if objective_reason else "callback") if at is not None else ""
        _contact(session, lead, now, "no_meeting_set", actor_id=actor_id, note=note,
                 **({"next_call_at": at.isoformat(), "pause": pause} if at is not None else {}))
        if lead.stage.code in ("new", "in_qualification"):
            lead.stage = _stage(session, "qualified")
        if at is not None:
            lead.next_call_at = at
        start_cadence(session, lead, QUALIFIED_NO_MEETING, clock=clock, paused_until=at, pause_reason=pause,
                      pause_note=objective_reason)
    elif kind == "meeting_set":
        _set_meeting(session, lead, at, employee_id, clock=clock, actor_id=actor_id, note=note)
    elif kind == "contact_made":
        _contact(session, lead, now, "contact_made", actor_id=actor_id, note=note)
    elif kind == "not_reached":
        task = session.scalar(select(CallTask).where(CallTask.lead_id == lead.id, CallTask.status == "open")
                              .order_by(CallTask.due_at, CallTask.id).limit(1))
        if task is None:
            fail_on({"type": Message(N_("The lead has no open call task."))})
        _complete(session, task, "not_reached", now=now, actor_id=actor_id, note=note, clock=clock)
    elif kind == "no_show":
        if lead.meeting_at is None:
            fail_on({"type": Message(N_("The lead has no meeting the client could have missed."))})
        if lead.meeting_at > now:
            raise NotYet(N_("The meeting has not started yet."))
        _no_show(session, lead, clock=clock, actor_id=actor_id)
    elif kind == "meeting_held":
        lead.stage = _stage(session, "meeting_held")
        cancel_pending(session, kinds=(NO_SHOW_CHECK,), target_id=lead.id)
        _contact(session, lead, now, "meeting_held", actor_id=actor_id, note=note)
    else:
        fail_on({"type": Message(N_("Unknown event type."))})
    commit_or_conflict(session, STALE_LEAD, unique_clash=True)
    return lead


def _set_meeting(session: Session, lead: Lead, at: datetime | None, employee_id: int | None, *, clock: Clock,
                 actor_id: int | None, note: str) -> None:
    from app.models.user import User

    now = clock.now()
    problems: dict[str, Message] = {}
    if at is None or at <= now:
        problems["at"] = Message(N_("Give a meeting time in the future."))
    employee = session.get(User, employee_id) if employee_id else None
    if employee is None or not employee.active:
        problems["employee_id"] = Message(N_("Choose who holds the meeting."))
    fail_on(problems)
    rescheduled = lead.meeting_at is not None
    cancel_pending(session, kinds=(NO_SHOW_CHECK,), target_id=lead.id)  # the old meeting's check
    lead.meeting_at, lead.meeting_employee_id = at, employee.id
    lead.stage = _stage(session, "meeting_set")
    _contact(session, lead, now, "meeting_set", actor_id=actor_id, note=note,
             at=at.isoformat(), employee_id=employee.id, rescheduled=rescheduled)
    grace = timedelta(minutes=load_regulations(session).no_show_grace_minutes)
    schedule(session, kind=NO_SHOW_CHECK, target_id=lead.id, due_at=at + grace, clock=clock,
             key=f"noshow:{lead.id}:{int(at.timestamp())}", payload={"meeting_at": at.isoformat()})


def _contact(session: Session, lead: Lead, now: datetime, kind: str, *, actor_id: int | None, note: str = "",
             keep_task_id: int | None = None, **details) -> None:
    """A contact happened: record it and stop the running cadence (its open call tasks are cancelled) if the
    cadence stops on contact; a meeting set or held, or a new cadence, ends it anyway."""
    lead.last_contact_at = max(lead.last_contact_at, now) if lead.last_contact_at else now
    _event(session, lead, kind, now, actor_id=actor_id, note=note, **details)
    stop_cadences(session, lead, reason=kind, now=now, keep_task_id=keep_task_id,
                  on_contact_only=kind not in ENDS_ANYWAY)


def stop_cadences(session: Session, lead: Lead, *, reason: str, now: datetime, keep_task_id: int | None = None,
                  on_contact_only: bool = False, started_by: datetime | None = None) -> int:
    """Stop the lead's running cadences (`on_contact_only`: those whose cadence stops on contact; `started_by`:
    those started by then — a contact registered late does not stop a cadence that began after it)."""
    query = select(CadenceRun).where(CadenceRun.lead_id == lead.id, CadenceRun.status == "running")
    if on_contact_only:
        query = query.where(CadenceRun.stop_on_contact.is_(True))
    if started_by is not None:
        query = query.where(CadenceRun.started_at <= started_by)
    runs = list(session.scalars(query))
    for run in runs:
        run.status, run.ended_at, run.stop_reason, run.next_at = "stopped", now, reason, None
        run.waiting_for_task_id = None
        cancel_pending(session, kinds=(CADENCE_STEP,), target_id=run.id)
        session.execute(update(CallTask).where(CallTask.cadence_run_id == run.id, CallTask.status == "open",
                                               CallTask.id != (keep_task_id or 0))
                        .values(status="cancelled", version=CallTask.version + 1)
                        .execution_options(synchronize_session="fetch"))
        _event(session, lead, "cadence_stopped", now, cadence=run.cadence_code, name=run.cadence_name,
               reason=reason)
    return len(runs)


# ----- call tasks


def complete_call_task(session: Session, task_id: int, *, outcome: str, actor_id: int | None, clock: Clock,
                       callback_at: datetime | None = None, note: str = "", version: int | None = None) -> CallTask:
    """Record a call's outcome: reached and call-later are contacts (the cadence stops); not reached lets
    a waiting cadence step go on."""
    task = get_versioned(session, CallTask, task_id, version=version, stale=STALE_TASK,
                         missing=N_("This call task does not exist."))
    if task.status != "open":
        raise Conflict(N_("This call has already been recorded."))
    _complete(session, task, outcome, now=clock.now(), actor_id=actor_id, note=note, callback_at=callback_at,
              clock=clock)
    commit_or_conflict(session, STALE_TASK, unique_clash=True)
    return task


def _complete(session: Session, task: CallTask, outcome: str, *, now: datetime, actor_id: int | None, note: str,
              clock: Clock, callback_at: datetime | None = None) -> None:
    problems: dict[str, Message] = {}
    if outcome not in CALL_OUTCOMES:
        problems["outcome"] = Message(N_("Choose the outcome of the call."))
    if outcome == "call_later" and (callback_at is None or callback_at <= now):
        problems["callback_at"] = Message(N_("Give a call-back time in the future."))
    fail_on(problems)
    task.status, task.outcome, task.done_at, task.done_by_id = "done", outcome, now, actor_id
    task.note, task.callback_at = note.strip(), callback_at if outcome == "call_later" else None
    lead = task.lead
    if outcome == "not_reached":
        lead.next_call_at = None
        _event(session, lead, "not_reached", now, actor_id=actor_id, note=note, task_id=task.id)
        run = session.get(CadenceRun, task.cadence_run_id) if task.cadence_run_id else None
        if run is not None and run.status == "running" and run.waiting_for_task_id == task.id:
            session.flush()
            advance(session, run, clock=clock)
        return
    _contact(session, lead, now, "contact_made", actor_id=actor_id, note=note, keep_task_id=task.id,
             task_id=task.id, outcome=outcome)
    lead.next_call_at = None
    if outcome == "call_later":
        lead.next_call_at = callback_at
        session.add(CallTask(lead_id=lead.id, assignee_id=task.assignee_id or actor_id, due_at=callback_at,
                             purpose="", created_at=now))  # shown as «Перезвонить, как договорились»
    run = session.get(CadenceRun, task.cadence_run_id) if task.cadence_run_id else None
    if run is not None and run.status == "running" and run.waiting_for_task_id == task.id:
        session.flush()  # a cadence that goes on after a contact: its «if not reached» steps are skipped now
        advance(session, run, clock=clock)


def client_replied(session: Session, *, client_id: int, inbound_id: int, clock: Clock) -> int:
    """A client's reply through a messenger is a contact: the running cadences of their open leads stop (those
    that stop on contact)."""
    now = clock.now()
    leads = list(session.scalars(select(Lead).where(Lead.client_id == client_id, Lead.closed_at.is_(None))))
    for lead in leads:
        _contact(session, lead, now, "message_reply", actor_id=None, inbound_id=inbound_id)
    return len(leads)


def client_contacted(session: Session, client_id: int, *, at: datetime, source: str) -> int:
    """`app.contacts` listener: the client called, came or made an appeal (registered as traffic or an appeal,
    in the caller's transaction). A contact on each of their open leads; the running cadences that stop on
    contact and started by then stop. Flushes, never commits."""
    leads = list(session.scalars(select(Lead).where(Lead.client_id == client_id, Lead.closed_at.is_(None))))
    for lead in leads:
        lead.last_contact_at = max(lead.last_contact_at, at) if lead.last_contact_at else at
        _event(session, lead, "client_contact", at, source=source)
        stop_cadences(session, lead, reason="client_contact", now=at, on_contact_only=True, started_by=at)
    return len(leads)


# ----- cadences


def running_runs(session: Session, cadence_id: int) -> int:
    """How many runs of this cadence are running (they keep the steps they started with)."""
    return session.scalar(select(func.count()).select_from(CadenceRun).where(
        CadenceRun.cadence_id == cadence_id, CadenceRun.status == "running")) or 0


def _running_run_id(session: Session, lead_id: int) -> int | None:
    return session.scalar(select(CadenceRun.id).where(CadenceRun.lead_id == lead_id, CadenceRun.status == "running"))


def start_cadence(session: Session, lead: Lead, code: str, *, clock: Clock, paused_until: datetime | None = None,
                  pause_reason: str = "", pause_note: str = "") -> CadenceRun | None:
    """Start the cadence with this trigger/code for the lead (not if one is running already)."""
    if _running_run_id(session, lead.id) is not None:
        return None
    cadence = session.scalar(select(Cadence).where((Cadence.code == code) | (Cadence.trigger == code),
                                                   Cadence.show_in_list.is_(True))
                             .order_by(Cadence.sort_order, Cadence.id).limit(1))
    if cadence is None or not cadence.steps:
        return None  # an admin switched it off
    return _begin(session, lead, cadence, clock=clock, paused_until=paused_until, pause_reason=pause_reason,
                  pause_note=pause_note)


def _begin(session: Session, lead: Lead, cadence: Cadence, *, clock: Clock, actor_id: int | None = None,
           paused_until: datetime | None = None, pause_reason: str = "", pause_note: str = "") -> CadenceRun:
    now = clock.now()
    steps = [RunStep(action=s.action, day_offset=s.day_offset, hour_offset=s.hour_offset, at_time=s.at_time,
                     only_if_not_reached=s.only_if_not_reached, template_id=s.template_id, stage_id=s.stage_id,
                     loss_reason_id=s.loss_reason_id, note=s.note) for s in cadence.steps]
    if paused_until is not None:
        steps = resumed_steps(steps)
    run = CadenceRun(lead_id=lead.id, cadence_id=cadence.id, cadence_code=cadence.code or "",
                     cadence_name=cadence.name, steps=[step.as_dict() for step in steps], status="running",
                     started_at=now, next_step=0, stop_on_contact=cadence.stop_on_contact, paused_until=paused_until,
                     pause_reason=pause_reason if paused_until is not None else "",
                     pause_note=pause_note if paused_until is not None else "")
    session.add(run)
    session.flush()
    _event(session, lead, "cadence_started", now, actor_id=actor_id, cadence=run.cadence_code, name=cadence.name,
           **({"paused_until": paused_until.isoformat(), "pause": pause_reason} if paused_until is not None else {}))
    advance(session, run, clock=clock)
    return run


def manual_cadences(session: Session) -> list[Cadence]:
    """The cadences staff may start by hand from a lead card (trigger «вручную», shown, with steps)."""
    return [c for c in session.scalars(select(Cadence).where(Cadence.trigger == MANUAL, Cadence.show_in_list.is_(True))
                                       .order_by(Cadence.sort_order, Cadence.id)) if c.steps]


def start_manual_cadence(session: Session, lead_id: int, cadence_id: int | None, *, actor_id: int | None,
                         clock: Clock, version: int | None = None) -> CadenceRun:
    """«Запустить регламент» on a lead card: a cadence with the trigger «вручную», one commit."""
    lead = get_versioned(session, Lead, lead_id, version=version, stale=STALE_LEAD, missing=MISSING_LEAD)
    if lead.is_closed:
        raise Conflict(N_("The lead is closed."))
    cadence = session.get(Cadence, cadence_id) if cadence_id else None
    if cadence is None or cadence.trigger != MANUAL or not cadence.show_in_list or not cadence.steps:
        fail_on({"cadence_id": Message(N_("Choose a cadence that is started by hand."))})
    if _running_run_id(session, lead.id) is not None:
        raise Conflict(N_("A cadence is already running for this lead; it has to stop first."))
    run = _begin(session, lead, cadence, clock=clock, actor_id=actor_id)
    commit_or_conflict(session, STALE_LEAD, unique_clash=True)
    return run


def run_steps(run: CadenceRun) -> list[RunStep]:
    return [RunStep.from_dict(step) for step in run.steps]


def step_times(session: Session, run: CadenceRun) -> list[datetime]:
    """When each step of the run is due, on the working calendar of the settings (the cutoff is the
    regulation's latest call time)."""
    regs = load_regulations(session)
    start = run.counted_from
    calendar = working_calendar(session, regs, around=start.date())
    return step_dues(start, run_steps(run), calendar=calendar, cutoff=regs.latest_call_time)


def advance(session: Session, run: CadenceRun, *, clock: Clock) -> None:
    """Run every step that is due now; then wait for the next step's time (a timer) or a call's outcome."""
    now = clock.now()
    steps = run_steps(run)
    dues = step_times(session, run)
    lead = run.lead
    while run.status == "running" and run.next_step < len(steps):
        step = steps[run.next_step]
        due = dues[run.next_step]
        if due > now:
            run.next_at, run.waiting_for_task_id = due, None
            schedule(session, kind=CADENCE_STEP, target_id=run.id, due_at=due, clock=clock,
                     key=f"cadence:{run.id}:{run.next_step}")
            return
        last = session.scalar(select(CallTask).where(CallTask.cadence_run_id == run.id)
                              .order_by(CallTask.id.desc()).limit(1))
        decision = step_decision(step, last_call_open=last is not None and last.status == "open",
                                 last_call_outcome=last.outcome if last is not None else None)
        if decision == WAIT:
            run.next_at, run.waiting_for_task_id = None, last.id
            return
        run.waiting_for_task_id = None
        index = run.next_step
        run.next_step += 1
        if decision == RUN:
            _execute(session, run, lead, step, index, clock=clock)
        else:
            _event(session, lead, "cadence_step", now, cadence=run.cadence_code, step=index, action=step.action,
                   skipped=True)
    if run.status == "running":
        run.status, run.ended_at, run.stop_reason, run.next_at = "completed", now, "finished", None


def _execute(session: Session, run: CadenceRun, lead: Lead, step: RunStep, index: int, *, clock: Clock) -> None:
    now = clock.now()
    details = {"cadence": run.cadence_code, "step": index, "action": step.action}
    if step.action == "call_task":
        task = CallTask(lead_id=lead.id, assignee_id=lead.responsible_id, cadence_run_id=run.id, step_index=index,
                        purpose=step.note, due_at=now, created_at=now)
        session.add(task)
        session.flush()
        lead.next_call_at = now
        details["task_id"] = task.id
        notify(session, [lead.responsible_id], kind="call_task", clock=clock, target=("lead", lead.id),
               key=f"call-task:{task.id}", message=Message(N_("Call %(client)s (%(lead)s): %(purpose)s"), {
                   "client": lead.client.name, "lead": lead.number, "purpose": step.note}))
    elif step.action == "send_template":
        details.update(_send_template(session, run, lead, step, index, clock=clock))
    elif step.action == "set_stage":
        stage = session.get(LeadStage, step.stage_id) if step.stage_id else None
        if stage is not None:
            lead.stage = stage
            details["stage"] = stage.code or stage.name
    elif step.action == "close_lost":
        reason = session.get(LossReason, step.loss_reason_id) if step.loss_reason_id else None
        lead.stage, lead.loss_reason, lead.closed_at = _stage(session, "closed_lost"), reason, now
        run.status, run.ended_at, run.stop_reason, run.next_at = "completed", now, "closed_lost", None
        session.execute(update(CallTask).where(CallTask.lead_id == lead.id, CallTask.status == "open")
                        .values(status="cancelled", version=CallTask.version + 1)
                        .execution_options(synchronize_session="fetch"))
        cancel_pending(session, kinds=(NO_SHOW_CHECK,), target_id=lead.id)
        details["loss_reason"] = reason.code if reason is not None else None
        _event(session, lead, "closed", now, reason=details["loss_reason"])
    _event(session, lead, "cadence_step", now, **details)


def _send_template(session: Session, run: CadenceRun, lead: Lead, step: RunStep, index: int, *,
                   clock: Clock) -> dict:
    from clients.messages import template_values

    template = session.get(MessageTemplate, step.template_id) if step.template_id else None
    if template is None:
        return {"skipped": "no_template"}
    client = lead.client
    if template.channel in MESSENGER_CHANNELS:
        contact = next((c for c in client.contacts if c.kind == "phone" and c.is_main), None) or next(
            (c for c in client.contacts if c.kind == "phone"), None)
    else:
        contact = next((c for c in client.contacts if c.kind == "email"), None)
    if contact is None:
        return {"skipped": "no_recipient"}
    values = template_values(session, client)
    if lead.responsible is not None:
        values["manager"] = lead.responsible.full_name or lead.responsible.username
    if lead.meeting_at is not None:
        zone = ZoneInfo(load_regulations(session).timezone)
        values["meeting_at"] = lead.meeting_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
    try:
        rendered = render_message(template, values)
    except ValidationFailed as exc:
        # A message with a hole is not sent, and the step is not tried again: the lead's history says which
        # placeholder had no value and the responsible is told (the cadence goes on with its next steps).
        notify(session, [lead.responsible_id], kind="message_not_sent", clock=clock, target=("lead", lead.id),
               key=f"cadence-unfilled:{run.id}:{index}", message=Message(
                   N_("%(lead)s: %(problem)s"), {"lead": lead.number, "problem": unfilled_message(
                       template.name, exc.params["unfilled"])}))
        return {"skipped": "unfilled", "unfilled": exc.params["unfilled"], "template": template.code or template.name,
                "template_name": template.name}
    message = add_message(
        session, channel=template.channel, recipient=contact.value, template=template,
        subject=rendered.subject, body=rendered.body,
        idempotency_key=f"cadence-{run.id}-{index}", client_id=client.id, lead_id=lead.id,
        clock=clock)
    return {"message_id": message.id, "template": template.code or template.name, "template_name": template.name}


def _no_show(session: Session, lead: Lead, *, clock: Clock, actor_id: int | None) -> CadenceRun | None:
    now = clock.now()
    cancel_pending(session, kinds=(NO_SHOW_CHECK,), target_id=lead.id)
    _event(session, lead, "no_show", now, actor_id=actor_id,
           meeting_at=lead.meeting_at.isoformat() if lead.meeting_at else None)
    return start_cadence(session, lead, MEETING_NO_SHOW, clock=clock)


def _cadence_step(session: Session, action: ScheduledAction, clock: Clock) -> None:
    run = session.get(CadenceRun, action.target_id)
    if run is None or run.status != "running":
        return
    advance(session, run, clock=clock)


def _no_show_check(session: Session, action: ScheduledAction, clock: Clock) -> None:
    """The meeting time plus the grace period has passed and the meeting was not marked held."""
    lead = session.get(Lead, action.target_id)
    if lead is None or lead.is_closed or lead.meeting_at is None:
        return
    if lead.meeting_at != datetime.fromisoformat(action.payload["meeting_at"]):
        return  # rescheduled since; the new meeting has its own check
    if lead.stage.code != "meeting_set":
        return  # held, or moved on
    _no_show(session, lead, clock=clock, actor_id=None)


# ----- reading


@dataclass(frozen=True)
class NextStep:
    index: int
    step: RunStep
    due_at: datetime
    waiting_for_task_id: int | None


def next_step(session: Session, run: CadenceRun | None) -> NextStep | None:
    if run is None or run.status != "running" or run.next_step >= len(run.steps):
        return None
    step = RunStep.from_dict(run.steps[run.next_step])
    return NextStep(run.next_step, step, step_times(session, run)[run.next_step], run.waiting_for_task_id)


def current_run(session: Session, lead_id: int) -> CadenceRun | None:
    return session.scalar(select(CadenceRun).where(CadenceRun.lead_id == lead_id)
                          .order_by(CadenceRun.id.desc()).limit(1))


def open_tasks(session: Session, lead_id: int) -> list[CallTask]:
    return list(session.scalars(select(CallTask).where(CallTask.lead_id == lead_id, CallTask.status == "open")
                                .order_by(CallTask.due_at, CallTask.id)))


TIMER_HANDLERS = {CADENCE_STEP: _cadence_step, NO_SHOW_CHECK: _no_show_check}
