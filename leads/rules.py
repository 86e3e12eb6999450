"""Follow-up cadences: what a step needs to be runnable."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def step_due(started_at: datetime, step: RunStep, *, zone: ZoneInfo, day_start: time) -> datetime:
    """When a step is due, counted from the run's start in the dealership's zone.

    The same day: the start plus the step's hours, or that day at the step's time of day. A later day:
    that calendar day at the step's time of day, or else at the start of the working day, plus the hours.
    Never before the start (a same-day time that has already passed means "now").
    """
    started_at = started_at.astimezone(UTC)  # hours are elapsed time, not wall-clock time
    if step.day_offset == 0 and step.at_time is None:
        return started_at + timedelta(hours=step.hour_offset)
    local_day = started_at.astimezone(zone).date() + timedelta(days=step.day_offset)
    wall = datetime.combine(local_day, step.at_time or day_start, tzinfo=zone)
    due = wall.astimezone(UTC) + timedelta(hours=step.hour_offset)
    return max(due, started_at)


RUN, WAIT, SKIP = "run", "wait", "skip"


def step_decision(step: RunStep, *, last_call_open: bool, last_call_outcome: str | None) -> str:
    """A conditional step ("only if the previous call was not reached") waits for that call's outcome."""
    if not step.only_if_not_reached:
        return RUN
    if last_call_open:
        return WAIT
    return RUN if last_call_outcome in (None, "not_reached") else SKIP
