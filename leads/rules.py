"""Follow-up cadences: what a step needs to be runnable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from app.domain.calendar import WorkingCalendar
from app.domain.i18n import N_, Message


@dataclass(frozen=True)
class StepDraft:
    action: str
    day_offset: int
    hour_offset: int
    at_time: time | None
    has_template: bool
    has_stage: bool
    has_loss_reason: bool


REQUIRED_TARGET = {
    "send_template": ("template", N_("Choose the template this step sends.")),
    "set_stage": ("stage", N_("Choose the stage this step sets.")),
    "close_lost": ("loss_reason", N_("Choose the loss reason this step closes the lead with.")),
}


def step_errors(step: StepDraft) -> dict[str, Message]:
    """Field → message for a step that could not run as configured."""
    errors: dict[str, Message] = {}
    if not 0 <= step.day_offset <= 365:
        errors["day_offset"] = Message(N_("Days after the start must be between 0 and 365."))
    if not 0 <= step.hour_offset <= 23:
        errors["hour_offset"] = Message(N_("Hours must be between 0 and 23."))
    if step.at_time is not None and step.hour_offset:
        errors["at_time"] = Message(N_("Give either hours after the start or a time of day, not both."))
    required = REQUIRED_TARGET.get(step.action)
    if required:
        field, text = required
        present = {"template": step.has_template, "stage": step.has_stage, "loss_reason": step.has_loss_reason}
        if not present[field]:
            errors[field] = Message(text)
    return errors


# ----- running a cadence (the run keeps a copy of its steps: editing the catalog changes new runs only)


@dataclass(frozen=True)
class RunStep:
    action: str
    day_offset: int = 0
    hour_offset: int = 0
    at_time: time | None = None
    only_if_not_reached: bool = False
    template_id: int | None = None
    stage_id: int | None = None
    loss_reason_id: int | None = None
    note: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["at_time"] = self.at_time.isoformat(timespec="minutes") if self.at_time else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunStep:
        values = {name: data.get(name) for name in cls.__dataclass_fields__ if name in data}
        if values.get("at_time"):
            values["at_time"] = time.fromisoformat(values["at_time"])
        return cls(**values)


def working_moment(moment: datetime, calendar: WorkingCalendar, cutoff: time) -> datetime:
    """`moment` itself when a call or a message may happen then (a working day, from the day's start up to the
    cutoff, the regulation's latest call time, inclusive); else the start of the next working day."""
    moment = moment.astimezone(UTC)
    local = calendar.local(moment)
    day, wall = local.date(), local.time()
    if calendar.is_working_day(day):
        if wall < calendar.day_start:
            return calendar.at(day, calendar.day_start)
        if wall <= cutoff:
            return moment
    return calendar.at(calendar.next_working_day(day), calendar.day_start)


def _advance_working_days(calendar: WorkingCalendar, day: date, count: int) -> date:
    for _ in range(max(count, 0)):
        day = calendar.next_working_day(day)
    return day


def step_dues(started_at: datetime, steps: list[RunStep], *, calendar: WorkingCalendar, cutoff: time) -> list[datetime]:
    """When each step is due, counted from the run's start on the dealership's working calendar.

    The days of the steps are working days, counted one after another: a step of day N is due N − M working
    days after the day the steps of day M (the previous day of the cadence) actually fell on, so a step that
    had to move never squeezes the next day's steps onto the same day. The first day (0) is the start's:
    the start plus the step's hours (elapsed time), or that day at the step's time of day. A later day: at the
    step's time of day, or else at the start of the working day, plus the hours. Every step lands on a working
    moment (`working_moment`: no call task or message on a day off or after the cutoff) and never before the
    start.
    """
    started_at = started_at.astimezone(UTC)  # hours are elapsed time, not wall-clock time
    first = working_moment(started_at, calendar, cutoff)
    dues: list[datetime] = []
    group_offset, group_day, latest = 0, calendar.local(first).date(), first
    for step in steps:
        if step.day_offset > group_offset:
            group_day = _advance_working_days(calendar, calendar.local(latest).date(), step.day_offset - group_offset)
            group_offset = step.day_offset
        if group_offset == 0 and step.at_time is None:
            due = started_at + timedelta(hours=step.hour_offset)
        else:
            due = calendar.at(group_day, step.at_time or calendar.day_start) + timedelta(hours=step.hour_offset)
        due = working_moment(max(due, started_at), calendar, cutoff)
        latest = max(latest, due)
        dues.append(due)
    return dues


def resumed_steps(steps: list[RunStep]) -> list[RunStep]:
    """The steps of a run paused until a date agreed with the client («перезвонить в …», «в отпуске до …»).

    The agreement replaces what comes before the cadence's first call (seed 004: the first message is sent only
    when nothing was agreed); the first call is made at the agreed moment (day 0, no hours, no time of day) and
    the rest follow it as the cadence says. A cadence without calls is only delayed."""
    first_call = next((i for i, step in enumerate(steps) if step.action == "call_task"), None)
    if first_call is None:
        return list(steps)
    pivot = steps[first_call]
    resumed = []
    for index, step in enumerate(steps[first_call:], start=first_call):
        same_day = step.day_offset <= pivot.day_offset
        resumed.append(replace(
            step, day_offset=max(step.day_offset - pivot.day_offset, 0),
            hour_offset=max(step.hour_offset - pivot.hour_offset, 0) if same_day else step.hour_offset,
            at_time=None if index == first_call else step.at_time))
    return resumed


RUN, WAIT, SKIP = "run", "wait", "skip"


def step_decision(step: RunStep, *, last_call_open: bool, last_call_outcome: str | None) -> str:
    """A conditional step ("only if the previous call was not reached") waits for that call's outcome."""
    if not step.only_if_not_reached:
        return RUN
    if last_call_open:
        return WAIT
    return RUN if last_call_outcome in (None, "not_reached") else SKIP
